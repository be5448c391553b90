#pragma once
// The source tree the docs tests read: $BROKKR_SOURCE_DIR (brokkr_add_test sets it).
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace brokkr::docs_test {

// Canonical, so that paths built from it compare and relativise cleanly.
inline const std::filesystem::path& source_root() {
  static const std::filesystem::path dir = [] {
    const char* src = std::getenv("BROKKR_SOURCE_DIR");
    BOOST_REQUIRE_MESSAGE(src, "BROKKR_SOURCE_DIR must name the source tree");
    return std::filesystem::canonical(src);
  }();
  return dir;
}

// The whole file; the test fails when it cannot be read.
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string read_source(const std::string& relative) { return read_text(source_root() / relative); }

}  // namespace brokkr::docs_test
