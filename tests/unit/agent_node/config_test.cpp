#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>

#include "actors/scheduler.hpp"
#include "agent_node/agent_config.hpp"

using namespace brokkr;
using namespace brokkr::agent;

namespace {

// The key and config files live in a directory of this process, removed when the parse is done.
struct scratch_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("brokkr-agent-config-test-" + std::to_string(::getpid()));
  scratch_dir() { std::filesystem::create_directories(path); }
  ~scratch_dir() { std::filesystem::remove_all(path); }
};

expected<agent_settings, config::error> settings(std::vector<std::string> args, const std::string& yaml = {}) {
  const scratch_dir dir;
  const std::string key = (dir.path / "agent.key").string();
  std::ofstream(key) << "brokkr_BRabc_0123456789abcdef0123\n";
  std::vector<std::string> all = {"brokkr-agent", "--key-file", key};
  if (!yaml.empty()) {
    const std::string file = (dir.path / "agent.yaml").string();
    std::ofstream(file) << yaml;
    all.insert(all.end(), {"--config", file});
  }
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (auto& a : all) argv.push_back(a.c_str());
  auto p = agent_options();
  auto v = p.parse(static_cast<int>(argv.size()), argv.data(), [](const std::string&) { return std::optional<std::string>{}; });
  if (!v) return unexpected(v.error());
  return settings_from(*v);
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_follow_the_seed) {
  auto s = settings({});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->enabled);
  BOOST_TEST(s->poll_interval.count() == 30000);
  BOOST_TEST(s->shipwright.service_account == "builder-sa");
  BOOST_TEST(s->shipwright.default_timeout.count() == 15 * 60 * 1000);
  BOOST_TEST(s->shipwright.retention_succeeded.count() == 3600 * 1000);
  BOOST_TEST(s->shipwright.retention_failed.count() == 24 * 3600 * 1000);
  BOOST_TEST(s->key == "brokkr_BRabc_0123456789abcdef0123");
  BOOST_TEST((s->via == transport::caf));
  BOOST_TEST(s->scheduler.policy == "sharing");
  BOOST_TEST(s->scheduler.threads == 0);
}

BOOST_AUTO_TEST_CASE(the_caf_scheduler_is_chosen_by_flag) {
  auto s = settings({"--caf-scheduler", "stealing", "--caf-threads", "2"});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->scheduler.policy == "stealing");
  BOOST_TEST(s->scheduler.threads == 2);
}

// The broker parses the same flag with the same code (actors/scheduler.cpp).
BOOST_AUTO_TEST_CASE(the_caf_heartbeat_sets_the_connection_timeout_to_three_intervals) {
  auto d = settings({});
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->scheduler.heartbeat.count() == 1000);
  auto s = settings({"--caf-heartbeat-interval", "2s"});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->scheduler.heartbeat.count() == 2000);
  caf::actor_system_config cfg;
  configure_scheduler(cfg, s->scheduler);
  BOOST_TEST(caf::get_or(cfg, "middleman.heartbeat-interval", caf::timespan{0}) == caf::timespan{std::chrono::seconds(2)});
  BOOST_TEST(caf::get_or(cfg, "middleman.connection-timeout", caf::timespan{0}) == caf::timespan{std::chrono::seconds(6)});
  BOOST_TEST(settings({"--caf-heartbeat-interval", "50ms"}).error().field == "--caf-heartbeat-interval");
  BOOST_TEST(settings({"--caf-heartbeat-interval", "2m"}).error().field == "--caf-heartbeat-interval");
}

BOOST_AUTO_TEST_CASE(the_seeds_yaml_keys_are_read) {
  auto s = settings({}, "agent:\n  ephemeral_work:\n    enabled: false\n    poll_interval_seconds: 7\n"
                        "    shipwright:\n      service_account: sa2\n      default_timeout: 20m\n"
                        "      build_retention_succeeded: 2h\n      build_retention_failed: 48h\n");
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().message));
  BOOST_TEST(!s->enabled);
  BOOST_TEST(s->poll_interval.count() == 7000);
  BOOST_TEST(s->shipwright.service_account == "sa2");
  BOOST_TEST(s->shipwright.default_timeout.count() == 20 * 60 * 1000);
  BOOST_TEST(s->shipwright.retention_failed.count() == 48 * 3600 * 1000);
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_flag) {
  BOOST_TEST(settings({"--transport", "pigeon"}).error().field == "--transport");
  BOOST_TEST(settings({"--caf-scheduler", "fifo"}).error().field == "--caf-scheduler");
  BOOST_TEST(settings({"--caf-threads", "-1"}).error().field == "--caf-threads");
  BOOST_TEST(settings({"--broker-url", "ftp://x"}).error().field == "--broker-url");
  BOOST_TEST(settings({"--work-types", "mine-bitcoin"}).error().field == "--work-types");
  BOOST_TEST(settings({"--max-concurrent-work", "0"}).error().field == "--max-concurrent-work");
  BOOST_TEST(settings({"--key-file", "/nonexistent"}).error().field == "--key-file");
}

// TLS is explicit: a certificate without a CA used to dial plaintext; a broker off loopback without
// TLS needs --allow-plaintext, on the agent as on the broker.
BOOST_AUTO_TEST_CASE(tls_and_plaintext_are_explicit) {
  auto no_ca = settings({"--tls-cert", "c.pem", "--tls-key", "k.pem"});
  BOOST_REQUIRE(!no_ca);
  BOOST_TEST(no_ca.error().field == "--tls-ca");
  auto remote = settings({"--broker-caf", "broker.example.com:4222"});
  BOOST_REQUIRE(!remote);
  BOOST_TEST(remote.error().field == "--broker-caf");
  BOOST_TEST(settings({"--broker-caf", "broker.example.com:4222", "--allow-plaintext"}).has_value());
  BOOST_TEST(settings({"--broker-caf", "broker.example.com:4222", "--tls-ca", "ca.pem"}).has_value());
  auto http = settings({"--transport", "http", "--broker-url", "http://broker.example.com:8080"});
  BOOST_REQUIRE(!http);
  BOOST_TEST(http.error().field == "--broker-url");
  BOOST_TEST(settings({"--transport", "http", "--broker-url", "https://broker.example.com"}).has_value());
  BOOST_TEST(settings({"--transport", "http", "--broker-url", "http://127.0.0.1:8080"}).has_value());
}

BOOST_AUTO_TEST_CASE(allowed_namespaces_are_names) {
  auto s = settings({"--allowed-namespaces", "team-a,team-b"});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST((s->allowed_namespaces == std::vector<std::string>{"team-a", "team-b"}));
  BOOST_TEST(settings({"--allowed-namespaces", "*"}).has_value());
  auto bad = settings({"--allowed-namespaces", "../kube-system"});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().field == "--allowed-namespaces");
}
