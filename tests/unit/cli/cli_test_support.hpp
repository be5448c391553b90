#pragma once
// Helpers for the CLI's unit tests: a fake environment, scratch files, and the command line parsed
// as `brokkr` would parse it.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/global_options.hpp"

namespace brokkr::cli::test {

inline config::env_lookup fake_env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A scratch directory removed when the object goes.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    auto tmpl = (std::filesystem::temp_directory_path() / "brokkr-cli-unit.XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }
};

// "brokkr" followed by `args`, through the same environment filter as the executable.
inline result<invocation> parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "brokkr");
  return parse_command_line(args, cli_environment(fake_env(std::move(env))));
}

// Parses a command line that must be valid.
inline invocation parse_ok(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  auto r = parse(std::move(args), std::move(env));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
  return std::move(*r);
}

}  // namespace brokkr::cli::test
