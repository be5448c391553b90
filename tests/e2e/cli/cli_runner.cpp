#include "tests/e2e/cli/cli_runner.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

namespace brokkr::test {

nlohmann::json cli_run::json() const {
  auto j = nlohmann::json::parse(out, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "stdout is not JSON:\n" << out << "\nstderr:\n" << err);
  return j;
}

running_cli::running_cli(std::vector<std::string> argv, std::string dir)
    : out_path_(dir + "/stdout"), err_path_(dir + "/stderr"), proc_(std::move(argv), out_path_) {}

std::string running_cli::out() const { return read_text_file(out_path_); }
std::string running_cli::err() const { return read_text_file(err_path_); }

bool running_cli::err_shows(const std::string& text, std::chrono::seconds timeout) {
  return eventually([&] { return err().find(text) != std::string::npos; }, timeout);
}

bool running_cli::out_shows(const std::string& text, std::chrono::seconds timeout) {
  return eventually([&] { return out().find(text) != std::string::npos; }, timeout);
}

cli_run running_cli::finish(std::chrono::seconds timeout) {
  const auto code = proc_.wait(timeout);
  BOOST_REQUIRE_MESSAGE(code.has_value(), "brokkr did not exit in time; stderr:\n" << err());
  return {*code, out(), err()};
}

cli_runner::cli_runner(std::map<std::string, std::string> e)
    : env(std::move(e)), home(temp_dir("brokkr-cli-home")), dir_(temp_dir("brokkr-cli-run")) {}

std::unique_ptr<running_cli> cli_runner::start(const std::vector<std::string>& args, const std::string& stdin_text) {
  const auto dir = dir_ + "/" + std::to_string(++runs_);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/stdin") << stdin_text;
  // env -i: nothing but what the test chose; sh redirects stdin and stderr, child_process takes stdout.
  std::vector<std::string> argv = {"/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=" + home,
                                   "CLI_STDIN=" + dir + "/stdin", "CLI_STDERR=" + dir + "/stderr"};
  for (const auto& [k, v] : env) argv.push_back(k + "=" + v);
  argv.insert(argv.end(), {"/bin/sh", "-c", "exec \"$0\" \"$@\" <\"$CLI_STDIN\" 2>\"$CLI_STDERR\"", binary("cli/brokkr")});
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<running_cli>(std::move(argv), dir);
}

cli_run cli_runner::run(const std::vector<std::string>& args, const std::string& stdin_text) {
  return start(args, stdin_text)->finish();
}

}  // namespace brokkr::test
