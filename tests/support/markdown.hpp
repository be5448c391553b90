#pragma once
// Runnable examples in the docs: every ```sh block of a markdown file, in order, so tests can run
// them against live processes and the docs cannot drift from the code.
#include <sstream>
#include <string>
#include <vector>

namespace brokkr::test {

inline std::vector<std::string> sh_blocks(const std::string& markdown) {
  std::istringstream in(markdown);
  std::vector<std::string> blocks;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (!inside && line == "```sh") {
      inside = true;
      blocks.emplace_back();
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      blocks.back() += line + "\n";
    }
  }
  return blocks;
}

}  // namespace brokkr::test
