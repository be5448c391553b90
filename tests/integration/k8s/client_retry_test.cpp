// Retries: 429 (honouring Retry-After) and 5xx are retried with backoff on the client's clock; other
// 4xx are not; transient transport failures are retried for reads.
#include "k8s/sim/faults.hpp"
#include "sim_fixture.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;

namespace {

struct retry_fixture : sim_fixture {
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
  client retrying{sim.client_config(), {.max_attempts = 4,
                                        .retry_backoff = {std::chrono::milliseconds(200), std::chrono::seconds(5), 2.0, 0.0},
                                        .clock = clock}};
  void fault(const json& f) {
    auto parsed = sim::parse_fault(f);
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error()));
    sim.faults().add(*parsed);
  }
  std::vector<long> sleeps() const {
    std::vector<long> out;
    for (auto d : clock->sleeps()) out.push_back(d.count());
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client_retry, retry_fixture)

BOOST_AUTO_TEST_CASE(too_many_requests_waits_as_long_as_retry_after_says) {
  fault({{"code", 429}, {"retryAfterSeconds", 3}, {"times", 1}, {"method", "GET"}});
  auto r = retrying.list(resources::builds, "ci");
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : describe(r.error())));
  BOOST_TEST((sleeps() == std::vector<long>{3000}));
}

BOOST_AUTO_TEST_CASE(server_errors_back_off_exponentially) {
  fault({{"code", 503}, {"times", 2}, {"method", "POST"}});
  auto r = retrying.create(resources::configmaps, "ci", configmap("after-503"));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : describe(r.error())));
  BOOST_TEST((sleeps() == std::vector<long>{200, 400}));
}

BOOST_AUTO_TEST_CASE(the_last_error_comes_back_when_attempts_run_out) {
  fault({{"code", 500}, {"times", -1}, {"reason", "InternalError"}, {"message", "etcd is sad"}});
  auto r = retrying.get(resources::builds, "ci", "x");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().code == 500);
  BOOST_TEST(r.error().message == "etcd is sad");
  BOOST_TEST((sleeps() == std::vector<long>{200, 400, 800}));  // 4 attempts, 3 pauses
}

BOOST_AUTO_TEST_CASE(other_client_errors_are_not_retried) {
  fault({{"code", 403}, {"times", 2}, {"reason", "Forbidden"}});
  auto r = retrying.get(resources::builds, "ci", "x");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().reason == "Forbidden");
  BOOST_TEST(sleeps().empty());
  BOOST_TEST(sim.faults().list()[0]["times"] == 1);  // only one request reached the server
}

BOOST_AUTO_TEST_CASE(connection_refused_is_retried_then_reported) {
  auto cfg = sim.client_config();
  cfg.server = "http://127.0.0.1:1";  // nothing listens there
  client nowhere(cfg, {.max_attempts = 3, .retry_backoff = {std::chrono::milliseconds(10), std::chrono::seconds(1), 2.0, 0.0},
                       .clock = clock});
  auto r = nowhere.get(resources::builds, "ci", "x");
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().origin == error_origin::transport));
  BOOST_TEST((r.error().transport == brokkr::http::transport_errc::connect_failed));
  BOOST_TEST((sleeps() == std::vector<long>{10, 20}));
}

BOOST_AUTO_TEST_CASE(a_bad_token_file_is_a_client_error) {
  auto cfg = sim.client_config();
  cfg.token.clear();
  cfg.token_file = "/no/such/token";
  client broken(cfg);
  auto r = broken.get(resources::builds, "ci", "x");
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().origin == error_origin::client));
}

BOOST_AUTO_TEST_SUITE_END()
