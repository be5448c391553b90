// Queue throughput and claim cost, printed as figures (docs/benchmarks.md). Not a test: it asserts
// nothing and is not run by CI. Needs the throwaway PostgreSQL of scripts/bench
// (BROKKR_TEST_DATABASE_URL) and, for the HTTP figure, a built brokkr-broker.
//
//   bench_queue [--seconds N] [--clients N] [--warmup-ms N] [--statements] [--lifecycles-only | --heartbeats-only]
//   bench_queue --interleaved ROUNDS [--vacuum] [--seconds N] [--clients N] [--warmup-ms N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/repository_lifecycle.hpp"
#include "bench/sql_lifecycles.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/ephemeral_work_repository.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using clk = std::chrono::steady_clock;

namespace {

int run_seconds = 5;
int clients = 4;
int warmup_ms = 1000;
bool statements = false;  // --statements: what PostgreSQL ran per lifecycle (pg_stat_statements)
bool lifecycles_only = false;  // --lifecycles-only: plain SQL, required writes, repositories, HTTP one at a time
bool heartbeats_only = false;  // --heartbeats-only: the heartbeat phases
int interleaved_rounds = 0;    // --interleaved N: goal 1's four phases in turns, N rounds
bool vacuum_rounds = false;    // --vacuum: with --interleaved, autovacuum off and VACUUM ANALYZE before every round
bool trigger_cost = false;     // --trigger-cost: with --interleaved, the repositories without events and NOTIFY instead of HTTP
int broker_pid = 0;            // while a phase runs against a real broker: its CPU is printed per unit

// Set for as long as a phase's broker runs.
struct broker_cpu {
  explicit broker_cpu(int pid) { broker_pid = pid; }
  ~broker_cpu() { broker_pid = 0; }
};

// Issue 13 asks what dominates each path. With --statements (scripts/bench starts PostgreSQL with
// pg_stat_statements loaded and tracking nested statements), each phase prints, per lifecycle, how
// often each statement ran and how long it took inside the server. Nested statements (trigger and
// function bodies) are marked; their time is also inside the top-level statement that ran them.
void reset_statements(const test::test_database& db) {
  if (!statements) return;
  db.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
}

void print_statements(const test::test_database& db, long lifecycles) {
  if (!statements || lifecycles <= 0) return;
  pqxx::connection c{db.url()};
  pqxx::nontransaction n{c};
  const auto rows = n.exec(
      "SELECT toplevel, calls, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') AS q FROM pg_stat_statements"
      " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
      " AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 14");
  double top_total = 0;
  long top_calls = 0;
  for (const auto& r : n.exec("SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0) FROM pg_stat_statements"
                              " WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                              " AND query NOT LIKE '%pg_stat_statements%'")) {
    top_total = r[0].as<double>();
    top_calls = r[1].as<long>();
  }
  std::printf("    top-level statements: %.2f per lifecycle, %.0f us of server execution per lifecycle\n",
              double(top_calls) / lifecycles, 1000 * top_total / lifecycles);
  for (const auto& r : rows) {
    std::string q = r["q"].as<std::string>();
    if (q.size() > 96) q = q.substr(0, 93) + "...";
    std::printf("    %5.2f/lc %7.1f us/lc %s %s\n", r["calls"].as<double>() / lifecycles,
                1000 * r["total_exec_time"].as<double>() / lifecycles, r["toplevel"].as<bool>() ? "   " : "(n)", q.c_str());
  }
}

// What a phase costs PostgreSQL per lifecycle is read from /proc, for the postmaster and its
// children (the clients' backends live for the whole phase, so none of their time leaves with
// them): on two shared cores the throughputs of two phases differ by what each costs the server
// and by what its clients take from it, and these lines tell the two apart.
int postmaster_pid(const test::test_database& db) {
  pqxx::connection c{db.url()};
  pqxx::nontransaction n{c};
  return test::parent_pid(n.exec1("SELECT pg_backend_pid()")[0].as<int>());
}

// CPU seconds so far of PostgreSQL, of this process (the clients) and of a broker (0: none); two
// samples taken around a measured span give what the span cost each.
struct cpu_sample {
  double server = 0, self = 0, broker = 0;

  static cpu_sample take(int postmaster, int broker_pid) {
    return {test::tree_cpu_seconds(postmaster), test::cpu_seconds(getpid()),
            broker_pid ? test::cpu_seconds(broker_pid) : 0};
  }
  cpu_sample operator-(const cpu_sample& o) const { return {server - o.server, self - o.self, broker - o.broker}; }
  cpu_sample& operator+=(const cpu_sample& o) {
    server += o.server;
    self += o.self;
    broker += o.broker;
    return *this;
  }
};

// Runs `one` (`per_call` full lifecycles, returns false on error) on `clients` threads: a warm-up,
// then ANALYZE, then `run_seconds` measured. Without the ANALYZE every phase ran on tables the
// planner had no statistics for (created or cloned empty a moment before, and autovacuum had not
// come round): the generic plans cached after five executions scanned a whole index where a
// primary-key lookup was right (the completion lock cost 487 us instead of 41). A queue that has
// been running has statistics; the floor gets the same treatment.
template <class MakeWorker>
double rate(const char* label, const test::test_database& db, MakeWorker make_worker, long per_call = 1,
            const char* unit = "lifecycles") {
  std::atomic<long> done{0}, errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  for (int i = 0; i < clients; ++i)
    ts.emplace_back([&, i] {
      auto one = make_worker(i);
      while (!stop) {
        if (one()) done += per_call;
        else ++errors;
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(warmup_ms));
  db.exec("ANALYZE");
  reset_statements(db);
  const long done0 = done, errors0 = errors;
  const int postmaster = postmaster_pid(db);
  const auto cpu0 = cpu_sample::take(postmaster, broker_pid);
  const auto start = clk::now();
  std::this_thread::sleep_for(std::chrono::seconds(run_seconds));
  const long measured = done - done0, failed = errors - errors0;
  const double secs = std::chrono::duration<double>(clk::now() - start).count();
  const auto cpu = cpu_sample::take(postmaster, broker_pid) - cpu0;
  stop = true;
  for (auto& t : ts) t.join();
  std::printf("%-72s %8.0f %s/s  (%ld in %.1f s, %d clients, %ld errors)\n", label, measured / secs, unit, measured,
              secs, clients, failed);
  const std::string one_unit = std::string(unit).substr(0, std::string(unit).size() - 1);
  // On two saturated cores the clients' own CPU is taken from what PostgreSQL (and the broker) get,
  // so a path whose client does more per lifecycle is slower for that reason too.
  if (measured > 0)
    std::printf("    CPU per %s (user + system): PostgreSQL %.0f us, the clients (this process) %.0f us\n",
                one_unit.c_str(), cpu.server * 1e6 / measured, cpu.self * 1e6 / measured);
  if (broker_pid && measured > 0)
    std::printf("    the broker's CPU (user + system): %.0f us per %s, %.0f %% of one core\n",
                cpu.broker * 1e6 / measured, one_unit.c_str(), 100 * cpu.broker / secs);
  print_statements(db, measured);
  return measured / secs;
}

// A phase's clients each run one lifecycle per call; the floor's and the required writes' statements
// are in bench/sql_lifecycles.hpp, the repositories' lifecycle in bench/repository_lifecycle.hpp.
using worker = std::function<bool()>;                  // one full lifecycle; false on error
using worker_factory = std::function<worker(int client)>;  // called on the client's own thread

const char* const plain_label = "plain SQL (seed tables: insert+target, SKIP LOCKED claim, complete)";
const char* const required_label = "the seed's and the design's required writes in plain SQL (prepared)";
const char* const repositories_label = "repositories (create, claim_next, complete; events, NOTIFY)";

worker_factory plain_sql_workers(const test::test_database& db) {
  db.exec(bench::floor_schema());
  return [url = db.url()](int) -> worker {
    auto c = std::make_shared<pqxx::connection>(url);
    return [c] { return bench::floor_lifecycle(*c, bench::floor_agent) != bench::lifecycle_result::failed; };
  };
}

double plain_sql(const test::test_database& db) { return rate(plain_label, db, plain_sql_workers(db)); }

worker_factory required_workers(const test::test_database& db, const std::string& agent) {
  db.exec(bench::required_schema());
  return [url = db.url(), agent](int) -> worker {
    auto c = std::make_shared<pqxx::connection>(url);
    bench::prepare_required(*c);
    return [c, agent] { return bench::required_lifecycle(*c, agent) != bench::lifecycle_result::failed; };
  };
}

double required_writes(const test::test_database& db, const std::string& agent) {
  return rate(required_label, db, required_workers(db, agent));
}

worker_factory repository_workers(const test::test_database& db, const std::string& agent_id) {
  return [&db, agent_id](int) -> worker {
    auto conn = std::shared_ptr<persistence::db_connection>(db.connect());
    auto repo = std::make_shared<persistence::ephemeral_work_repository>(*conn);
    return [conn, repo, agent_id] { return bench::repository_lifecycle(*repo, agent_id) != bench::lifecycle_result::failed; };
  };
}

double repositories(const test::test_database& db, const std::string& agent_id) {
  return rate(repositories_label, db, repository_workers(db, agent_id));
}

// Issue 13 goal 2, heartbeats: every client is an agent renewing the leases of its own 250 claims,
// one statement per heartbeat, or `group` of them in one statement (what the pool's group commit
// sends when that many wait). Figures are heartbeats per second.
void heartbeats(const test::test_database& db, int group) {
  auto conn = db.connect();
  persistence::agent_repository agents{*conn};
  persistence::ephemeral_work_repository setup{*conn};
  std::vector<std::vector<persistence::heartbeat_request>> claims(clients);
  for (int client = 0; client < clients; ++client) {
    const auto agent = test::make_agent(agents, {.name = "bench-beats-" + std::to_string(client)});
    while (claims[client].size() < 250) {
      if (!setup.create(test::make_request({.agent_ids = {agent.id}}))) return;
      auto c = setup.claim_next(agent.id);
      if (!c || c->empty()) return;
      claims[client].push_back({c->front().id, agent.id, c->front().attempt});
    }
  }
  const auto label = group == 1 ? std::string("heartbeats through the repositories, one per statement")
                                : "heartbeats through the repositories, " + std::to_string(group) + " per statement";
  rate(label.c_str(), db, [&](int client) {
    auto c = std::shared_ptr<persistence::db_connection>(db.connect());
    auto repo = std::make_shared<persistence::ephemeral_work_repository>(*c);
    return [c, repo, mine = claims[client], group, next = size_t{0}]() mutable {
      std::vector<persistence::heartbeat_request> batch;
      for (int k = 0; k < group; ++k) batch.push_back(mine[next++ % mine.size()]);
      auto r = repo->heartbeat_many(batch);
      if (!r) return false;
      for (const auto& one : *r)
        if (!one) return false;
      return true;
    };
  }, group, "heartbeats");
}

// The same renewals through a real broker over HTTP, one request per heartbeat, from `threads`
// agents at once (each with its own 250 claims): the pool writes the heartbeats that wait in its
// queue together (ADR 65), so the more agents beat at once, the bigger the groups.
void heartbeats_over_http(const test::test_database& db, int threads) {
  test::broker_process broker(db.url(), test::temp_dir("brokkr-bench") + "/admin.key", {"--db-pool-size", "4"});
  broker.start();
  const broker_cpu measured_cpu(broker.proc().pid());
  test::api_client admin(broker.url(), broker.admin_key());
  struct claim {
    std::string id;
    int attempt;
  };
  struct beater {
    std::string key;
    std::vector<claim> claims;
  };
  std::vector<beater> beaters(threads);
  for (int t = 0; t < threads; ++t) {
    auto a = admin.post("/api/v1/agents", {{"name", "bench-beat-" + std::to_string(t)}, {"cluster_name", "bench"}});
    if (a.status != 201) return;
    const std::string agent_id = a.body["agent"]["id"];
    beaters[t].key = a.body["key"];
    const nlohmann::json work = {{"work_type", "shipwright-build"}, {"crd_spec", test::sample_build_spec()},
                                 {"targets", {{"agent_ids", {agent_id}}}}, {"lease_seconds", 3600}};
    test::api_client agent(broker.url(), beaters[t].key);
    for (int i = 0; i < 250; ++i)
      if (admin.post("/api/v1/ephemeral-work", work).status != 201) return;
    while (beaters[t].claims.size() < 250) {
      auto c = agent.post("/api/v1/agents/" + agent_id + "/ephemeral-work/claim-next", {{"limit", 100}});
      if (c.status != 200 || c.body["items"].empty()) return;
      for (const auto& w : c.body["items"]) beaters[t].claims.push_back({w["id"], w["attempt"]});
    }
  }
  const int saved = clients;
  clients = threads;
  const auto label = "heartbeats through brokkr-broker over HTTP, one per request";
  rate(label, db, [&](int t) {
    auto c = std::make_shared<test::api_client>(broker.url(), beaters[t].key);
    return [c, mine = beaters[t].claims, next = size_t{0}]() mutable {
      const auto& one = mine[next++ % mine.size()];
      return c->post("/api/v1/ephemeral-work/" + one.id + "/heartbeat", {{"attempt", one.attempt}}).status == 200;
    };
  }, 1, "heartbeats");
  clients = saved;
}

// Issue 13 goal 2: the batched paths. Each call submits `batch` items one by one (there is no batch
// submit), claims up to `batch` in one claim-next and completes them in one batch completion.
void repositories_batched(const test::test_database& db, const std::string& agent_id, int batch) {
  const auto label = "repositories, batches of " + std::to_string(batch) + " (claim_next limit, complete_many)";
  rate(label.c_str(), db, [&](int) {
    auto conn = std::shared_ptr<persistence::db_connection>(db.connect());
    auto repo = std::make_shared<persistence::ephemeral_work_repository>(*conn);
    return [conn, repo, agent_id, batch] {
      for (int i = 0; i < batch; ++i)
        if (!repo->create(test::make_request({.agent_ids = {agent_id}}))) return false;
      auto c = repo->claim_next(agent_id, {}, batch);
      if (!c) return false;
      std::vector<completion_report> reports;
      for (const auto& w : *c)
        reports.push_back({.work_id = w.id, .agent_id = agent_id, .attempt = w.attempt, .outcome = work_outcome::completed});
      return reports.empty() || repo->complete_many(reports).has_value();
    };
  }, batch);
}

void over_http_batched(const test::test_database& db, int batch) {
  test::broker_process broker(db.url(), test::temp_dir("brokkr-bench") + "/admin.key", {"--db-pool-size", "4"});
  broker.start();
  const broker_cpu measured_cpu(broker.proc().pid());
  test::api_client admin(broker.url(), broker.admin_key());
  auto a = admin.post("/api/v1/agents", {{"name", "bench-batch"}, {"cluster_name", "bench"}, {"labels", {"bench"}}});
  const std::string agent_id = a.body["agent"]["id"], key = a.body["key"];
  const nlohmann::json work = {{"work_type", "shipwright-build"}, {"crd_spec", test::sample_build_spec()},
                               {"targets", {{"agent_ids", {agent_id}}}}};
  const auto label = "HTTP through brokkr-broker, batches of " + std::to_string(batch) + " (claim-next limit, batch complete)";
  rate(label.c_str(), db, [&](int) {
    auto admin_c = std::make_shared<test::api_client>(broker.url(), broker.admin_key());
    auto agent_c = std::make_shared<test::api_client>(broker.url(), key);
    return [=] {
      for (int i = 0; i < batch; ++i)
        if (admin_c->post("/api/v1/ephemeral-work", work).status != 201) return false;
      auto c = agent_c->post("/api/v1/agents/" + agent_id + "/ephemeral-work/claim-next", {{"limit", batch}});
      if (c.status != 200) return false;
      nlohmann::json reports = nlohmann::json::array();
      for (const auto& w : c.body["items"])
        reports.push_back({{"id", w["id"]}, {"attempt", w["attempt"]}, {"outcome", "COMPLETED"}});
      if (reports.empty()) return true;
      return agent_c->post("/api/v1/agents/" + agent_id + "/ephemeral-work/complete", {{"reports", reports}}).status == 200;
    };
  }, batch);
}

// A real broker on `db` (4 database connections, the given CAF scheduler) with one agent, and the
// HTTP lifecycle's clients: POST as admin, claim-next and complete as the agent.
struct http_lifecycles {
  http_lifecycles(const test::test_database& db, const std::string& scheduler)
      : broker(db.url(), test::temp_dir("brokkr-bench") + "/admin.key",
               {"--db-pool-size", "4", "--caf-scheduler", scheduler}),
        label("HTTP through brokkr-broker, " + scheduler + " scheduler (POST, claim-next, complete)") {
    broker.start();
    test::api_client admin(broker.url(), broker.admin_key());
    auto a = admin.post("/api/v1/agents", {{"name", "bench"}, {"cluster_name", "bench"}, {"labels", {"bench"}}});
    agent_id = a.body["agent"]["id"];
    key = a.body["key"];
  }

  worker_factory workers() const {
    const nlohmann::json work = {{"work_type", "shipwright-build"}, {"crd_spec", test::sample_build_spec()},
                                 {"targets", {{"agent_ids", {agent_id}}}}};
    return [url = broker.url(), admin_key = broker.admin_key(), key = key, agent_id = agent_id, work](int) -> worker {
      auto admin_c = std::make_shared<test::api_client>(url, admin_key);
      auto agent_c = std::make_shared<test::api_client>(url, key);
      return [=] {
        if (admin_c->post("/api/v1/ephemeral-work", work).status != 201) return false;
        auto c = agent_c->post("/api/v1/agents/" + agent_id + "/ephemeral-work/claim-next");
        if (c.status == 204) return true;
        if (c.status != 200) return false;
        return agent_c->post("/api/v1/ephemeral-work/" + std::string(c.body["id"]) + "/complete",
                             {{"attempt", c.body["attempt"]}, {"outcome", "COMPLETED"}})
                   .status == 200;
      };
    };
  }

  test::broker_process broker;
  std::string label, agent_id, key;
};

// Run once per CAF scheduler: the broker's default (sharing) and CAF's own (stealing), ADR 0015.
void over_http(const test::test_database& db, const std::string& scheduler) {
  http_lifecycles http(db, scheduler);
  const broker_cpu measured_cpu(http.broker.proc().pid());
  rate(http.label.c_str(), db, http.workers());
}

// DESIGN.md section 3: a claim must not get slower as finished work piles up.
void claim_cost_with_history(const test::test_database& db) {
  auto conn = db.connect();
  persistence::agent_repository agents{*conn};
  persistence::ephemeral_work_repository work{*conn};
  const auto agent = test::make_agent(agents, {.name = "history"});
  auto measure = [&](int n) {
    double total = 0;
    for (int i = 0; i < n; ++i) {
      const auto w = test::make_work(work, {.agent_ids = {agent.id}});
      const auto t0 = clk::now();
      auto c = work.claim_next(agent.id);
      total += std::chrono::duration<double, std::micro>(clk::now() - t0).count();
      work.complete({.work_id = w.id, .agent_id = agent.id, .attempt = 1, .outcome = work_outcome::completed}).value();
    }
    return total / n;
  };
  const double fresh = measure(200);
  for (int i = 0; i < 3000; ++i) {
    const auto w = test::make_work(work, {.agent_ids = {agent.id}});
    (void)work.claim_next(agent.id);
    (void)work.complete({.work_id = w.id, .agent_id = agent.id, .attempt = 1, .outcome = work_outcome::completed});
  }
  const double with_history = measure(200);
  std::printf("claim_next latency: %.0f us with no history, %.0f us after 3,000 more finished items\n", fresh, with_history);
}

// Through the repositories one per statement and 100 per statement, then over HTTP from
// --clients agents and from 32, each on a fresh database.
void heartbeat_phases() {
  for (int group : {1, 100}) {
    test::test_database fresh;
    heartbeats(fresh, group);
  }
  for (int threads : {clients, 32}) {
    test::test_database fresh;
    heartbeats_over_http(fresh, threads);
  }
}

// Goal 1's ratios with the phases taking turns (--interleaved ROUNDS): the floor, the required
// writes, the repositories and HTTP each run `run_seconds` in every round, in an order that rotates
// by one phase per round (over four rounds each phase runs once in each place), so that the phases
// see the machine's changes alike rather than one phase getting a slow minute. Run one after
// another for five seconds each, the phases' ratios moved with the machine (the required writes
// came out at 0.74x to 1.39x of the floor in the runs docs/benchmarks.md records). Every phase's
// clients stay connected for the whole run and wait while another phase has the turn; each turn
// starts with a tenth of a second unmeasured, in which the previous phase's last iterations end,
// and no phase runs between rounds. The first round is a warm-up, followed by ANALYZE, and is not
// counted. With --vacuum, autovacuum is off and every round starts with a VACUUM ANALYZE of both
// databases, while no phase runs: an autovacuum otherwise lands in whichever turn is running and
// is charged to that phase, and tables that grow dead entries for a minute are not the steady
// state of a vacuumed queue. The ANALYZE is autovacuum's other duty: the floor keeps every target
// row, and with statistics from the warm-up its claim came to be planned as a hash join over a
// sequential scan of all of them, so the floor fell round after round (2366, 1526, 862, 750
// lifecycles/s in one run) and every ratio to it rose with the run's length (ADR 73).
//
// With --trigger-cost (and --vacuum: a schema change between turns would cancel a running
// autovacuum), the fourth phase is the repositories again with ephemeral_work's AFTER triggers
// reduced, for its turns, to the removal of a finished item's targets: no event row, no NOTIFY and
// no notice to build. It is not a mode the queue can run in; it sizes what the events and NOTIFY
// cost a lifecycle, which the seed and the design require (ADR 68), as an upper bound.
void interleaved(int rounds) {
  test::test_database db;
  std::optional<test::test_database> fresh;  // the broker's database must hear no other phase's NOTIFY
  auto conn = db.connect();
  persistence::agent_repository agents{*conn};
  const auto agent = test::make_agent(agents, {.name = "bench-repo"});
  std::optional<http_lifecycles> http;
  if (!trigger_cost) http.emplace(fresh.emplace(), "sharing");
  struct phase {
    const char* name = "";
    const char* column = "";
    worker_factory make;
    int broker = 0;                    // the broker's pid, for the HTTP phase
    std::function<void()> enter, leave;  // run around each turn while no phase runs
    std::atomic<long> done{0}, errors{0};
    long measured = 0, failed = 0;
    double secs = 0;
    cpu_sample cpu;
    std::vector<double> rates;  // per measured round
  };
  std::deque<phase> phases;  // atomics do not move: built in place
  auto add = [&phases](const char* name, const char* column, worker_factory make, int broker = 0) -> phase& {
    auto& ph = phases.emplace_back();
    ph.name = name;
    ph.column = column;
    ph.make = std::move(make);
    ph.broker = broker;
    return ph;
  };
  add("floor", "floor", plain_sql_workers(db));
  add("required writes", "required", required_workers(db, agent.id));
  add("repositories", "repos", repository_workers(db, agent.id));
  if (http) {
    add("HTTP", "HTTP", http->workers(), http->broker.proc().pid());
  } else {
    // Finished items' targets are still removed: left in the table, they would lengthen every
    // claim of the turn and charge that to the variant. So the trigger's body is swapped rather
    // than the trigger disabled; the creation's deferred trigger (its event and notice only) is off.
    auto& bare = add("repos, no events", "no-events", repository_workers(db, agent.id));
    const auto shipped = db.scalar("SELECT pg_get_functiondef('ephemeral_work_after_change'::regproc)");
    bare.enter = [&db] {
      db.exec("CREATE OR REPLACE FUNCTION ephemeral_work_after_change() RETURNS trigger AS $$ BEGIN"
              " IF ephemeral_work_is_terminal(NEW.status) THEN DELETE FROM ephemeral_work_targets WHERE work_id = NEW.id;"
              " END IF; RETURN NULL; END; $$ LANGUAGE plpgsql;"
              "ALTER TABLE ephemeral_work DISABLE TRIGGER ephemeral_work_after_insert");
    };
    bare.leave = [&db, shipped] {
      db.exec(shipped + ";ALTER TABLE ephemeral_work ENABLE TRIGGER ephemeral_work_after_insert");
    };
  }
  const int n = static_cast<int>(phases.size());
  std::atomic<int> active{-1};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  for (int p = 0; p < n; ++p)
    for (int i = 0; i < clients; ++i)
      ts.emplace_back([&, p, i] {
        auto one = phases[p].make(i);
        while (!stop) {
          const int a = active.load();
          if (a != p) {
            active.wait(a);
            continue;
          }
          if (one()) ++phases[p].done;
          else ++phases[p].errors;
        }
      });
  const int postmaster = postmaster_pid(db);
  // No phase runs while the databases are analyzed or vacuumed or the figures printed: the last
  // iterations of the phase that had the turn end first.
  auto pause = [&] {
    active = -1;
    active.notify_all();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  // A phase's enter and leave run while no phase runs, and leave after every turn, the warm-up's
  // included: ANALYZE and the other phases must see the schema as shipped.
  auto turn = [&](int p, bool measure, int ms) {
    auto& ph = phases[p];
    if (ph.enter) {
      pause();
      ph.enter();
    }
    active = p;
    active.notify_all();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const long d0 = ph.done, e0 = ph.errors;
    const auto cpu0 = cpu_sample::take(postmaster, ph.broker);
    const auto start = clk::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    const double secs = std::chrono::duration<double>(clk::now() - start).count();
    const long d = ph.done - d0;
    if (measure) {
      ph.measured += d;
      ph.failed += ph.errors - e0;
      ph.secs += secs;
      ph.cpu += cpu_sample::take(postmaster, ph.broker) - cpu0;
      ph.rates.push_back(d / secs);
    }
    if (ph.leave) {
      pause();
      ph.leave();
    }
  };
  for (int p = 0; p < n; ++p) turn(p, false, warmup_ms);
  pause();
  db.exec("ANALYZE");
  if (fresh) fresh->exec("ANALYZE");
  std::printf("%d rounds of %d s per phase (%d clients each), in turns%s; lifecycles/s per round:\n", rounds,
              run_seconds, clients, vacuum_rounds ? ", autovacuum off and VACUUM ANALYZE before every round" : "");
  std::printf("  %5s", "round");
  for (const auto& ph : phases) std::printf(" %9s", ph.column);
  std::printf("   of the floor:");
  for (int p = 1; p < n; ++p) std::printf("%s %s", p > 1 ? "," : "", phases[p].column);
  std::printf("\n");
  // ALTER SYSTEM outlives the run; the guard puts autovacuum back when the run returns (a run that
  // dies leaves it off, on the throwaway server scripts/bench stops afterwards).
  struct autovacuum_off {
    const test::test_database* db = nullptr;
    ~autovacuum_off() {
      if (!db) return;
      try {
        db->exec("ALTER SYSTEM RESET autovacuum");
        db->exec("SELECT pg_reload_conf()");
      } catch (const std::exception&) {
      }
    }
  } autovacuum_guard;
  if (vacuum_rounds) {
    db.exec("ALTER SYSTEM SET autovacuum = off");
    autovacuum_guard.db = &db;
    db.exec("SELECT pg_reload_conf()");
  }
  double vacuum_secs = 0;
  for (int r = 0; r < rounds; ++r) {
    if (vacuum_rounds) {
      const auto v0 = clk::now();
      db.exec("VACUUM ANALYZE");
      if (fresh) fresh->exec("VACUUM ANALYZE");
      vacuum_secs += std::chrono::duration<double>(clk::now() - v0).count();
    }
    for (int k = 0; k < n; ++k) turn((r + k) % n, true, run_seconds * 1000);
    pause();
    const double f = phases[0].rates.back();
    std::printf("  %5d", r + 1);
    for (const auto& ph : phases) std::printf(" %9.0f", ph.rates.back());
    if (f > 0) {
      std::printf("  ");
      for (int p = 1; p < n; ++p) std::printf(" %.2fx", phases[p].rates.back() / f);
    }
    std::printf("\n");
  }
  stop = true;
  active = -2;
  active.notify_all();
  for (auto& t : ts) t.join();
  if (vacuum_rounds)
    std::printf("  VACUUM ANALYZE of the databases before every round, not counted: %.0f ms per round\n",
                1000 * vacuum_secs / rounds);
  auto total = [](const phase& ph) { return ph.secs > 0 ? ph.measured / ph.secs : 0.0; };
  auto ratios = [&](int p) {
    std::vector<double> v;
    for (size_t r = 0; r < phases[p].rates.size(); ++r)
      if (phases[0].rates[r] > 0) v.push_back(phases[p].rates[r] / phases[0].rates[r]);
    std::sort(v.begin(), v.end());
    return v;
  };
  for (const auto& ph : phases) {
    if (ph.measured <= 0) continue;
    std::printf("  %-16s %6.0f lifecycles/s over all rounds (%ld errors); CPU per lifecycle: PostgreSQL %.0f us,"
                " the clients %.0f us", ph.name, total(ph), ph.failed, ph.cpu.server * 1e6 / ph.measured,
                ph.cpu.self * 1e6 / ph.measured);
    if (ph.broker) std::printf(", the broker %.0f us", ph.cpu.broker * 1e6 / ph.measured);
    std::printf("\n");
  }
  if (total(phases[0]) <= 0) return;
  for (int p = 1; p < n; ++p) {
    const auto v = ratios(p);
    if (v.empty()) continue;
    const double median = (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
    std::printf("  %-16s %.2fx of the floor over all rounds (per round: median %.2fx, %.2f-%.2fx)\n", phases[p].name,
                total(phases[p]) / total(phases[0]), median, v.front(), v.back());
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--statements") statements = true;
    else if (a == "--seconds" && i + 1 < argc) run_seconds = std::stoi(argv[++i]);
    else if (a == "--clients" && i + 1 < argc) clients = std::stoi(argv[++i]);
    else if (a == "--warmup-ms" && i + 1 < argc) warmup_ms = std::stoi(argv[++i]);
    else if (a == "--lifecycles-only") lifecycles_only = true;
    else if (a == "--heartbeats-only") heartbeats_only = true;
    else if (a == "--interleaved" && i + 1 < argc) interleaved_rounds = std::stoi(argv[++i]);
    else if (a == "--vacuum") vacuum_rounds = true;
    else if (a == "--trigger-cost") trigger_cost = true;
    else {
      std::fprintf(stderr, "bench_queue: unknown argument %s (--seconds N, --clients N, --warmup-ms N, --statements, --lifecycles-only, --heartbeats-only, --interleaved ROUNDS, --vacuum, --trigger-cost)\n", a.c_str());
      return 2;
    }
  }
  if ((vacuum_rounds || trigger_cost) && interleaved_rounds == 0) {
    std::fprintf(stderr, "bench_queue: --vacuum and --trigger-cost apply to --interleaved only\n");
    return 2;
  }
  if (trigger_cost && !vacuum_rounds) {
    std::fprintf(stderr, "bench_queue: --trigger-cost needs --vacuum (its schema changes would cancel autovacuums)\n");
    return 2;
  }
  if (interleaved_rounds > 0 && (statements || lifecycles_only || heartbeats_only)) {
    std::fprintf(stderr, "bench_queue: --interleaved runs alone (not with --statements, --lifecycles-only or --heartbeats-only)\n");
    return 2;
  }
  if (heartbeats_only) {
    heartbeat_phases();
    return 0;
  }
  if (interleaved_rounds > 0) {
    interleaved(interleaved_rounds);
    return 0;
  }
  test::test_database db;
  const double floor_rate = plain_sql(db);
  auto conn = db.connect();
  persistence::agent_repository agents{*conn};
  const auto agent = test::make_agent(agents, {.name = "bench-repo"});
  const double required = required_writes(db, agent.id);
  const double repos = repositories(db, agent.id);
  if (floor_rate > 0 && required > 0)
    std::printf("    of the plain-SQL floor: required writes %.2fx, repositories %.2fx (%.2fx of the required writes)\n",
                required / floor_rate, repos / floor_rate, repos / required);
  if (lifecycles_only) {
    test::test_database fresh;
    over_http(fresh, "sharing");
    return 0;
  }
  for (int batch : {10, 100}) repositories_batched(db, agent.id, batch);
  heartbeat_phases();
  for (const char* scheduler : {"sharing", "stealing"}) {
    test::test_database fresh;
    over_http(fresh, scheduler);
  }
  for (int batch : {10, 100}) {
    test::test_database fresh;
    over_http_batched(fresh, batch);
  }
  test::test_database db2;
  claim_cost_with_history(db2);
  return 0;
}
