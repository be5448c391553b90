// The queue at fleet scale (issue 13, goal 5), printed as figures (docs/benchmarks.md): one
// PostgreSQL holding 10,000 registered agents with labels and 1,000,000 work items (most finished,
// 100,000 live), then the latency of what the broker runs per request on it: `pending` and
// `claim-next` for random agents, and a submit whose label is held by 5,000 agents, beside its floor
// (the same rows in plain SQL, in the seed's target table). Then the TTL
// soft-delete and the purge of the finished rows, with claim latency measured while they run.
// Last, a real brokkr-broker on the same database: the memory per live work-item actor.
//
// Not a test: it asserts nothing and CI does not run it. Needs the throwaway PostgreSQL of
// scripts/bench (BROKKR_TEST_DATABASE_URL).
//
//   bench_scale [--agents N] [--finished N] [--live N] [--samples N]
//               [--cleanup-batch N] [--cleanup-max-batches N] [--cleanup-turn-seconds N]
//               [--cleanup-pause-ms N] [--quiet-seconds N] [--only-cleanup 1]
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "broker_node/maintenance/batched.hpp"
#include "broker_node/maintenance/duty.hpp"
#include "bench/seed_tables.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/ephemeral_work_repository.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using clk = std::chrono::steady_clock;

namespace {

int agents_n = 10000;
int finished_n = 900000;
int live_n = 100000;
int samples = 2000;
int cleanup_batch = 1000;
int cleanup_pause_ms = 0;
bool only_cleanup = false;
int quiet_seconds = 10;
int cleanup_turn_seconds = 0;
int cleanup_max_batches = 20;  // the TTL and purge duties' budget per run (broker_node/maintenance)

// When a claim that got an item ran, for placing it in the cleanup's runs of batches or its pauses.
struct span {
  clk::time_point from, to;
};

struct percentiles {
  double p50 = 0, p99 = 0, max = 0;
  size_t n = 0;
  size_t empty = 0;            // claims that found nothing, left out of the figures
  size_t failed_completes = 0;  // completions refused or failed: their items stay claimed
};

percentiles summarize(std::vector<double> us) {
  percentiles p;
  if (us.empty()) return p;
  std::sort(us.begin(), us.end());
  p.n = us.size();
  p.p50 = us[us.size() / 2];
  p.p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  p.max = us.back();
  return p;
}

void print(const char* label, const percentiles& p) {
  std::printf("%-64s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (%zu samples", label, p.p50 / 1000.0,
              p.p99 / 1000.0, p.max / 1000.0, p.n);
  if (p.empty) std::printf("; %zu claims that found nothing not counted", p.empty);
  if (p.failed_completes) std::printf("; %zu completions failed", p.failed_completes);
  std::printf(")\n");
}

double since_us(clk::time_point t0) { return std::chrono::duration<double, std::micro>(clk::now() - t0).count(); }

// Bulk load in plain SQL, set-based: going through the repositories would take hours at this size.
// Triggers are bypassed for the finished history only (their work — event rows, NOTIFY — belongs to
// transitions that happened long ago); live items get their target rows the way submit writes them.
void load(pqxx::connection_base& c) {
  const auto t0 = clk::now();
  pqxx::work tx{c};
  // The broker's connections stop a statement after 30 s; loading a million rows may take longer
  // (and the bench's own statements on this connection, later, are not the broker's).
  tx.exec0("SET LOCAL statement_timeout = 0");
  tx.exec0("INSERT INTO agents (name, cluster_name) SELECT 'agent-' || i, 'cluster-' || (i % 1000) "
           "FROM generate_series(1, " + std::to_string(agents_n) + ") i");
  // Every agent: 'fleet', its own 'own-<n>', and 'half' for every second one (agents_n / 2 hold it).
  tx.exec0("CREATE TEMP TABLE bench_agents AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM agents");
  tx.exec0("INSERT INTO agent_labels (agent_id, label) SELECT id, 'fleet' FROM bench_agents");
  tx.exec0("INSERT INTO agent_labels (agent_id, label) SELECT id, 'own-' || n FROM bench_agents");
  tx.exec0("INSERT INTO agent_labels (agent_id, label) SELECT id, 'half' FROM bench_agents WHERE n % 2 = 0");
  tx.exec0("SET LOCAL session_replication_role = replica");
  tx.exec0("INSERT INTO ephemeral_work (work_type, crd_spec, status, claimed_by, claimed_at, completed_at, attempt, "
           "soft_delete_after, created_at) "
           "SELECT 'shipwright-build', '{}', 'COMPLETED', a.id, now() - interval '2 hours', now() - interval '1 hour', 1, "
           "now() + interval '1 day', now() - interval '2 hours' "
           "FROM generate_series(1, " + std::to_string(finished_n) + ") i "
           "JOIN bench_agents a ON a.n = 1 + i % " + std::to_string(agents_n));
  tx.exec0("SET LOCAL session_replication_role = origin");
  tx.exec0("CREATE TEMP TABLE bench_live AS SELECT gen_random_uuid() AS id, 1 + i % " + std::to_string(agents_n) +
           " AS n FROM generate_series(1, " + std::to_string(live_n) + ") i");
  // With the selector a submit would store (migration 0019), so that answers read what they do in service.
  tx.exec0("INSERT INTO ephemeral_work (id, work_type, crd_spec, target_selector) SELECT id, 'shipwright-build', '{}', "
           "json_build_object('agent_ids', '[]'::json, 'labels', json_build_array('own-' || n), "
           "'annotations', '{}'::json)::text FROM bench_live");
  tx.exec0("INSERT INTO ephemeral_work_target_labels (work_id, label) SELECT id, 'own-' || n FROM bench_live");
  tx.exec0("INSERT INTO ephemeral_work_targets (work_id, agent_id) SELECT l.id, a.id FROM bench_live l "
           "JOIN bench_agents a ON a.n = l.n");
  tx.commit();
  pqxx::nontransaction n{c};
  n.exec0("SET statement_timeout = 0");
  n.exec0("VACUUM ANALYZE");
  const auto rows = n.exec1("SELECT count(*) FROM ephemeral_work")[0].as<long>();
  std::printf("loaded %d agents, %ld work items (%d finished, %d live) in %.1f s\n", agents_n, rows, finished_n,
              live_n, since_us(t0) / 1e6);
}

std::vector<std::string> agent_ids(pqxx::connection_base& c) {
  pqxx::nontransaction n{c};
  std::vector<std::string> out;
  for (const auto& r : n.exec("SELECT id FROM agents ORDER BY id")) out.push_back(r[0].as<std::string>());
  return out;
}

percentiles measure_pending(persistence::ephemeral_work_repository& work, const std::vector<std::string>& ids,
                            std::mt19937& rng) {
  std::vector<double> us;
  std::uniform_int_distribution<size_t> pick(0, ids.size() - 1);
  for (int i = 0; i < samples; ++i) {
    const auto t0 = clk::now();
    auto r = work.pending_for_agent(ids[pick(rng)], 100);
    us.push_back(since_us(t0));
    if (!r) std::printf("pending failed: %s\n", r.error().message.c_str());
  }
  return summarize(us);
}

// Claims the next item of a random agent, completes it, and submits one in its place for the same
// agent, so that every agent's queue keeps its depth through all three claim loops: without it the
// loops used up most live items, the claims after the first figure sorted ever fewer, and the
// memory figure after them found a fraction of --live.
// Only claims that got an item count: an empty claim is a quick index probe that would make the
// figure look better than the claims that do work. Only the claim is timed: the completion and the
// new item keep the queue as it was, they are not what a claim costs.
percentiles measure_claims(persistence::ephemeral_work_repository& work, const std::vector<std::string>& ids,
                           std::mt19937& rng, int n, std::atomic<bool>* stop = nullptr,
                           std::vector<span>* timeline = nullptr) {
  std::vector<double> us;
  size_t empty = 0, failed_completes = 0, failed_submits = 0;
  std::string first_failure, first_submit_failure;
  std::uniform_int_distribution<size_t> pick(0, ids.size() - 1);
  for (int i = 0; i < n && !(stop && *stop); ++i) {
    const auto k = pick(rng);
    const auto& agent = ids[k];
    const auto t0 = clk::now();
    auto c = work.claim_next(agent);
    const auto t1 = clk::now();
    const auto took = std::chrono::duration<double, std::micro>(t1 - t0).count();
    if (!c) {
      std::printf("claim failed: %s\n", c.error().message.c_str());
      continue;
    }
    if (c->empty()) {
      ++empty;
      continue;
    }
    us.push_back(took);
    if (timeline) timeline->push_back({t0, t1});
    auto done = work.complete({.work_id = c->front().id, .agent_id = agent, .attempt = c->front().attempt,
                               .outcome = work_outcome::completed});
    if (!done) {
      if (failed_completes++ == 0) first_failure = done.error().message;
      continue;  // the item stays claimed: a new one would deepen this agent's queue
    }
    // ids are in the order the load numbered the agents: the k-th holds own-<k + 1>.
    auto again = work.create(test::make_request({.labels = {"own-" + std::to_string(k + 1)}}));
    if (!again) {
      if (failed_submits++ == 0) first_submit_failure = again.error().message;
    }
  }
  if (failed_completes) std::printf("first failed completion: %s\n", first_failure.c_str());
  if (failed_submits)
    std::printf("%zu submits in place of a completed item failed; the first: %s\n", failed_submits,
                first_submit_failure.c_str());
  auto p = summarize(us);
  p.empty = empty;
  p.failed_completes = failed_completes;
  return p;
}

// Goal 5's wide submit beside its floor (ADR 68): how much of the 50 ms the seed's target table
// costs by itself. The floor is the item and its 5,000 target rows in one plain SQL statement into
// the seed's two tables as it declares them (bench/seed_tables.hpp), and again into a copy whose
// target table has no foreign keys. The three kinds of
// sample take turns, in a rotating order, so that all see the same machine. The floor's tables
// start empty, where ours hold the loaded history; that favours the floor a little.
void measure_wide_submit(persistence::ephemeral_work_repository& work, pqxx::connection_base& c) {
  // One transaction object at a time per connection, and the repository opens its own: each use
  // of the connection here gets a short-lived one.
  auto exec = [&c](const std::string& sql) {
    pqxx::nontransaction n{c};
    return n.exec(sql);
  };
  exec(bench::seed_tables("floor_"));
  exec(bench::seed_tables("bare_", false));
  auto insert = [](const std::string& prefix) {
    return "WITH w AS (INSERT INTO " + prefix + "work (work_type, crd_spec) VALUES ('shipwright-build', '{}') RETURNING id) "
           "INSERT INTO " + prefix + "targets (work_id, agent_id) SELECT w.id, al.agent_id FROM w, agent_labels al "
           "WHERE al.label = 'half' ORDER BY al.agent_id";
  };
  const std::string with_keys = insert("floor_"), without_keys = insert("bare_");
  // 500,000 rows the cleanup need not vacuum.
  const auto drop = [&] { exec("DROP TABLE floor_targets, floor_work, bare_targets, bare_work;"
                               "DROP FUNCTION floor_work_touch(), bare_work_touch()"); };
  std::vector<double> us[3];  // ours, the seed's table, without its foreign keys
  std::string last;
  std::vector<std::string> submitted;
  // Left live, these items would change the queue that the cleanup's claim loops measure against
  // the first claim figure: a claim of one answers its 5,000 targets, and half the agents would
  // have 50 more items to sort.
  const auto remove_submitted = [&] {
    std::string ids = "{";
    for (const auto& id : submitted) ids += (ids.size() > 1 ? "," : "") + id;
    ids += "}";
    pqxx::nontransaction n{c};
    n.exec_params0("DELETE FROM ephemeral_work WHERE id = ANY($1::uuid[])", ids);
    n.exec0("VACUUM ANALYZE ephemeral_work_targets");
    std::printf("(the %zu submitted items deleted again, with their target rows)\n", submitted.size());
  };
  for (int i = 0; i < 50; ++i) {
    for (int k = 0; k < 3; ++k) {
      const int which = (i + k) % 3;
      const auto t0 = clk::now();
      if (which == 0) {
        auto r = work.create(test::make_request({.labels = {"half"}}));
        if (!r) {
          std::printf("submit failed: %s\n", r.error().message.c_str());
          drop();
          remove_submitted();
          return;
        }
        last = r->item.id;
        submitted.push_back(last);
      } else {
        exec(which == 1 ? with_keys : without_keys);
      }
      us[which].push_back(since_us(t0));
    }
  }
  const auto targets = [&] {
    pqxx::nontransaction n{c};
    return n.exec_params1("SELECT count(*) FROM ephemeral_work_targets WHERE work_id = $1", last)[0].as<long>();
  }();
  std::printf("(each submit resolved %ld target agents)\n", targets);
  const auto ours = summarize(us[0]), keyed = summarize(us[1]), bare = summarize(us[2]);
  print("submit targeting a label held by half the agents", ours);
  print("floor: the same rows in plain SQL, the seed's target table", keyed);
  print("floor: the same rows in plain SQL, without its foreign keys", bare);
  if (keyed.p50 > 0 && bare.p50 > 0)
    std::printf("    submit p50 / floor p50: %.2fx (seed's table), %.2fx (without its foreign keys)\n",
                ours.p50 / keyed.p50, ours.p50 / bare.p50);
  drop();
  remove_submitted();
}

// Registering an agent and relabelling it re-resolve it against every live item (work submitted
// before a matching agent existed must not be stranded).
void measure_agent_changes(persistence::db_connection& conn) {
  persistence::agent_repository agents{conn};
  std::vector<double> created, relabelled;
  for (int i = 0; i < 20; ++i) {
    auto t0 = clk::now();
    auto a = agents.create({.name = "late-" + std::to_string(i), .cluster_name = "late", .labels = {"fleet", "own-1"}});
    created.push_back(since_us(t0));
    if (!a) {
      std::printf("agent create failed: %s\n", a.error().message.c_str());
      return;
    }
    t0 = clk::now();
    auto r = agents.edit_labels(a->agent.id, persistence::label_edit::replace, {"fleet"});
    relabelled.push_back(since_us(t0));
    if (!r) std::printf("relabel failed: %s\n", r.error().message.c_str());
  }
  print("register an agent (re-resolved against the live items)", summarize(created));
  print("relabel an agent (same)", summarize(relabelled));
}

// The claim loop above on a connection of its own, for as long as `meanwhile` runs.
template <class Meanwhile>
percentiles claims_while(const test::test_database& db, const std::vector<std::string>& ids, unsigned seed,
                         Meanwhile meanwhile, std::vector<span>* timeline = nullptr) {
  std::atomic<bool> stop{false};
  percentiles out;
  std::thread claimer([&] {
    auto c = db.connect();
    persistence::ephemeral_work_repository work{*c};
    std::mt19937 rng(seed);
    out = measure_claims(work, ids, rng, 1 << 30, &stop, timeline);
  });
  meanwhile();
  stop = true;
  claimer.join();
  return out;
}

// TTL soft-delete and purge of the finished history in the batches the maintenance duties use,
// while another connection claims: rows/s, and claim latency beside the figure without them.
void measure_cleanup(const test::test_database& db, const std::vector<std::string>& ids, const percentiles& quiet) {
  auto conn = db.connect();
  {
    pqxx::work tx{conn->raw()};
    tx.exec0("SET LOCAL statement_timeout = 0");  // 900,000 rows, each through the update trigger
    tx.exec0("UPDATE ephemeral_work SET soft_delete_after = now() - interval '1 minute' WHERE status = 'COMPLETED'");
    tx.commit();
    // That update left 900,000 dead row versions; vacuumed now, so that autovacuum does not run
    // during the quiet baseline below and flatter the ratio.
    pqxx::nontransaction n{conn->raw()};
    n.exec0("SET statement_timeout = 0");  // for the rest of the session: the cleaner's batches too
    n.exec0("VACUUM ANALYZE ephemeral_work");
  }
  persistence::ephemeral_work_repository cleaner{*conn};
  // The baseline is taken the way the figure during cleanup is: the same loop on its own connection
  // for a while, just before (2,000 claims right after the load put its p99 anywhere in 0.66-1.71 ms).
  // Right after that update the same claims ran slower at p99 for a while (in one run with a VACUUM
  // without ANALYZE there: 2.06 ms, against 1.18 before it and 1.32 in the next 10 s;
  // docs/benchmarks.md), so a loop of the same length runs first, printed but compared with nothing,
  // and the baseline is taken after it.
  // Blocks PostgreSQL read from outside its shared buffers, all tables and indexes: whether the
  // claims after the update wait on pages that update pushed out. The claim loop's connection has
  // closed (and flushed its statistics) by the time the second count is read.
  const auto blocks_read = [&] {
    pqxx::nontransaction n{conn->raw()};
    return n.exec1("SELECT coalesce(sum(heap_blks_read + coalesce(idx_blks_read, 0)), 0) FROM pg_statio_user_tables")[0]
        .as<long>();
  };
  const auto quiet_loop = [&](const char* label, unsigned seed) {
    const auto read0 = blocks_read();
    const auto p = claims_while(db, ids, seed, [] { std::this_thread::sleep_for(std::chrono::seconds(quiet_seconds)); });
    const auto read = blocks_read() - read0;
    print(label, p);
    std::printf("    (blocks read into shared buffers meanwhile: %ld, %.2f per claim)\n", read,
                static_cast<double>(read) / static_cast<double>(std::max<size_t>(p.n + p.empty, 1)));
    return p;
  };
  quiet_loop("claim-next, settling after the update (not compared)", 3);
  const auto before = quiet_loop("claim-next, quiet, just before cleanup", 5);
  // The pace of the cleanup (ADR 0078). As the duties run it: runs of --cleanup-max-batches batches,
  // and while a run stops on that budget, the pause the duty actor takes before its next one
  // (next_run_in, the shipped decision). With --cleanup-turn-seconds N: batches for N s, then N s
  // with none, and again. With --cleanup-max-batches 0: back to back until done. Each batch may be
  // followed by --cleanup-pause-ms. A claim that ran wholly inside a run of batches is compared
  // with one wholly inside a pause of the same phase, so that what drifts over the minutes of the
  // cleanup (the tables shrinking, vacuums, the machine) is in both figures; the quiet loop before
  // the cleanup was taken minutes earlier, and its p99 alone spread over more than the 20 % the
  // figure is read against (docs/benchmarks.md).
  const auto turn = std::chrono::seconds(cleanup_turn_seconds);
  std::vector<span> bursts, pauses;
  const auto pause = [&](clk::duration d) {
    const auto q0 = clk::now();
    std::this_thread::sleep_for(d);
    pauses.push_back({q0, clk::now()});
  };
  // One duty's cleanup: the rows it removed, up to a failed batch (which it prints).
  const auto drive = [&](const char* what, auto statement) {
    const auto batch = [&](int n) {
      auto r = statement(n);
      if (cleanup_pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(cleanup_pause_ms));
      return r;
    };
    size_t total = 0;
    const auto failed = [&](const persistence::db_error& e) {
      std::printf("%s stopped: %s\n", what, e.message.c_str());
      return total;
    };
    if (turn.count() > 0) {
      for (bool done = false; !done;) {
        pause(turn);
        const auto b0 = clk::now();
        while (!done && clk::now() - b0 < turn) {
          auto n = batch(cleanup_batch);
          if (!n) {
            bursts.push_back({b0, clk::now()});
            return failed(n.error());
          }
          total += n->size();
          done = static_cast<int>(n->size()) < cleanup_batch;
        }
        bursts.push_back({b0, clk::now()});
      }
      return total;
    }
    for (;;) {
      const auto b0 = clk::now();
      auto run = broker::run_batches(cleanup_batch, cleanup_max_batches > 0 ? cleanup_max_batches : INT_MAX, batch);
      const auto b1 = clk::now();
      bursts.push_back({b0, b1});
      if (!run) return failed(run.error());
      total += run->rows;
      if (!run->more) return total;
      // An interval the pause never reaches: the duties' own (30 s, 5 minutes) do not cap it for runs
      // of 20 batches either, which take under a second here. With --cleanup-pause-ms the run's
      // length, and so the pause, includes those sleeps.
      pause(broker::next_run_in(std::chrono::hours(1),
                                {.more = true, .took = std::chrono::duration_cast<std::chrono::milliseconds>(b1 - b0)}));
    }
  };
  // Busy time only: the pauses are not the duty's.
  const auto busy_s = [&](size_t from) {
    double s = 0;
    for (size_t i = from; i < bursts.size(); ++i) s += std::chrono::duration<double>(bursts[i].to - bursts[i].from).count();
    return s;
  };
  const auto counters = [&] {
    pqxx::nontransaction n{conn->raw()};
    const auto r = n.exec1(
        "SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter), "
        "(SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables)");
    return std::pair{r[0].as<long>(), r[1].as<long>()};
  };
  const auto counted_before = counters();
  size_t soft = 0, purged = 0;
  double soft_s = 0, purge_s = 0, soft_wall = 0, purge_wall = 0;
  std::vector<span> timeline;
  const auto during = claims_while(
      db, ids, 7,
      [&] {
        auto t0 = clk::now();
        soft = drive("TTL soft-delete", [&](int n) { return cleaner.soft_delete_expired(n); });
        soft_wall = since_us(t0) / 1e6;
        soft_s = busy_s(0);
        const auto purge_from = bursts.size();
        t0 = clk::now();
        purged = drive("purge", [&](int n) { return cleaner.purge_deleted(std::chrono::seconds(0), n); });
        purge_wall = since_us(t0) / 1e6;
        purge_s = busy_s(purge_from);
      },
      &timeline);
  const auto counted_after = counters();
  std::printf("TTL soft-delete: %zu rows in %.1f s of batches (%.0f rows/s); purge: %zu rows in %.1f s (%.0f rows/s)\n",
              soft, soft_s, soft / std::max(soft_s, 1e-9), purged, purge_s, purged / std::max(purge_s, 1e-9));
  std::printf("(meanwhile PostgreSQL ran %ld checkpoints and %ld autovacuums or autoanalyzes)\n",
              counted_after.first - counted_before.first, counted_after.second - counted_before.second);
  print("claim-next while TTL and purge run (all of it)", during);
  if (before.n && during.n && quiet.n)
    std::printf("claim-next p99 during cleanup vs quiet just before: %.2fx; vs the first figure after the load: %.2fx\n",
                during.p99 / before.p99, during.p99 / quiet.p99);
  else
    std::printf("claim-next p99 during cleanup: no ratio (a claim loop got no item)\n");
  if (pauses.empty()) return;
  // Each timed claim, by what the cleaner did while it ran; one that spans a start or end of a run
  // counts in neither.
  const auto within = [](const std::vector<span>& windows, const span& s) {
    return std::any_of(windows.begin(), windows.end(), [&](const span& w) { return s.from >= w.from && s.to <= w.to; });
  };
  std::vector<double> busy_us, calm_us;
  size_t straddling = 0;
  for (const auto& s : timeline) {
    const double us = std::chrono::duration<double, std::micro>(s.to - s.from).count();
    if (within(bursts, s)) busy_us.push_back(us);
    else if (within(pauses, s)) calm_us.push_back(us);
    else ++straddling;
  }
  if (turn.count() > 0)
    std::printf("(in turns of %d s: ", cleanup_turn_seconds);
  else
    std::printf("(as the duties run, in runs of %d batches and a pause of %d times the run after each but the last: ",
                cleanup_max_batches,
                broker::catch_up_pause_factor);
  std::printf("%zu runs of batches, %zu pauses; TTL %.1f s and purge %.1f s from start to end; %zu claims spanned "
              "a start or end of a run and are in neither figure below)\n",
              bursts.size(), pauses.size(), soft_wall, purge_wall, straddling);
  const auto busy = summarize(busy_us), calm = summarize(calm_us);
  print("claim-next in the cleanup's runs of batches", busy);
  print("claim-next in the pauses between them", calm);
  if (busy.n && calm.n)
    std::printf("claim-next in runs of batches vs the pauses between them: p99 %.2fx, p50 %.2fx\n", busy.p99 / calm.p99,
                busy.p50 / calm.p50);
}

// The broker's work-item gauges from one scrape (-1 each if /metrics did not answer): read from two,
// an actor retired between them is counted in both.
struct item_gauges {
  long actors = -1, idle = -1;
};

item_gauges gauges_of(test::api_client& api) {
  const auto r = api.get("/metrics");
  const auto value = [&](const std::string& name) {
    const std::string key = "\n" + name + " ";
    const auto at = r.raw.find(key);
    return r.status != 200 || at == std::string::npos ? -1L : std::stol(r.raw.substr(at + key.size()));
  };
  return {value("brokkr_work_item_actors"), value("brokkr_work_items_idle")};
}

// A broker rehydrates every live item when it starts: an item with something to time (a claim's
// lease, a retry's backoff) gets a work-item actor, an offered one is retired to its last event id
// (ADR 0066). Its RSS once all are held, less the RSS of the same broker on an empty database, over
// the live items, is the memory per live item (issue 13 goal 5: at most 2 KiB). Then a share of the
// items is claimed in one statement, each claim's notice starts an actor with a lease timer, and
// the RSS growth over those actors is the memory of one actor.
void measure_actor_memory(const test::test_database& db) {
  long live = 0;
  {
    pqxx::connection c{db.url()};
    pqxx::nontransaction n{c};
    live = n.exec1("SELECT count(*) FROM ephemeral_work WHERE status NOT IN ('COMPLETED', 'FAILED_PERMANENT', 'CANCELED')")[0]
               .as<long>();
  }
  const auto key_dir = test::temp_dir("brokkr-scale");
  long idle_rss = 0;
  {
    test::test_database empty;
    test::broker_process b(empty.url(), key_dir + "/empty.key", {});
    b.start();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    idle_rss = test::rss_kib(b.proc().pid());
    b.stop();
  }
  test::broker_process b(db.url(), key_dir + "/admin.key", {});
  auto t0 = clk::now();
  b.start();
  test::api_client api(b.url(), b.admin_key());
  long actors = 0, idle = 0;
  while (clk::now() - t0 < std::chrono::minutes(5)) {
    const auto g = gauges_of(api);
    actors = g.actors;
    idle = g.idle;
    if (actors >= 0 && idle >= 0 && actors + idle >= live) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double up_s = since_us(t0) / 1e6;
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the last reads' buffers go
  const long rss = test::rss_kib(b.proc().pid());
  std::printf("broker holding %ld live items of the %ld in the table (%ld work-item actors, %ld retired; all held "
              "%.1f s after start): RSS %ld KiB, idle broker %ld KiB\n", actors + idle, live, actors, idle, up_s, rss,
              idle_rss);
  if (live > 0)
    std::printf("memory per live item: %.2f KiB (RSS growth / live items)\n",
                static_cast<double>(rss - idle_rss) / static_cast<double>(live));
  const long claims = std::min<long>(20000, idle);
  if (claims > 0) {
    {
      pqxx::connection c{db.url()};
      pqxx::nontransaction n{c};
      n.exec0("UPDATE ephemeral_work SET status = 'CLAIMED', claimed_by = (SELECT id FROM agents LIMIT 1), "
              "lease_seconds = 3600, claim_timeout_seconds = 3600 WHERE id IN (SELECT id FROM ephemeral_work "
              "WHERE status = 'PENDING' AND deleted_at IS NULL LIMIT " + std::to_string(claims) + ")");
    }
    t0 = clk::now();
    long now_actors = 0;
    while (clk::now() - t0 < std::chrono::minutes(2)) {
      now_actors = gauges_of(api).actors;
      if (now_actors >= claims) break;  // the actors already up may have ended meanwhile
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const long rss2 = test::rss_kib(b.proc().pid());
    std::printf("%ld items claimed in one statement: %ld work-item actors %.1f s later, RSS %ld KiB\n", claims,
                now_actors, since_us(t0) / 1e6, rss2);
    if (now_actors > actors)
      std::printf("memory per work-item actor (claimed, lease timer armed): %.2f KiB (RSS growth / new actors)\n",
                  static_cast<double>(rss2 - rss) / static_cast<double>(now_actors - actors));
  }
  b.stop();
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::stoi(argv[i + 1]);
    if (a == "--agents") agents_n = v;
    else if (a == "--finished") finished_n = v;
    else if (a == "--live") live_n = v;
    else if (a == "--samples") samples = v;
    else if (a == "--cleanup-batch") cleanup_batch = v;
    else if (a == "--cleanup-pause-ms") cleanup_pause_ms = v;
    else if (a == "--only-cleanup") only_cleanup = v != 0;
    else if (a == "--quiet-seconds") quiet_seconds = v;
    else if (a == "--cleanup-turn-seconds") cleanup_turn_seconds = v;
    else if (a == "--cleanup-max-batches") cleanup_max_batches = v;
  }
  test::test_database db;
  auto conn = db.connect();
  load(conn->raw());
  const auto ids = agent_ids(conn->raw());
  persistence::ephemeral_work_repository work{*conn};
  std::mt19937 rng(42);
  measure_pending(work, ids, rng);  // warm the cache once
  print("pending for a random agent (limit 100)", measure_pending(work, ids, rng));
  const auto quiet = measure_claims(work, ids, rng, samples);
  print("claim-next for a random agent (then complete it)", quiet);
  if (!only_cleanup) {
    measure_wide_submit(work, conn->raw());
    measure_agent_changes(*conn);
  }
  measure_cleanup(db, ids, quiet);
  if (!only_cleanup) measure_actor_memory(db);
  return 0;
}
