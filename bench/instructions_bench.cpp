// What each step of one lifecycle costs the PostgreSQL backend that runs it, counted in
// instructions (issue 13, ADR 0074): the required writes' and the repositories' (bench/sql_lifecycles.hpp,
// bench/repository_lifecycle.hpp), so that the repositories' cost reads against what the
// requirements cost. Not the floor's: it never drops its target rows, and its claim, planned on
// the empty tables, reads more of them with every lifecycle (31 million instructions per
// lifecycle between the 50th and the 250th in one run), so its count depends on the run's length.
// scripts/bench --instructions starts the server under valgrind (cachegrind, no cache simulation),
// which writes one count per process when it exits; this program runs one kind of lifecycle with
// each step (submit, claim, complete) on its own connection, ends them, and reads their backends'
// counts. Per kind, two sets of connections, to fresh databases, run the same warm-up and then
// `short` and `long` lifecycles: the difference of their counts over the difference of their
// lifecycles is what one lifecycle's step costs, without the connections' start, the first plans
// and the warm-up.
//
// On this machine throughput and CPU time move by 10-25 % between runs of the same code, so a
// change of a few per cent in what the server does cannot be seen in them. The instruction count
// of the same work agreed to 0.03 % in three runs; it is not time (a cache miss or a lock wait costs
// no instructions), so it says what a change removed from this backend's work, and the throughput
// figures say what that was worth under four clients. A backend's count starts with what the
// postmaster ran before forking it; the difference of a step's two backends (short and long run)
// leaves only what the postmaster ran between their forks (a database creation's connections), a
// small bias, the same every run.
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench/repository_lifecycle.hpp"
#include "bench/sql_lifecycles.hpp"
#include "persistence/agent_repository.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;

namespace {

int warmup = 20;
int short_run = 50;
int long_run = 250;

// The instructions valgrind counted for backend `pid` (its file is written when the backend exits).
long long instructions_of(const std::string& dir, int pid) {
  const std::string path = dir + "/cg." + std::to_string(pid) + ".out";
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(path);
    std::string line;
    // The summary is the file's last line: taken only once its newline is there, so that a file
    // still being written is not read short.
    while (std::getline(in, line))
      if (line.rfind("summary:", 0) == 0 && !in.eof()) return std::stoll(line.substr(8));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("no instruction count in " + path + " after 60 s (is the server running under valgrind?)");
}

using step_connections = std::array<persistence::db_connection*, 3>;  // submit, claim, complete
using lifecycle_fn = std::function<bench::lifecycle_result(const std::string& agent)>;

// One of the lifecycles counted: `schema` runs once on a fresh database, `make` builds what runs
// one lifecycle with each step on its own connection, so that each step's backend is counted apart.
struct counted {
  const char* label;
  std::function<void(const test::test_database&)> schema;
  std::function<lifecycle_fn(const step_connections&)> make;
};

using step_counts = std::array<double, 3>;

// Runs warm-up + n lifecycles on three connections to a fresh database; each step's backend's
// instructions.
step_counts lifecycles(const std::string& dir, const counted& what, int n) {
  test::test_database db;
  std::array<int, 3> pids{};
  {
    std::array<std::unique_ptr<persistence::db_connection>, 3> conns;
    for (auto& c : conns) c = db.connect();
    persistence::agent_repository agents{*conns[0]};
    const auto agent = test::make_agent(agents, {.name = "counted"});
    what.schema(db);
    // Statistics of the empty tables: both runs plan alike (bench_queue's rounds analyze tables
    // with history, so their plans may differ from these).
    db.exec("ANALYZE");
    for (size_t i = 0; i < conns.size(); ++i) {
      pids[i] = pqxx::nontransaction{conns[i]->raw()}.exec1("SELECT pg_backend_pid()")[0].as<int>();
      // A file left by an earlier process with the same pid must not be read as this one's.
      std::remove((dir + "/cg." + std::to_string(pids[i]) + ".out").c_str());
    }
    auto run = what.make({conns[0].get(), conns[1].get(), conns[2].get()});
    for (int i = 0; i < warmup + n; ++i)  // one client: the item just submitted is always claimed
      if (run(agent.id) != bench::lifecycle_result::done)
        throw std::runtime_error(std::string(what.label) + ": a lifecycle failed or claimed nothing");
  }
  step_counts counts{};
  for (size_t i = 0; i < pids.size(); ++i) counts[i] = static_cast<double>(instructions_of(dir, pids[i]));
  return counts;
}

// One lifecycle's instructions per step: the difference of a short and a long run over their
// difference.
step_counts per_lifecycle(const std::string& dir, const counted& what) {
  const auto a = lifecycles(dir, what, short_run);
  const auto b = lifecycles(dir, what, long_run);
  step_counts per{};
  for (size_t i = 0; i < per.size(); ++i) per[i] = (b[i] - a[i]) / (long_run - short_run);
  return per;
}

double total(const step_counts& c) { return c[0] + c[1] + c[2]; }

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if ((a == "--counts" || a == "--lifecycles") && i + 1 == argc) throw std::invalid_argument(a + " needs a value");
      if (a == "--counts") dir = argv[++i];
      else if (a == "--lifecycles") long_run = short_run + std::stoi(argv[++i]);
      else throw std::invalid_argument("unknown argument " + a + " (--counts DIR, --lifecycles N)");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_instructions: %s\n", e.what());
    return 2;
  }
  if (dir.empty() || long_run <= short_run) {
    std::fprintf(stderr, "bench_instructions: needs --counts DIR (valgrind's output directory) and --lifecycles N > 0\n");
    return 2;
  }
  try {
    const counted required{"required writes", [](const test::test_database& db) { db.exec(bench::required_schema()); },
                           [](const step_connections& c) -> lifecycle_fn {
                             for (auto* conn : c) bench::prepare_required(conn->raw());
                             return [c](const std::string& agent) {
                               return bench::required_lifecycle(c[0]->raw(), c[1]->raw(), c[2]->raw(), agent);
                             };
                           }};
    const counted repositories{"repositories", [](const test::test_database&) {},
                               [](const step_connections& c) -> lifecycle_fn {
                                 using repo = persistence::ephemeral_work_repository;
                                 auto r = std::make_shared<std::array<repo, 3>>(
                                     std::array<repo, 3>{repo{*c[0]}, repo{*c[1]}, repo{*c[2]}});
                                 return [r](const std::string& agent) {
                                   return bench::repository_lifecycle((*r)[0], (*r)[1], (*r)[2], agent);
                                 };
                               }};
    const auto req = per_lifecycle(dir, required);
    const auto rep = per_lifecycle(dir, repositories);
    std::printf("PostgreSQL backend instructions per lifecycle (one client; each step on its own connection;\n"
                "the difference of %d and %d lifecycles, each after %d unmeasured):\n",
                long_run, short_run, warmup);
    std::printf("                       submit      claim   complete      total\n");
    std::printf("  required writes  %10.0f %10.0f %10.0f %10.0f\n", req[0], req[1], req[2], total(req));
    std::printf("  repositories     %10.0f %10.0f %10.0f %10.0f\n", rep[0], rep[1], rep[2], total(rep));
    std::printf("  ratio            %9.2fx %9.2fx %9.2fx %9.2fx  (repositories over the required writes)\n",
                rep[0] / req[0], rep[1] / req[1], rep[2] / req[2], total(rep) / total(req));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_instructions: %s\n", e.what());
    return 1;
  }
  return 0;
}
