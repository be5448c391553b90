// The work-item actor's timers and transitions (broker_node/work_item_actor.cpp) under CAF's
// deterministic scheduler, with a scripted persistence actor and a recording push sink: which
// reads and expiries it asks for, and what it pushes, at which moment of simulated time.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "broker_node/claim_supervisor.hpp"
#include "broker_node/sessions/session_registry.hpp"
#include "broker_node/work_item_actor.hpp"
#include "tests/support/deterministic_actors.hpp"

using namespace brokkr;
using namespace std::chrono_literals;
using persistence::db_error;
using persistence::db_reply;
using persistence::work_timing;

namespace {

const timestamp t0 = timestamp(std::chrono::hours(24 * 365 * 50));  // the database's "now" at the first read

// What the fake database was asked, and what it answers next: a queue of timings (or errors) for
// "timing"; "expire_one" always succeeds (the following read says what it did).
struct db_script {
  std::vector<std::string> asked;
  std::deque<expected<work_timing, db_error>> timings;
  std::vector<work_timing> live;  // what a resync pass reads (one page)
  size_t count(const std::string& name) const { return static_cast<size_t>(std::count(asked.begin(), asked.end(), name)); }
};

persistence::persistence_actor fake_db(caf::actor_system& sys, std::shared_ptr<db_script> s) {
  return sys.spawn([s]() -> persistence::persistence_actor::behavior_type {
    return {[s](run_atom, persistence::db_job& j) -> db_reply {
      s->asked.push_back(j.name);
      if (j.name == "expire_one") return {std::make_shared<persistence::expire_result>(), std::nullopt};
      if (j.name == "live_timings") return {std::make_shared<std::vector<work_timing>>(s->live), std::nullopt};
      if (j.name != "timing" || s->timings.empty()) return {nullptr, db_error{errc::internal, "unscripted " + j.name, {}}};
      // The last answer repeats: copied, not moved, or the next read would get an emptied row.
      auto next = s->timings.front();
      if (s->timings.size() > 1) s->timings.pop_front();
      if (!next) return {nullptr, next.error()};
      return {std::make_shared<work_timing>(std::move(*next)), std::nullopt};
    }};
  });
}

struct pushes {
  std::vector<std::pair<std::string, std::vector<std::string>>> available;  // (id, targets)
  std::vector<int32_t> limits;                                               // each push's limit (0: all)
  std::vector<caf::actor_addr> pushed_by;                                    // each push's sender
  std::vector<std::pair<std::string, std::string>> cancels;                 // (id, claimer)
};

push_sink_actor fake_sink(caf::actor_system& sys, std::shared_ptr<pushes> p) {
  return sys.spawn([p](push_sink_actor::pointer self) -> push_sink_actor::behavior_type {
    return {
        [p, self](available_atom, std::string& id, std::vector<std::string>& agents, int32_t limit) {
          p->available.emplace_back(id, agents);
          p->limits.push_back(limit);
          const auto& from = self->current_sender();
          p->pushed_by.push_back(from ? from->address() : caf::actor_addr{});
        },
        [p](cancel_atom, std::string& id, std::string& agent) { p->cancels.emplace_back(id, agent); },
        [](agent_notice&) {},
    };
  });
}

struct subscriber_log {
  std::vector<work_notice> notices;
  bool gone = false;
};

caf::actor fake_subscriber(caf::actor_system& sys, std::shared_ptr<subscriber_log> log) {
  return sys.spawn([log]() -> caf::behavior {
    return {
        [log](work_notice& n) { log->notices.push_back(n); },
        [log](gone_atom, std::string&) { log->gone = true; },
    };
  });
}

work_timing timing(work_status s, int attempt = 0) {
  work_timing t;
  t.id = "w1";
  t.status = s;
  t.attempt = attempt;
  t.db_now = t0;
  t.target_agents = {"a1", "a2"};
  t.last_event_id = 1;
  return t;
}

// Attempt 1, claimed by a1, its lease running out at t0 + lease.
work_timing claimed(std::chrono::milliseconds lease) {
  auto t = timing(work_status::claimed, 1);
  t.claimed_by = "a1";
  t.lease_expires_at = t0 + lease;
  return t;
}

struct fixture {
  test::deterministic_system ds;
  std::shared_ptr<db_script> db = std::make_shared<db_script>();
  std::shared_ptr<pushes> pushed = std::make_shared<pushes>();
  broker::work_item_config cfg{.timer_slack = 50ms, .retry_read = 1000ms, .db_timeout = 10s, .retry_elsewhere = 0ms};

  work_item_actor spawn() {
    auto a = broker::spawn_work_item(ds.sys(), "w1",
                                     {fake_db(ds.sys(), db), fake_sink(ds.sys(), pushed), cfg});
    ds.run();
    return a;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(work_item_actor, fixture)

BOOST_AUTO_TEST_CASE(a_pending_item_is_pushed_to_its_targets_once) {
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  BOOST_TEST(db->count("timing") == 1u);
  BOOST_REQUIRE(pushed->available.size() == 1u);
  BOOST_TEST(pushed->available[0].first == "w1");
  BOOST_TEST(pushed->available[0].second == (std::vector<std::string>{"a1", "a2"}), boost::test_tools::per_element());
  // A resync that reads the same event pushes nothing new.
  caf::anon_send(a, resync_atom::value);
  ds.run();
  BOOST_TEST(db->count("timing") == 2u);
  BOOST_TEST(pushed->available.size() == 1u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(an_actor_started_from_a_rehydrated_row_reads_nothing_and_acts_on_it) {
  // Rehydration reads rows a page at a time and hands each new actor its own.
  auto pending = broker::spawn_work_item(ds.sys(), "w1", {fake_db(ds.sys(), db), fake_sink(ds.sys(), pushed), cfg},
                                         timing(work_status::pending));
  ds.run();
  BOOST_TEST(db->count("timing") == 0u);
  BOOST_REQUIRE(pushed->available.size() == 1u);
  BOOST_TEST(pushed->available[0].second == (std::vector<std::string>{"a1", "a2"}), boost::test_tools::per_element());
  auto held = broker::spawn_work_item(ds.sys(), "w1", {fake_db(ds.sys(), db), fake_sink(ds.sys(), pushed), cfg},
                                      claimed(30s));
  ds.run();
  ds.advance(30s + 50ms);  // its lease timer was armed from the row
  BOOST_TEST(db->count("expire_one") == 1u);
  caf::anon_send_exit(pending, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(held, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_wide_item_is_offered_to_a_few_first_and_to_all_if_still_unclaimed) {
  // ADR 0062: with more targets than the fan-out, the first push names a limit; the second, a
  // re-offer later, goes to all of them.
  cfg.push_fanout = 1;
  db->timings.push_back(timing(work_status::pending));  // two targets, a1 and a2
  auto a = spawn();
  BOOST_REQUIRE(pushed->limits.size() == 1u);
  BOOST_TEST(pushed->limits[0] == 1);
  ds.advance(cfg.reoffer_after - 10ms);
  BOOST_TEST(pushed->limits.size() == 1u);  // not before its time
  ds.advance(10ms + cfg.timer_slack);
  BOOST_REQUIRE(pushed->limits.size() == 2u);
  BOOST_TEST(pushed->limits[1] == 0);
  BOOST_TEST(pushed->available[1].second == (std::vector<std::string>{"a1", "a2"}), boost::test_tools::per_element());
  ds.advance(10 * cfg.reoffer_after);  // and only once
  BOOST_TEST(pushed->limits.size() == 2u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_wide_item_claimed_before_the_reoffer_is_not_offered_again) {
  cfg.push_fanout = 1;
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  BOOST_REQUIRE(pushed->limits.size() == 1u);
  work_notice taken{"w1", work_status::claimed, 1, 2, false, "a1", 0, 0, 0, 0};
  caf::anon_send(a, taken);
  ds.run();
  ds.advance(2 * cfg.reoffer_after);
  BOOST_TEST(pushed->limits.size() == 1u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(an_item_within_the_fanout_is_offered_to_all_at_once) {
  cfg.push_fanout = 2;  // as many as its targets
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  BOOST_REQUIRE(pushed->limits.size() == 1u);
  BOOST_TEST(pushed->limits[0] == 0);
  ds.advance(2 * cfg.reoffer_after);
  BOOST_TEST(pushed->limits.size() == 1u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(an_offer_window_takes_a_different_few_each_time_and_all_when_few) {
  using broker::offer_window;
  using v = std::vector<size_t>;
  BOOST_TEST(offer_window(3, 0, 7) == (v{0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(offer_window(3, 3, 7) == (v{0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(offer_window(0, 2, 7).empty());
  BOOST_TEST(offer_window(5, 2, 0) == (v{0, 1}), boost::test_tools::per_element());
  BOOST_TEST(offer_window(5, 2, 2) == (v{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(offer_window(5, 2, 4) == (v{4, 0}), boost::test_tools::per_element());
  BOOST_TEST(offer_window(5, 2, 9) == (v{4, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_offer_is_staged_only_for_more_targets_than_the_fanout) {
  broker::work_item_config c;
  c.push_fanout = 2;
  BOOST_TEST(!broker::offer_is_staged(c, 0));
  BOOST_TEST(!broker::offer_is_staged(c, 2));
  BOOST_TEST(broker::offer_is_staged(c, 3));
  c.push_fanout = 0;  // no fan-out limit: everyone at once
  BOOST_TEST(!broker::offer_is_staged(c, 1000));
}

BOOST_AUTO_TEST_CASE(a_new_items_notice_that_names_its_targets_starts_its_actor_without_a_read) {
  // The claim supervisor's path for a submit (migration 0012): the notice, as parsed from NOTIFY.
  work_notice fresh{"w1", work_status::pending, 0, 7, false, "", 0, 0, 0, 1'000};
  fresh.targets = {"a1", "a2"};
  fresh.complete = true;
  const auto t = broker::timing_of(fresh);
  BOOST_TEST(t.last_event_id == 7);
  BOOST_TEST(!t.lease_expires_at.has_value());
  auto a = broker::spawn_work_item(ds.sys(), "w1", {fake_db(ds.sys(), db), fake_sink(ds.sys(), pushed), cfg}, t);
  ds.run();
  BOOST_TEST(db->count("timing") == 0u);
  BOOST_REQUIRE(pushed->available.size() == 1u);
  BOOST_TEST(pushed->available[0].second == (std::vector<std::string>{"a1", "a2"}), boost::test_tools::per_element());
  // The same notice again (another replica's LISTEN, say) is not news.
  caf::anon_send(a, fresh);
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST(db->count("timing") == 0u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_resync_pass_row_is_applied_without_a_read_when_it_is_news) {
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  BOOST_TEST(db->count("timing") == 1u);
  // The same event again (a pass over an unchanged row): nothing to do.
  work_notice same{"w1", work_status::pending, 0, 1, false, "", 0, 0, 0, 0};
  same.targets = {"a1", "a2"};
  same.complete = true;
  caf::anon_send(a, same);
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  // A retry the broker missed (its LISTEN connection was down): applied from the row, no read,
  // pushed to the targets the row names now.
  work_notice missed{"w1", work_status::pending, 1, 4, false, "", 0, 0, 0, 0};
  missed.targets = {"a3"};
  missed.complete = true;
  caf::anon_send(a, missed);
  ds.run();
  BOOST_TEST(db->count("timing") == 1u);
  BOOST_REQUIRE(pushed->available.size() == 2u);
  BOOST_TEST(pushed->available[1].second == (std::vector<std::string>{"a3"}), boost::test_tools::per_element());
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_claim_is_expired_when_its_lease_runs_out_and_not_before) {
  auto t = claimed(30s);
  t.claim_deadline = t0 + 60s;
  db->timings.push_back(t);
  auto a = spawn();
  ds.advance(29s);
  BOOST_TEST(db->count("expire_one") == 0u);
  ds.advance(1s + 50ms);  // the lease, plus the slack that makes the statement see it as passed
  BOOST_TEST(db->count("expire_one") == 1u);
  BOOST_TEST(db->count("timing") == 2u);  // the expiry is followed by a read: the row decides
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(the_earlier_of_lease_and_claim_deadline_arms_the_timer) {
  auto t = claimed(30s);
  t.claim_deadline = t0 + 5s;
  db->timings.push_back(t);
  auto a = spawn();
  ds.advance(5s + 50ms);
  BOOST_TEST(db->count("expire_one") == 1u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_retry_is_offered_when_its_backoff_ends_then_again_when_the_hold_ends) {
  cfg.retry_elsewhere = 30s;
  auto t = timing(work_status::failed_retryable, 1);
  t.claimed_by = "a1";  // the agent whose attempt failed
  t.next_retry_after = t0 + 10s;
  db->timings.push_back(t);
  auto a = spawn();
  BOOST_TEST(pushed->available.empty());  // backing off
  ds.advance(9s);
  BOOST_TEST(pushed->available.empty());
  ds.advance(1s + 50ms);
  BOOST_TEST(pushed->available.size() == 1u);  // other targets may claim now
  ds.advance(30s);
  BOOST_TEST(pushed->available.size() == 1u);
  ds.advance(50ms);
  BOOST_TEST(pushed->available.size() == 2u);  // and now the agent that failed it too
  ds.advance(10min);
  BOOST_TEST(pushed->available.size() == 2u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_cancel_request_is_pushed_to_the_claimer_once_per_attempt) {
  auto t = claimed(30s);
  t.cancel_requested = true;
  db->timings.push_back(t);
  auto a = spawn();
  BOOST_REQUIRE(pushed->cancels.size() == 1u);
  BOOST_TEST(pushed->cancels[0].second == "a1");
  // A later notice of the same claim (a heartbeat's lease renewal) does not repeat the cancel.
  work_notice n{"w1", work_status::claimed, 1, 2, true, "a1", 0, 0, 0, 0};
  n.lease_ms = std::chrono::duration_cast<std::chrono::milliseconds>((t0 + 40s).time_since_epoch()).count();
  n.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(t0.time_since_epoch()).count();
  caf::anon_send(a, n);
  ds.run();
  BOOST_TEST(pushed->cancels.size() == 1u);
  BOOST_TEST(db->count("timing") == 1u);  // a claimed item's notice is enough: no read
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(subscribers_hear_every_change_and_the_actor_ends_with_the_item) {
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  auto log = std::make_shared<subscriber_log>();
  caf::anon_send(a, caf::subscribe_atom::value, fake_subscriber(ds.sys(), log));
  ds.run();
  BOOST_REQUIRE(log->notices.size() == 1u);  // the current state, at once
  BOOST_TEST(log->notices[0].status == work_status::pending);
  bool down = false;
  auto watcher = ds.sys().spawn([&down, a](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(a);
    self->set_down_handler([&down](caf::down_msg&) { down = true; });
    return {[](int) {}};  // stays alive to receive the down message
  });
  ds.run();
  caf::anon_send(a, work_notice{"w1", work_status::completed, 1, 5, false, "a1", 0, 0, 0, 0});
  ds.run();
  BOOST_REQUIRE(log->notices.size() == 2u);
  BOOST_TEST(log->notices[1].status == work_status::completed);
  BOOST_TEST(down);
  BOOST_TEST(!log->gone);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(only_its_supervisor_can_retire_an_actor) {
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();  // no supervisor: it is never idle, and an `idle` from anyone is ignored
  bool down = false;
  auto watcher = ds.sys().spawn([&down, a](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(a);
    self->set_down_handler([&down](caf::down_msg&) { down = true; });
    return {[](int) {}};
  });
  ds.run();
  caf::anon_send(a, idle_atom::value);
  ds.run();
  BOOST_TEST(!down);
  caf::anon_send(a, resync_atom::value);  // and it still works
  ds.run();
  BOOST_TEST(db->count("timing") == 2u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  ds.run();
  BOOST_TEST(down);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_failed_read_is_retried_and_a_deleted_item_tells_subscribers_it_is_gone) {
  db->timings.push_back(unexpected(db_error{errc::unavailable, "database down", {}}));
  db->timings.push_back(unexpected(db_error{errc::not_found, "no work item w1", {}}));
  auto a = spawn();
  auto log = std::make_shared<subscriber_log>();
  caf::anon_send(a, caf::subscribe_atom::value, fake_subscriber(ds.sys(), log));
  ds.run();
  BOOST_TEST(db->count("timing") == 1u);
  ds.advance(999ms);
  BOOST_TEST(db->count("timing") == 1u);
  ds.advance(1ms);
  BOOST_TEST(db->count("timing") == 2u);
  BOOST_TEST(log->gone);
  (void)a;
}

BOOST_AUTO_TEST_CASE(a_notice_that_arrives_during_a_read_is_read_again_after_it) {
  db->timings.push_back(timing(work_status::pending));
  auto a = spawn();
  BOOST_TEST(db->count("timing") == 1u);
  // Two notices of a claimable item in one batch: the first starts a read, the second finds it
  // in flight and marks the item dirty; exactly one more read follows.
  auto t = timing(work_status::pending);
  t.last_event_id = 3;
  db->timings.clear();
  db->timings.push_back(t);
  caf::anon_send(a, work_notice{"w1", work_status::failed_retryable, 1, 2, false, "a1", 0, 0, 0, 0});
  caf::anon_send(a, work_notice{"w1", work_status::pending, 1, 3, false, "", 0, 0, 0, 0});
  ds.run();
  BOOST_TEST(db->count("timing") == 3u);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

// The claim supervisor retires an actor that has nothing to time and no subscriber, and starts it
// again when its item changes (ADR 0066).
struct supervised : fixture {
  claim_supervisor_actor sup;

  explicit supervised(int32_t fanout = 0) {
    cfg.push_fanout = fanout;
    sup = broker::spawn_claim_supervisor(ds.sys(), {fake_db(ds.sys(), db), fake_sink(ds.sys(), pushed), cfg});
    ds.run();
  }
  // A resync pass that reads these rows, run to its end.
  void pass_over(std::vector<work_timing> rows) {
    db->live = std::move(rows);
    caf::anon_send(sup, resync_atom::value);
    ds.run();
  }
  ~supervised() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    ds.run();
  }
  // (work-item actors alive, live items held without one)
  std::pair<uint64_t, uint64_t> counts() {
    auto out = std::make_shared<std::pair<uint64_t, uint64_t>>(99, 99);
    ds.sys().spawn([out, s = sup](caf::event_based_actor* self) {
      self->request(s, caf::infinite, stats_atom::value).then([out](uint64_t actors, uint64_t idle) {
        *out = {actors, idle};
      });
    });
    ds.run();
    return *out;
  }
};

work_notice whole(work_status s, int attempt, int64_t event, std::vector<std::string> targets = {"a1", "a2"}) {
  work_notice n{"w1", s, attempt, event, false, "", 0, 0, 0,
                std::chrono::duration_cast<std::chrono::milliseconds>(t0.time_since_epoch()).count()};
  n.targets = std::move(targets);
  n.complete = true;
  return n;
}

using pair = std::pair<uint64_t, uint64_t>;

BOOST_FIXTURE_TEST_CASE(an_offered_item_is_retired_and_started_again_by_its_claim, supervised) {
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST((counts() == pair{0, 1}));  // offered, nothing to time: no actor
  // The same notice again (another replica's LISTEN) is not news: nothing starts, nothing is pushed.
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_TEST((counts() == pair{0, 1}));
  BOOST_TEST(pushed->available.size() == 1u);
  // The claim starts it again from the notice alone, with the lease's timer.
  work_notice taken{"w1", work_status::claimed, 1, 8, false, "a1",
                    std::chrono::duration_cast<std::chrono::milliseconds>((t0 + 30s).time_since_epoch()).count(), 0, 0,
                    std::chrono::duration_cast<std::chrono::milliseconds>(t0.time_since_epoch()).count()};
  caf::anon_send(sup, taken);
  ds.run();
  BOOST_TEST((counts() == pair{1, 0}));
  BOOST_TEST(db->count("timing") == 0u);
  BOOST_TEST(pushed->available.size() == 1u);
  db->timings.push_back(claimed(30s));  // the read after the expiry finds it still claimed
  ds.advance(30s + 50ms);
  BOOST_TEST(db->count("expire_one") == 1u);
  // Its end stops it for good.
  caf::anon_send(sup, work_notice{"w1", work_status::completed, 1, 9, false, "a1", 0, 0, 0, 0});
  ds.run();
  BOOST_TEST((counts() == pair{0, 0}));
}

// A new item that names its targets and fits the fan-out is pushed by the supervisor itself: no
// actor is started only to push, say it is idle and be retired.
BOOST_FIXTURE_TEST_CASE(a_new_item_within_the_fanout_is_pushed_without_starting_an_actor, supervised) {
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_REQUIRE(pushed->available.size() == 1u);
  BOOST_TEST((pushed->pushed_by[0] == sup.address()));
  BOOST_TEST(pushed->limits[0] == 0);
  BOOST_TEST(pushed->available[0].second == (std::vector<std::string>{"a1", "a2"}), boost::test_tools::per_element());
  BOOST_TEST((counts() == pair{0, 1}));
  BOOST_TEST(db->count("timing") == 0u);
  // Known as announced: a subscriber starts it from its row without a second push.
  auto row = timing(work_status::pending);
  row.last_event_id = 7;
  db->timings.push_back(row);
  auto log = std::make_shared<subscriber_log>();
  caf::anon_send(sup, caf::subscribe_atom::value, std::string("w1"), fake_subscriber(ds.sys(), log));
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST(log->notices.size() == 1u);
  // A new item with no target connected anywhere is still held, and nothing is pushed.
  auto lonely = whole(work_status::pending, 0, 3, {});
  lonely.id = "w2";
  caf::anon_send(sup, lonely);
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST((counts() == pair{1, 1}));  // w1 kept by its subscriber, w2 held
}

// A pass that read its page before the item existed must not take the item, retired meanwhile, for
// one that ended unheard: forgotten, the next pass would start it as news and push it again.
BOOST_FIXTURE_TEST_CASE(an_item_retired_while_a_resync_pass_runs_is_kept, supervised) {
  db->live.clear();
  caf::anon_send(sup, resync_atom::value);
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST((counts() == pair{0, 1}));
  auto row = timing(work_status::pending);
  row.last_event_id = 7;
  pass_over({row});
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_TEST((counts() == pair{0, 1}));
}

// Wider than the fan-out, the offer is staged (ADR 0062), so the item needs an actor for the
// re-offer's timer; it is retired once all its targets have heard.
struct supervised_narrow : supervised {
  supervised_narrow() : supervised(1) {}
};

BOOST_FIXTURE_TEST_CASE(a_new_item_wider_than_the_fanout_keeps_an_actor_until_its_reoffer, supervised_narrow) {
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_REQUIRE(pushed->available.size() == 1u);
  BOOST_TEST(pushed->limits[0] == 1);
  BOOST_TEST((pushed->pushed_by[0] != sup.address()));
  BOOST_TEST((counts() == pair{1, 0}));
  ds.advance(cfg.reoffer_after + cfg.timer_slack);
  BOOST_REQUIRE(pushed->available.size() == 2u);
  BOOST_TEST(pushed->limits[1] == 0);
  BOOST_TEST((counts() == pair{0, 1}));
}

BOOST_FIXTURE_TEST_CASE(a_subscribed_item_keeps_its_actor_until_the_subscriber_leaves, supervised) {
  auto log = std::make_shared<subscriber_log>();
  auto subscriber = fake_subscriber(ds.sys(), log);
  db->timings.push_back(timing(work_status::pending));
  caf::anon_send(sup, caf::subscribe_atom::value, std::string("w1"), subscriber);
  ds.run();
  BOOST_TEST(db->count("timing") == 1u);
  BOOST_REQUIRE(log->notices.size() == 1u);
  BOOST_TEST((counts() == pair{1, 0}));
  caf::anon_send_exit(subscriber, caf::exit_reason::user_shutdown);
  ds.run();
  BOOST_TEST((counts() == pair{0, 1}));
  // Subscribing again starts it from its row, told the item was already offered: no second push.
  auto again = std::make_shared<subscriber_log>();
  caf::anon_send(sup, caf::subscribe_atom::value, std::string("w1"), fake_subscriber(ds.sys(), again));
  ds.run();
  BOOST_TEST(db->count("timing") == 2u);
  BOOST_TEST((counts() == pair{1, 0}));
  BOOST_TEST(pushed->available.size() == 1u);
  BOOST_REQUIRE(again->notices.size() == 1u);  // yet the new subscriber hears the state at once
  BOOST_TEST(again->notices[0].event_id == 1);
}

BOOST_FIXTURE_TEST_CASE(a_resync_pass_starts_a_retired_item_only_when_its_row_changed, supervised) {
  caf::anon_send(sup, whole(work_status::pending, 0, 7));
  ds.run();
  BOOST_TEST((counts() == pair{0, 1}));
  // A pass over the unchanged row: still retired, nothing pushed again.
  auto row = timing(work_status::pending);
  row.last_event_id = 7;
  pass_over({row});
  BOOST_TEST((counts() == pair{0, 1}));
  BOOST_TEST(pushed->available.size() == 1u);
  // A retry this broker did not hear of (its LISTEN was down) is in the next pass: started from the
  // row, offered again (the retry is due), retired again.
  row.status = work_status::failed_retryable;
  row.attempt = 1;
  row.last_event_id = 9;
  pass_over({row});
  BOOST_TEST(pushed->available.size() == 2u);
  BOOST_TEST((counts() == pair{0, 1}));
  BOOST_TEST(db->count("timing") == 0u);
  // An item that ended unheard is not in the pass: it is forgotten.
  pass_over({});
  BOOST_TEST((counts() == pair{0, 0}));
}

// The metrics' two gauges come from one answer, consistent whenever it is given: asked as two
// questions, one after the other's answer, the retirements between them were counted twice
// (bench_scale saw 416 items too many). This guards the one answer's contract while a start-up
// pass's actors retire one by one; the old race was in the asking, which no longer exists.
BOOST_FIXTURE_TEST_CASE(the_counts_never_hold_an_item_twice_while_actors_retire, supervised) {
  std::vector<work_timing> rows;
  for (int i = 0; i < 20; ++i) {
    auto t = i < 5 ? claimed(30s) : timing(work_status::pending);  // five keep a lease timer
    t.id = "w" + std::to_string(100 + i);
    rows.push_back(t);
  }
  db->live = rows;
  caf::anon_send(sup, resync_atom::value);
  auto answers = std::make_shared<std::vector<pair>>();
  auto& sched = ds.sched();
  const auto* supervisor = caf::actor_cast<caf::abstract_actor*>(sup);
  const auto not_supervisor = [&](caf::resumable* r) { return dynamic_cast<caf::abstract_actor*>(r) != supervisor; };
  const auto others = [&] { return std::find_if(sched.jobs.begin(), sched.jobs.end(), not_supervisor); };
  // The pass reads its rows and starts an actor for each.
  while (std::count_if(sched.jobs.begin(), sched.jobs.end(), not_supervisor) < 20 && sched.try_run_once()) {
  }
  // Each actor runs, and says it is idle if it has nothing to time; after every such step a
  // question goes into the supervisor's mailbox (the asker runs at once, LIFO), which does not run
  // until the end, so that retirements and questions alternate there.
  for (auto it = others(); it != sched.jobs.end(); it = others()) {
    sched.prioritize(caf::actor_cast<caf::actor>(dynamic_cast<caf::abstract_actor*>(*it)));
    sched.run_once();
    ds.sys().spawn([answers, s = sup](caf::event_based_actor* self) {
      self->request(s, caf::infinite, stats_atom::value).then([answers](uint64_t actors, uint64_t idle) {
        answers->emplace_back(actors, idle);
      });
    });
    sched.run_once_lifo();
  }
  ds.run();
  BOOST_TEST(answers->size() >= 20u);
  bool mid_retirement = false;
  for (const auto& [actors, idle] : *answers) {
    BOOST_TEST(actors + idle <= 20u);
    mid_retirement |= actors > 5 && idle > 0;
  }
  BOOST_TEST(mid_retirement);  // the questions did fall between retirements
  BOOST_TEST((counts() == pair{5, 15}));
}

BOOST_AUTO_TEST_SUITE_END()
