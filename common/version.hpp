#pragma once
// The release version of every Brokkr executable, from the one `project(... VERSION ...)` in the
// top-level CMakeLists.txt. The CAF wire protocol has its own number (actors/protocol_version.hpp).
#include <string_view>

namespace brokkr {

std::string_view version();

}  // namespace brokkr
