#pragma once
// The hostile-input corpus (docs/security.md): one broker for the whole suite, started with limits a
// test can reach, and the checks every case ends with: the broker still answers, and its resident
// memory stayed within a fixed bound of what it used before the first case.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/test_db.hpp"

namespace brokkr::test::hostile {

// The broker of the suite: small limits so that every limit is reachable.
inline std::vector<std::string> hostile_flags() {
  return {"--http-max-connections", "64", "--http-header-timeout", "2s", "--http-body-limit", "4194304",
          "--caf-max-connections", "32", "--caf-max-message", "2097152", "--request-timeout", "10s"};
}

// How much more resident memory than at the start the broker may hold after any case: 64 MiB. Under
// AddressSanitizer (BROKKR_SANITIZED=1) freed memory is held in a quarantine before reuse, which
// scripts/test caps at 64 MiB (quarantine_size_mb), and every touched byte has shadow memory, so the
// bound there is 192 MiB: still far below what one unbounded buffer of a hostile case would reach.
inline constexpr long rss_slack_kib = 64 * 1024;
inline constexpr long rss_slack_sanitized_kib = 192 * 1024;

struct agent_key {
  std::string id;
  std::string key;
};

class suite_broker {
 public:
  static suite_broker& get();  // started by the first case, stopped at exit

  broker_process& broker() { return broker_; }
  std::string url() const { return broker_.url(); }
  uint16_t http_port() const { return broker_.http_port(); }
  uint16_t caf_port() const { return broker_.caf_port(); }
  api_client admin() const { return api_client(broker_.url(), admin_key_); }
  api_client as(const agent_key& a) const { return api_client(broker_.url(), a.key); }
  const std::string& admin_key() const { return admin_key_; }
  // Two agents labelled "hostile": A runs work, B is the other agent of the matrix.
  const agent_key& agent_a() const { return a_; }
  const agent_key& agent_b() const { return b_; }

  // A work item targeted at A, claimed by A (attempt 1).
  std::string claimed_item();
  std::string pending_item();

  long rss_kib() const;
  long baseline_kib() const { return baseline_; }

 private:
  suite_broker();
  test_database db_;
  std::string dir_;
  broker_process broker_;
  std::string admin_key_;
  agent_key a_, b_;
  long baseline_ = 0;
};

// After a case: the broker answers /healthz, and its memory is within the bound. `what` names the
// case in failures.
void still_serving(const std::string& what);

// Sends raw bytes to the HTTP port and returns the status of the first answer (0: none, the
// connection closed or timed out first); `answers` counts the status lines received.
struct raw_answer {
  int status = 0;
  int answers = 0;
  bool closed = false;
  std::string text;
};
raw_answer send_raw(uint16_t port, const std::string& bytes, int wait_ms = 3000);

std::string work_body(const std::vector<std::string>& labels);

}  // namespace brokkr::test::hostile
