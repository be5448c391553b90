#pragma once
// Real processes for end-to-end tests: brokkr-broker, brokkr-agent, brokkr-sim-cluster.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brokkr::test {

// Path of a built executable, e.g. binary("broker_node/brokkr-broker").
std::string binary(const std::string& relative);
// The whole file; empty when it cannot be read.
std::string read_text_file(const std::string& path);
// A fresh directory under /tmp, removed by the test process at exit.
std::string temp_dir(const std::string& prefix);
// $BROKKR_KUBECTL, else `kubectl` on PATH, else /usr/bin/kubectl; empty when none exists. Debian 12
// has no kubectl package: the tests that need it fail with a message naming it when it is absent.
std::string find_kubectl();
// A loopback TCP port free right now, outside the ephemeral range, for a process that must come back
// on the same address after a restart.
uint16_t free_port();

class child_process {
 public:
  // Starts argv[0] with argv; stdout and stderr go to `log_path`; `env` entries (NAME=value) are
  // added to the inherited environment.
  child_process(std::vector<std::string> argv, std::string log_path, std::vector<std::string> env = {});
  ~child_process();  // SIGKILL if still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  int pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // The exit code (or 128 + signal), or nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string log() const;
  const std::string& log_path() const { return log_path_; }

 private:
  int pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

// The resident set of process `pid` in KiB (VmRSS of /proc/PID/status), 0 if unreadable.
long rss_kib(int pid);
// Its proportional set in KiB (Pss of /proc/PID/smaps_rollup): pages shared with other processes,
// such as the code of the same executable, count divided by the number of sharers. Summed over
// processes it is the memory they take together, which the RSS overstates. 0 if unreadable.
long pss_kib(int pid);
// User plus system CPU time process `pid` has used, in seconds (utime + stime of /proc/PID/stat),
// 0 if unreadable.
double cpu_seconds(int pid);
// The same for `pid` and its children: those running now (read from /proc/*/stat by parent id)
// and those that ended and were waited for (its cutime and cstime). The CPU of a PostgreSQL server
// is its postmaster's and its backends', autovacuum workers included.
double tree_cpu_seconds(int pid);
// The parent of process `pid` (a PostgreSQL backend's is the postmaster), 0 if unreadable.
int parent_pid(int pid);

// Whether the suite runs under ASan and UBSan (scripts/test sets BROKKR_SANITIZED=1).
bool sanitized();
// How many times slower processes run here: 4 when scripts/test runs the suite under ASan and UBSan
// (BROKKR_SANITIZED=1), else 1. Every wait below is stretched by it, so a deadline that is generous in
// Release stays generous in the sanitized build without hiding a hang in either.
int slowdown();

// Polls `done` every 20 ms until it is true or `timeout` (times slowdown()) passes; returns whether
// it became true.
template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Reads a JSON ready file ({"http_port", ...}) once it exists; empty string on timeout.
std::string wait_for_file(const std::string& path, std::chrono::milliseconds timeout);

}  // namespace brokkr::test

#include <thread>

template <class Pred>
bool brokkr::test::eventually(Pred done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout * slowdown();
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}
