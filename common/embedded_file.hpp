#pragma once
// A text file compiled into the binary (cmake/EmbedFiles.cmake).
#include <string_view>

namespace brokkr {

struct embedded_file {
  std::string_view name;
  std::string_view content;
};

}  // namespace brokkr
