// The dispatcher's claim, heartbeat, cancel and report logic (agent_node/dispatcher.cpp) under
// CAF's deterministic scheduler, against a scripted broker link and fake handlers.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/caf_errors.hpp"
#include "agent_node/dispatcher.hpp"
#include "tests/support/deterministic_actors.hpp"

using namespace brokkr;
using namespace brokkr::agent;
using namespace std::chrono_literals;

namespace {

using finish_atom = caf::atom_constant<caf::atom("finish")>;

// The broker as the dispatcher sees it: claimable items, and scripted answers to heartbeats and
// reports (errors first, then success).
struct broker_script {
  std::deque<work_item> claimable;
  std::vector<int32_t> claim_limits;        // the limit of each claim-next
  std::vector<completion_report> reports;   // every report attempt, in order
  std::deque<errc> report_errors;           // the next report attempts fail with these
  std::map<std::string, bool> cancel_on_heartbeat;
  std::map<std::string, errc> heartbeat_error;
  std::vector<std::string> heartbeats;
  std::vector<log_chunk> log_chunks;
  link_listener_actor listener;
};

broker_link_actor fake_link(caf::actor_system& sys, std::shared_ptr<broker_script> s) {
  return sys.spawn([s]() -> broker_link_actor::behavior_type {
    return {
        [s](claimnext_atom, std::vector<std::string>&, int32_t limit) {
          s->claim_limits.push_back(limit);
          std::vector<work_item> out;
          while (!s->claimable.empty() && static_cast<int32_t>(out.size()) < limit) {
            out.push_back(s->claimable.front());
            s->claimable.pop_front();
          }
          return out;
        },
        [s](heartbeat_atom, std::string& id, int32_t) -> caf::result<bool> {
          s->heartbeats.push_back(id);
          if (auto e = s->heartbeat_error.find(id); e != s->heartbeat_error.end())
            return make_error(e->second, "scripted heartbeat refusal");
          return s->cancel_on_heartbeat[id];
        },
        [s](complete_atom, completion_report& r) -> caf::result<work_item> {
          s->reports.push_back(r);
          if (!s->report_errors.empty()) {
            const auto code = s->report_errors.front();
            s->report_errors.pop_front();
            return make_error(code, "scripted report refusal");
          }
          work_item w;
          w.id = r.work_id;
          w.status = r.outcome == work_outcome::completed ? work_status::completed : work_status::failed_retryable;
          return w;
        },
        [](held_atom) { return std::vector<work_item>{}; },
        [s](logs_atom, log_chunk& c) {
          s->log_chunks.push_back(c);
          return false;
        },
        [s](caf::subscribe_atom, link_listener_actor& l) { s->listener = l; },
    };
  });
}

// Handlers that do nothing until told: (finish_atom, outcome) reports that outcome; a cancel reports
// CANCELED. Either way they report once and exit, like the real ones.
struct handler_log {
  std::map<std::string, caf::actor> by_id;
  std::vector<std::string> started;
  std::vector<std::string> canceled;
  std::vector<log_stream_request> log_requests;
};

handler_factory fake_handlers(std::shared_ptr<handler_log> log) {
  return [log](caf::actor_system& sys, const handler_context& ctx, const work_item& w) {
    auto sink = ctx.dispatcher;
    auto h = sys.spawn([log, sink, w](caf::event_based_actor* self) -> caf::behavior {
      auto report = [self, sink, w](work_outcome o) {
        caf::anon_send(sink, done_atom::value, completion_report{w.id, {}, w.attempt, o, "", "", ""});
        self->quit();
      };
      return {
          [report](finish_atom, work_outcome o) { report(o); },
          [log, report, id = w.id](cancel_atom) {
            log->canceled.push_back(id);
            report(work_outcome::canceled);
          },
          [](observed&) {},
          [log](logs_atom, log_stream_request& r) { log->log_requests.push_back(r); },
          [](caf::timeout_atom) {},
      };
    });
    log->by_id[w.id] = h;
    log->started.push_back(w.id);
    return caf::actor_cast<handler_actor>(h);
  };
}

work_item claimed(const std::string& id, int attempt = 1) {
  work_item w;
  w.id = id;
  w.work_type = "fake";
  w.status = work_status::claimed;
  w.attempt = attempt;
  w.lease_seconds = 30;
  return w;
}

struct fixture {
  test::deterministic_system ds;
  std::shared_ptr<broker_script> broker = std::make_shared<broker_script>();
  std::shared_ptr<handler_log> handlers = std::make_shared<handler_log>();
  std::shared_ptr<metrics::registry> metrics = std::make_shared<metrics::registry>();
  dispatcher_actor d;
  log_streamer_actor streamer;

  void start(int max_concurrent) {
    declare_agent_metrics(*metrics);
    dispatcher_config cfg{.max_concurrent = max_concurrent,
                          .poll_interval = 1h,
                          .report_retry_min = 500ms,
                          .report_retry_max = 4s,
                          .handlers = {{"fake", fake_handlers(handlers)}}};
    auto link = fake_link(ds.sys(), broker);
    handler_context ctx;
    ctx.logs = streamer = spawn_log_streamer(ds.sys(), {}, link);
    d = spawn_dispatcher(ds.sys(), cfg, link, ctx, metrics);
    ds.run();
  }
  void push_available() {
    caf::anon_send(broker->listener, available_atom::value, std::string());
    ds.run();
  }
  void finish(const std::string& id, work_outcome o) {
    caf::anon_send(handlers->by_id.at(id), finish_atom::value, o);
    ds.run();
  }
  double counter(const std::string& name) const { return metrics->value(name, {}); }
  ~fixture() {
    caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(streamer, caf::exit_reason::user_shutdown);
  }
};

}  // namespace


BOOST_FIXTURE_TEST_SUITE(dispatcher, fixture)

BOOST_AUTO_TEST_CASE(claims_no_more_than_its_free_slots_and_refills_as_work_ends) {
  for (const auto* id : {"w1", "w2", "w3", "w4"}) broker->claimable.push_back(claimed(id));
  start(2);
  BOOST_REQUIRE(static_cast<bool>(broker->listener));
  push_available();
  BOOST_TEST(broker->claim_limits == (std::vector<int32_t>{2}), boost::test_tools::per_element());
  BOOST_TEST(handlers->started == (std::vector<std::string>{"w1", "w2"}), boost::test_tools::per_element());
  push_available();  // full: no claim at all
  BOOST_TEST(broker->claim_limits.size() == 1u);
  finish("w1", work_outcome::completed);
  BOOST_REQUIRE(broker->reports.size() == 1u);
  BOOST_TEST(broker->reports[0].work_id == "w1");
  BOOST_TEST(broker->claim_limits.back() == 1);  // one slot came free
  BOOST_TEST(handlers->started.size() == 3u);
  BOOST_TEST(counter("brokkr_agent_claims_total") == 3.0);
}

BOOST_AUTO_TEST_CASE(a_log_request_reaches_the_items_handler_or_is_answered_with_a_note) {
  broker->claimable.push_back(claimed("w1"));
  start(2);
  push_available();
  caf::anon_send(broker->listener, logs_atom::value, log_stream_request{"w1", "build", 10, 7});
  caf::anon_send(broker->listener, logs_atom::value, log_stream_request{"w9", "", 0, 8});
  ds.run();
  // Before the first answer of `held`, an unknown item may be one this agent re-attaches to: it waits.
  BOOST_TEST(broker->log_chunks.empty());
  caf::anon_send(broker->listener, resync_atom::value);
  ds.run();
  BOOST_REQUIRE(handlers->log_requests.size() == 1u);
  BOOST_TEST(handlers->log_requests[0].step == "build");
  BOOST_TEST(handlers->log_requests[0].offset == 10);
  BOOST_TEST(handlers->log_requests[0].generation == 7u);
  // Not run here: the broker's stream ends at once, with why, at the offset it asked for.
  BOOST_REQUIRE(broker->log_chunks.size() == 1u);
  const auto& c = broker->log_chunks[0];
  BOOST_TEST(c.work_id == "w9");
  BOOST_TEST(c.done);
  BOOST_TEST(c.generation == 8u);
  BOOST_TEST(c.text.empty());
  BOOST_TEST(c.note.find("does not run the item") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_log_request_that_comes_while_a_claim_is_in_flight_waits_for_its_answer) {
  // The broker counts an item as claimed once its claim commits; this agent starts the handler only
  // when the answer arrives. A follower asking in between must not be told the item is not run here.
  start(2);
  caf::anon_send(broker->listener, resync_atom::value);  // synced: requests are no longer parked for `held`
  ds.run();
  broker->claimable.push_back(claimed("w1"));
  caf::anon_send(broker->listener, available_atom::value, std::string());
  caf::anon_send(broker->listener, logs_atom::value, log_stream_request{"w1", "build", 0, 3});
  ds.run();
  BOOST_TEST(broker->log_chunks.empty());
  BOOST_REQUIRE(handlers->log_requests.size() == 1u);
  BOOST_TEST(handlers->log_requests[0].work_id == "w1");
  // With no claim in flight, an item not run here is still answered at once.
  caf::anon_send(broker->listener, logs_atom::value, log_stream_request{"w9", "", 0, 4});
  ds.run();
  BOOST_REQUIRE(broker->log_chunks.size() == 1u);
  BOOST_TEST(broker->log_chunks[0].work_id == "w9");
}

BOOST_AUTO_TEST_CASE(a_report_the_broker_did_not_take_is_retried_with_backoff) {
  broker->claimable.push_back(claimed("w1"));
  broker->report_errors = {errc::unavailable, errc::timeout};
  start(1);
  push_available();
  finish("w1", work_outcome::completed);
  BOOST_TEST(broker->reports.size() == 1u);
  ds.advance(400ms);
  BOOST_TEST(broker->reports.size() == 1u);
  ds.advance(600ms);  // the first retry, 500 ms later (backoff without jitter, doubling)
  BOOST_TEST(broker->reports.size() == 2u);
  ds.advance(1s);
  BOOST_TEST(broker->reports.size() == 3u);  // accepted now
  ds.advance(1min);
  BOOST_TEST(broker->reports.size() == 3u);
  BOOST_TEST(counter("brokkr_agent_report_retries_total") == 2.0);
}

BOOST_AUTO_TEST_CASE(a_report_refused_for_a_stale_attempt_is_dropped) {
  broker->claimable.push_back(claimed("w1"));
  broker->report_errors = {errc::conflict};
  start(1);
  push_available();
  finish("w1", work_outcome::completed);
  ds.advance(1min);
  BOOST_TEST(broker->reports.size() == 1u);
  BOOST_TEST(counter("brokkr_agent_report_retries_total") == 0.0);
}

BOOST_AUTO_TEST_CASE(heartbeats_renew_the_lease_and_carry_the_cancel) {
  broker->claimable.push_back(claimed("w1"));
  start(1);
  push_available();
  ds.advance(9s);
  BOOST_TEST(broker->heartbeats.empty());
  ds.advance(1s);  // a third of the 30 s lease
  BOOST_TEST(broker->heartbeats.size() == 1u);
  broker->cancel_on_heartbeat["w1"] = true;
  ds.advance(10s);
  BOOST_TEST(broker->heartbeats.size() == 2u);
  BOOST_TEST(handlers->canceled == (std::vector<std::string>{"w1"}), boost::test_tools::per_element());
  BOOST_REQUIRE(broker->reports.size() == 1u);
  BOOST_TEST((broker->reports[0].outcome == work_outcome::canceled));
  ds.advance(1min);
  BOOST_TEST(broker->heartbeats.size() == 2u);  // the item ended: no more heartbeats
}

BOOST_AUTO_TEST_CASE(a_lost_claim_stops_the_handler_and_its_report_is_not_sent) {
  broker->claimable.push_back(claimed("w1"));
  broker->heartbeat_error["w1"] = errc::conflict;
  start(1);
  push_available();
  ds.advance(10s);
  BOOST_TEST(handlers->canceled == (std::vector<std::string>{"w1"}), boost::test_tools::per_element());
  BOOST_TEST(broker->reports.empty());
}

BOOST_AUTO_TEST_CASE(a_cancel_push_reaches_the_running_handler) {
  broker->claimable.push_back(claimed("w1"));
  start(1);
  push_available();
  caf::anon_send(broker->listener, cancel_atom::value, std::string("w1"));
  ds.run();
  BOOST_TEST(handlers->canceled.size() == 1u);
  BOOST_REQUIRE(broker->reports.size() == 1u);
  BOOST_TEST((broker->reports[0].outcome == work_outcome::canceled));
}

BOOST_AUTO_TEST_CASE(a_handler_that_dies_without_reporting_is_reported_retryable) {
  broker->claimable.push_back(claimed("w1"));
  start(1);
  push_available();
  caf::anon_send_exit(handlers->by_id.at("w1"), caf::exit_reason::kill);
  ds.run();
  BOOST_REQUIRE(broker->reports.size() == 1u);
  BOOST_TEST((broker->reports[0].outcome == work_outcome::failed_retryable));
  BOOST_TEST(broker->reports[0].failure_reason == "AgentHandlerFailed");
}

BOOST_AUTO_TEST_CASE(work_of_a_type_it_cannot_run_is_handed_back) {
  auto w = claimed("w1");
  w.work_type = "something-else";
  broker->claimable.push_back(w);
  start(1);
  push_available();
  BOOST_TEST(handlers->started.empty());
  BOOST_REQUIRE(broker->reports.size() == 1u);
  BOOST_TEST(broker->reports[0].failure_reason == "UnsupportedWorkType");
  BOOST_TEST((broker->reports[0].outcome == work_outcome::failed_retryable));
}

BOOST_AUTO_TEST_SUITE_END()
