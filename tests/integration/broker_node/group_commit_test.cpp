// Group commit (ADR 0059) through the real database pool and the work service, on the real schema:
// completions that wait in the pool's queue together are written in shared transactions, and each
// still gets its own verdict. Exactly once holds: a report repeated for the same item is judged
// after the first, as if they had come one after the other.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "broker_node/work_service.hpp"
#include "persistence/persistence_actor.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using namespace brokkr::broker;

namespace {

struct verdicts {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::vector<std::optional<persistence::db_error>>> by_item;
  size_t n = 0;
  void add(const std::string& id, std::optional<persistence::db_error> e) {
    std::lock_guard lock(mu);
    by_item[id].push_back(std::move(e));
    ++n;
    cv.notify_all();
  }
  bool wait_for(size_t want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(60), [&] { return n >= want; });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_completions_share_transactions_and_each_gets_its_verdict) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  constexpr int agents_n = 8, items_n = 800;
  std::vector<std::string> agents, items;
  for (int i = 0; i < agents_n; ++i) agents.push_back(test::make_agent(r.agents).id);
  for (int i = 0; i < items_n; ++i) {
    const auto& a = agents[i % agents_n];
    items.push_back(test::make_work(r.work, {.agent_ids = {a}}).id);
    BOOST_REQUIRE(r.work.claim(items.back(), a));
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto health = std::make_shared<persistence::db_health>();
  auto pool = persistence::spawn_db_pool(sys, {.url = db.url(), .size = 2, .max_group = 100}, health);
  // Both workers wait at a gate while every completion is queued, so groups form whatever the
  // machine's speed.
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  std::atomic<int> held{0};
  verdicts v;
  for (int i = 0; i < 2; ++i)
    pool.queue->submit(persistence::db_job{"hold", [gate, &held](persistence::repositories&) {
                                             ++held;
                                             gate.wait();
                                             return persistence::db_reply{std::make_shared<int>(0), std::nullopt};
                                           }},
                       [](persistence::db_reply) {});
  while (held.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  auto m = std::make_shared<metrics::registry>();
  work_service::declare_metrics(*m);
  const work_service ws{m};
  auto submit = [&](int i) {
    const auto& a = agents[i % agents_n];
    auto op = ws.complete(auth::identity{auth::role::agent, a}, {.work_id = items[i], .attempt = 1, .result_message = "ok"});
    BOOST_REQUIRE(op.has_value());
    pool.queue->submit(std::move(op->untyped), [&v, id = items[i]](persistence::db_reply rep) { v.add(id, rep.error); });
  };
  // Eight threads queue every item's report; every tenth item is reported a second time.
  std::vector<std::thread> ts;
  for (int t = 0; t < agents_n; ++t)
    ts.emplace_back([&, t] {
      for (int i = t; i < items_n; i += agents_n) {
        submit(i);
        if (i % 10 == 0) submit(i);
      }
    });
  for (auto& t : ts) t.join();
  const size_t reports = items_n + items_n / 10;
  open.set_value();
  BOOST_REQUIRE(v.wait_for(reports));

  for (const auto& [id, list] : v.by_item) {
    const auto ok = std::count_if(list.begin(), list.end(), [](const auto& e) { return !e.has_value(); });
    BOOST_TEST(ok == 1, id << ": " << ok << " of " << list.size() << " reports accepted");
    for (const auto& e : list)
      if (e) BOOST_TEST((e->code == brokkr::errc::conflict), id << ": " << e->message);
  }
  BOOST_TEST(v.by_item.size() == static_cast<size_t>(items_n));
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'COMPLETED'") == items_n);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE to_status = 'COMPLETED'") == items_n);
  // now() is the transaction's start: one completed_at per transaction. One at a time, that would
  // be 800; in groups of at most 100 (a repeated report waits for a second round), far fewer.
  const auto transactions = db.count("SELECT count(DISTINCT completed_at) FROM ephemeral_work");
  BOOST_TEST_MESSAGE("800 completions written in " << transactions << " transactions");
  BOOST_TEST(transactions <= 40);
  caf::anon_send_exit(pool.actor, caf::exit_reason::user_shutdown);
}
