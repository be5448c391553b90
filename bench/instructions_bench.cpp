// What one lifecycle through the repositories costs the PostgreSQL backend that runs it, counted in
// instructions (issue 13, ADR 0074). scripts/bench --instructions starts the server under valgrind
// (cachegrind, no cache simulation), which writes one count per process when it exits; this program
// runs the repositories' submit, claim_next and complete on one connection, ends it, and reads its
// backend's count. Two connections, to fresh databases, run the same warm-up and then `short` and
// `long` lifecycles: the difference of their counts over the difference of their lifecycles is what
// one lifecycle costs, without the connection's start, the first plans and the warm-up.
//
// On this machine throughput and CPU time move by 10-25 % between runs of the same code, so a
// change of a few per cent in what the server does cannot be seen in them. The instruction count
// of the same work agreed to 0.03 % in three runs; it is not time (a cache miss or a lock wait costs
// no instructions), so it says what a change removed from this backend's work, and the throughput
// figures say what that was worth under four clients. A backend's count starts with what the
// postmaster ran before forking it; the two backends' difference leaves only what the postmaster
// ran between their forks (a database creation's connections), a small bias, the same every run.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench/repository_lifecycle.hpp"
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

// Runs warm-up + n lifecycles on one connection to a fresh database; the backend's instructions.
long long lifecycles(const std::string& dir, int n) {
  test::test_database db;
  int pid = 0;
  {
    auto conn = db.connect();
    persistence::agent_repository agents{*conn};
    persistence::ephemeral_work_repository work{*conn};
    const auto agent = test::make_agent(agents, {.name = "counted"});
    // Statistics of the empty tables: both runs plan alike (bench_queue's rounds analyze tables
    // with history, so their plans may differ from these).
    db.exec("ANALYZE");
    pid = pqxx::nontransaction{conn->raw()}.exec1("SELECT pg_backend_pid()")[0].as<int>();
    // A file left by an earlier process with the same pid must not be read as this one's.
    std::remove((dir + "/cg." + std::to_string(pid) + ".out").c_str());
    for (int i = 0; i < warmup + n; ++i)  // one client: the item just submitted is always claimed
      if (bench::repository_lifecycle(work, agent.id) != bench::lifecycle_result::done)
        throw std::runtime_error("a lifecycle failed or claimed nothing");
  }
  return instructions_of(dir, pid);
}

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
    const long long a = lifecycles(dir, short_run);
    const long long b = lifecycles(dir, long_run);
    const double per = static_cast<double>(b - a) / (long_run - short_run);
    std::printf("repositories (create, claim_next, complete; one client), PostgreSQL backend instructions per lifecycle: %.0f\n",
                per);
    std::printf("    %lld instructions for %d lifecycles, %lld for %d (each after %d unmeasured)\n", a, short_run, b,
                long_run, warmup);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_instructions: %s\n", e.what());
    return 1;
  }
  return 0;
}
