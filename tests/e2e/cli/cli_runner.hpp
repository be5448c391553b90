#pragma once
// Runs the real `brokkr` executable as a child process with a clean environment (so the tester's
// own BROKKR_* variables and ~/.config cannot leak in), feeding stdin from text and keeping
// stdout and stderr apart.
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace brokkr::test {

struct cli_run {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // stdout parsed; fails the test when it is not JSON
};

// A `brokkr` started in the background (--wait, --follow).
class running_cli {
 public:
  running_cli(std::vector<std::string> argv, std::string dir);
  std::string out() const;
  std::string err() const;
  // Waits (bounded) until stderr, or stdout, holds `text`; false on timeout.
  bool err_shows(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(30));
  bool out_shows(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(30));
  cli_run finish(std::chrono::seconds timeout = std::chrono::seconds(60));

 private:
  std::string out_path_, err_path_;
  child_process proc_;
};

class cli_runner {
 public:
  // `env` is the whole environment the CLI sees, besides PATH and HOME (an empty scratch home).
  explicit cli_runner(std::map<std::string, std::string> env = {});
  cli_run run(const std::vector<std::string>& args, const std::string& stdin_text = "");
  std::unique_ptr<running_cli> start(const std::vector<std::string>& args, const std::string& stdin_text = "");

  std::map<std::string, std::string> env;
  std::string home;

 private:
  std::string dir_;
  int runs_ = 0;
};

}  // namespace brokkr::test
