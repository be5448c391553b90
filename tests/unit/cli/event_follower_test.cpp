// The --wait/--follow loop against scripted streams: terminal events end it, early stream ends
// reconnect after the last event seen, and errors end it with their exit code.
#include "cli/event_follower.hpp"

#include <boost/test/unit_test.hpp>

#include <deque>

using namespace brokkr::cli;
using nlohmann::json;

namespace {

json event(int id, const std::string& from, const std::string& to) {
  return {{"id", id}, {"from_status", from.empty() ? json(nullptr) : json(from)}, {"to_status", to}, {"attempt", 1}};
}

// One scripted connection: the events it delivers, then how it ends.
struct connection {
  std::vector<json> events;
  std::optional<cli_error> error;  // none: the server ended the stream cleanly
};

struct scripted_server {
  std::deque<connection> script;
  std::vector<int64_t> afters;  // the `after` of each connection, in order

  event_stream_fn stream() {
    return [this](int64_t after, const std::function<bool(const json&)>& on_event) -> result<brokkr::ok_t> {
      afters.push_back(after);
      BOOST_REQUIRE_MESSAGE(!script.empty(), "the follower connected more often than scripted");
      auto c = script.front();
      script.pop_front();
      for (const auto& e : c.events)
        if (!on_event(e)) return brokkr::ok;
      if (c.error) return brokkr::unexpected(*c.error);
      return brokkr::ok;
    };
  }
};

const follow_policy fast{.max_quiet_reconnects = 2, .pause = std::chrono::milliseconds{0}};
const cli_error unreachable{exit_code::unreachable, "refused", {}};

}  // namespace

BOOST_AUTO_TEST_SUITE(event_follower)

BOOST_AUTO_TEST_CASE(ends_at_the_terminal_event) {
  scripted_server s;
  s.script.push_back({{event(1, "", "PENDING"), event(2, "PENDING", "CLAIMED"), event(3, "CLAIMED", "COMPLETED")}, {}});
  std::vector<int64_t> seen;
  auto r = follow_work(s.stream(), [&](const json& e) { seen.push_back(e["id"]); }, fast);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r == "COMPLETED");
  BOOST_TEST(seen == std::vector<int64_t>({1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(waits_through_retries) {
  scripted_server s;
  s.script.push_back({{event(1, "CLAIMED", "FAILED_RETRYABLE"), event(2, "FAILED_RETRYABLE", "CLAIMED"),
                       event(3, "CLAIMED", "FAILED_PERMANENT")}, {}});
  auto r = follow_work(s.stream(), [](const json&) {}, fast);
  BOOST_TEST(*r == "FAILED_PERMANENT");
}

BOOST_AUTO_TEST_CASE(reconnects_after_the_last_event_when_the_stream_ends_early) {
  scripted_server s;
  s.script.push_back({{event(4, "", "PENDING")}, {}});                 // server's follow limit
  s.script.push_back({{event(5, "PENDING", "CLAIMED")}, unreachable});  // broker restart mid-stream
  s.script.push_back({{}, unreachable});                                // still down
  s.script.push_back({{event(6, "CLAIMED", "CANCELED")}, {}});
  auto r = follow_work(s.stream(), [](const json&) {}, fast);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r == "CANCELED");
  BOOST_TEST(s.afters == std::vector<int64_t>({0, 4, 5, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unreachable_at_the_start_fails_at_once) {
  scripted_server s;
  s.script.push_back({{}, unreachable});
  auto r = follow_work(s.stream(), [](const json&) {}, fast);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().exit_code == exit_code::unreachable);
  BOOST_TEST(s.script.empty());
}

BOOST_AUTO_TEST_CASE(api_errors_are_not_retried) {
  scripted_server s;
  s.script.push_back({{}, cli_error{exit_code::not_found, "HTTP 404", {}}});
  auto r = follow_work(s.stream(), [](const json&) {}, fast);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().exit_code == exit_code::not_found);
}

BOOST_AUTO_TEST_CASE(gives_up_after_too_many_quiet_reconnects) {
  scripted_server s;
  s.script.push_back({{event(1, "", "PENDING")}, {}});
  for (int i = 0; i < 3; ++i) s.script.push_back({{}, {}});
  auto r = follow_work(s.stream(), [](const json&) {}, fast);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().exit_code == exit_code::api_error);
  BOOST_TEST(s.script.empty());
}

BOOST_AUTO_TEST_SUITE_END()
