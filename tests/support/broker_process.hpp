#pragma once
// brokkr-broker as a real process on a test database, on ephemeral ports.
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace brokkr::test {

// Flags that make the broker's timers and sweeps fast enough for tests.
std::vector<std::string> fast_broker_flags();

class broker_process {
 public:
  // `admin_key_file`: shared between brokers on one database (the first start writes it).
  broker_process(std::string database_url, std::string admin_key_file, std::vector<std::string> extra_flags = {});
  ~broker_process();

  // A command the broker runs under (e.g. {"prlimit", "--nofile=128:128"}); it must exec the broker.
  void wrap_with(std::vector<std::string> prefix) { wrapper_ = std::move(prefix); }
  void start();               // starts and waits until it serves
  void stop(int sig = 15);    // SIGTERM by default; waits for exit
  void kill9();
  std::optional<int> exit_code() { return proc_ ? proc_->wait(std::chrono::seconds(0)) : std::nullopt; }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  uint16_t http_port() const { return http_port_; }
  uint16_t caf_port() const { return caf_port_; }
  std::string admin_key() const;
  child_process& proc() { return *proc_; }
  std::string log() const { return proc_ ? proc_->log() : std::string(); }

 private:
  std::string db_url_, key_file_, dir_;
  std::vector<std::string> extra_;
  std::vector<std::string> wrapper_;
  std::unique_ptr<child_process> proc_;
  uint16_t http_port_ = 0, caf_port_ = 0;
  int starts_ = 0;
};

}  // namespace brokkr::test
