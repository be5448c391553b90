#pragma once
// The named SQL statements of persistence/queries/*.sql ("-- name: xxx" blocks), compiled into
// the binary and prepared on every connection (prepared statements are per connection).
#include <map>
#include <span>
#include <string>

#include "common/embedded_file.hpp"

namespace brokkr::persistence {

std::span<const embedded_file> query_files();

// name -> SQL text, parsed once from the embedded files.
const std::map<std::string, std::string>& statements();

}  // namespace brokkr::persistence
