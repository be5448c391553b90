#pragma once
// The web console's static files (broker_node/console/), compiled into the broker: /ui/ serves
// exactly what this binary was built with, with no build step and nothing fetched at run time.
#include <span>

#include "common/embedded_file.hpp"

namespace brokkr::broker {

std::span<const embedded_file> console_files();

}  // namespace brokkr::broker
