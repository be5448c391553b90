// `cmake --install` of this build into a scratch prefix: the executables run from there (no path
// back into build/), the docs keep the README's relative links, and the completion scripts are the
// installed client's own.
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/support/process.hpp"

namespace fs = std::filesystem;
using brokkr::test::child_process;
using brokkr::test::read_text_file;

namespace {

// Runs argv to the end; returns exit code and output.
std::pair<int, std::string> run(const std::vector<std::string>& argv, const std::string& log) {
  child_process p(argv, log);
  const auto code = p.wait(std::chrono::seconds(120));
  return {code.value_or(-1), p.log()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(cmake_install_lays_out_a_usable_prefix) {
  const auto prefix = brokkr::test::temp_dir("brokkr-install");
  const auto [code, log] = run({BROKKR_CMAKE, "--install", BROKKR_BUILD_DIR, "--prefix", prefix}, prefix + ".log");
  BOOST_REQUIRE_MESSAGE(code == 0, log);
  for (const char* exe : {"brokkr", "brokkr-broker", "brokkr-agent", "brokkr-sim-cluster"}) {
    const auto path = prefix + "/bin/" + exe;
    BOOST_REQUIRE_MESSAGE(fs::exists(path), path);
    const auto [rc, out] = run({path, "--version"}, prefix + "/" + exe + ".version");
    BOOST_TEST(rc == 0, out);
    BOOST_TEST(out.find(std::string(exe) + " ") == 0u, out);
  }
  const auto doc = prefix + "/share/doc/brokkr";
  BOOST_TEST(fs::exists(doc + "/README.md"));
  BOOST_TEST(fs::exists(doc + "/docs/cli.md"));  // README.md links docs/cli.md
  BOOST_TEST(fs::exists(doc + "/docs/openapi.yaml"));
  BOOST_TEST(fs::exists(prefix + "/share/brokkr/deploy/broker/base/kustomization.yaml"));
  BOOST_TEST(fs::exists(prefix + "/share/brokkr/migrations/0001_timestamps.sql"));

  const std::string client = prefix + "/bin/brokkr";
  for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
           {"bash", "/share/bash-completion/completions/brokkr"},
           {"zsh", "/share/zsh/site-functions/_brokkr"},
           {"fish", "/share/fish/vendor_completions.d/brokkr.fish"}}) {
    const auto installed = read_text_file(prefix + file);
    BOOST_TEST(!installed.empty(), file);
    const auto [rc, out] = run({client, "completion", shell}, prefix + "/completion." + shell);
    BOOST_TEST(rc == 0);
    BOOST_TEST((installed == out), shell << " completion differs from `brokkr completion " << shell << "`");
  }
}
