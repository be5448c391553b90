#pragma once
// docs/openapi.yaml, compiled into the broker so /openapi.yaml always matches the binary.
#include <span>

#include "common/embedded_file.hpp"

namespace brokkr::broker {

std::span<const embedded_file> embedded_docs();

}  // namespace brokkr::broker
