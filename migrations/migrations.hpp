#pragma once
// The numbered SQL files of this folder, compiled into every binary that migrates the schema.
// Names are "NNNN_description.sql"; the runner (persistence/migrator) applies them in order.
#include <span>

#include "common/embedded_file.hpp"

namespace brokkr::migrations {

std::span<const embedded_file> files();

}  // namespace brokkr::migrations
