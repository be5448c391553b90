#pragma once
// The real brokkr-sim-cluster executable, started for a test and stopped with SIGTERM.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace brokkr::k8s::testing {

struct sim_process {
  // `kubeconfig_name`: the file in dir that --kubeconfig-out names; `last_written`: the file whose
  // appearance means the sim serves (the kubeconfig itself, or the last of many with --clusters).
  explicit sim_process(std::vector<std::string> extra_args, const std::string& kubeconfig_name = "kubeconfig",
                       const std::string& last_written = "") {
    dir = std::filesystem::temp_directory_path() / ("brokkr-sim-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(counter()++));
    std::filesystem::create_directories(dir);
    const auto out = (dir / kubeconfig_name).string();
    kubeconfig = last_written.empty() ? out : (dir / last_written).string();
    std::vector<std::string> args = {BROKKR_SIM_EXE, "--listen", "127.0.0.1:0", "--kubeconfig-out", out,
                                     "--log-level", "warn"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    BOOST_REQUIRE(posix_spawn(&pid, BROKKR_SIM_EXE, nullptr, nullptr, argv.data(), environ) == 0);
    // The kubeconfig appears (atomically, by rename) once the sim serves.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(kubeconfig) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(kubeconfig), "brokkr-sim-cluster did not write its kubeconfig");
  }

  // SIGTERM and the exit status (0 after a graceful stop).
  int stop() {
    if (pid <= 0) return exit_code;
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code;
  }

  ~sim_process() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  static int& counter() {
    static int n = 0;
    return n;
  }

  pid_t pid = -1;
  int exit_code = -1;
  std::filesystem::path dir;
  std::string kubeconfig;
};

}  // namespace brokkr::k8s::testing
