// Pickup latency over CAF push (issue 13 goal 3): a real brokkr-broker, one agent connected over
// CAF whose link actor claims each item the moment it is told about it, and N items submitted over
// HTTP one after another (the next once the previous is claimed, so each pickup is measured on a
// quiet queue). The figure is created_at -> claimed_at on the database's clock; the client's own
// clock splits it into hops. Prints figures, asserts nothing (docs/benchmarks.md).
//   bench_pickup [--items N]     needs BROKKR_TEST_DATABASE_URL (scripts/bench --pickup starts one)
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "actors/client.hpp"
#include "actors/type_ids.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using clock_type = std::chrono::steady_clock;

namespace {

struct pickup {
  clock_type::time_point submitted;  // the POST answered
  clock_type::time_point pushed;     // `available` reached the agent's link actor
  clock_type::time_point claimed;    // the claim's reply reached it
  bool ok = false;
};

// The agent's side: its link actor claims on every push, and the timings land here.
struct claimer_state {
  std::mutex m;
  std::condition_variable cv;
  agent_session_actor session;
  session_token token;
  bool ready = false;
  std::map<std::string, pickup> seen;

  void record(const std::string& id, clock_type::time_point pushed, bool ok) {
    std::lock_guard<std::mutex> g(m);
    auto& p = seen[id];
    p.pushed = pushed;
    p.claimed = clock_type::now();
    p.ok = ok;
    cv.notify_all();
  }
  bool wait_claimed(const std::string& id, std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> g(m);
    return cv.wait_for(g, timeout, [&] { return seen.count(id) && seen[id].claimed != clock_type::time_point{}; });
  }
};

agent_link_actor::behavior_type claimer(agent_link_actor::pointer self, std::shared_ptr<claimer_state> st) {
  return {
      [self, st](available_atom, const std::string& id) {
        const auto pushed = clock_type::now();
        if (id.empty()) return;
        agent_session_actor session;
        session_token token;
        {
          std::lock_guard<std::mutex> g(st->m);
          if (!st->ready) return;
          session = st->session;
          token = st->token;
        }
        self->request(session, std::chrono::seconds(10), claim_atom::value, token, id)
            .then([st, id, pushed](const work_item&) { st->record(id, pushed, true); },
                  [st, id, pushed](caf::error&) { st->record(id, pushed, false); });
      },
      [](cancel_atom, const std::string&) {},
      [](logs_atom, const log_stream_request&) {},
  };
}

double ms(clock_type::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void row(const char* name, const std::vector<double>& v) {
  std::printf("  %-52s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms\n", name, percentile(v, 0.5), percentile(v, 0.99),
              percentile(v, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  int items = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--items") items = std::max(1, std::atoi(argv[i + 1]));
  }

  test::test_database db;
  test::broker_process broker(db.url(), test::temp_dir("brokkr-pickup") + "/admin.key", {});
  broker.start();
  test::api_client admin(broker.url(), broker.admin_key());
  auto created = admin.post("/api/v1/agents", {{"name", "pickup"}, {"cluster_name", "bench"}, {"labels", {"gpu"}}});
  if (created.status != 201) {
    std::fprintf(stderr, "agent create: %d %s\n", created.status, created.raw.c_str());
    return 1;
  }
  const std::string key = created.body["key"];

  caf::actor_system_config cfg;
  configure_client(cfg);
  caf::actor_system sys{cfg};
  auto st = std::make_shared<claimer_state>();
  auto link = sys.spawn(claimer, st);
  auto gw = connect_gateway(sys, {.host = "127.0.0.1", .port = broker.caf_port()});
  if (!gw) {
    std::fprintf(stderr, "connect: %s\n", gw.error().c_str());
    return 1;
  }
  auto login = login_agent(sys, *gw, key, link);
  if (!login) {
    std::fprintf(stderr, "login: %s\n", login.error().c_str());
    return 1;
  }
  {
    std::lock_guard<std::mutex> g(st->m);
    st->session = login->session;
    st->token = login->token;
    st->ready = true;
  }

  const nlohmann::json body = {{"work_type", "shipwright-build"},
                               {"crd_spec", test::sample_build_spec()},
                               {"targets", {{"labels", {"gpu"}}}}};
  std::vector<std::string> ids;
  // A few warm-up items first: the broker's first jobs open connections and prepare statements.
  for (int i = 0; i < items + 20; ++i) {
    auto r = admin.post("/api/v1/ephemeral-work", body);
    const auto answered = clock_type::now();
    if (r.status != 201) {
      std::fprintf(stderr, "submit: %d %s\n", r.status, r.raw.c_str());
      return 1;
    }
    const std::string id = r.body["id"];
    {
      std::lock_guard<std::mutex> g(st->m);
      st->seen[id].submitted = answered;
    }
    if (!st->wait_claimed(id, std::chrono::seconds(10))) {
      std::fprintf(stderr, "item %s was not pushed and claimed within 10 s\n", id.c_str());
      return 1;
    }
    if (i >= 20) ids.push_back(id);
  }

  pqxx::connection c{db.url()};
  pqxx::nontransaction n{c};
  std::vector<double> db_pickup, post_to_push, push_to_claim, post_to_claim;
  int failed = 0;
  for (const auto& id : ids) {
    const auto r = n.exec_params1(
        "SELECT extract(epoch FROM claimed_at - created_at) * 1000 FROM ephemeral_work WHERE id = $1", id);
    db_pickup.push_back(r[0].as<double>());
    std::lock_guard<std::mutex> g(st->m);
    const auto& p = st->seen[id];
    if (!p.ok) ++failed;
    post_to_push.push_back(ms(p.pushed - p.submitted));
    push_to_claim.push_back(ms(p.claimed - p.pushed));
    post_to_claim.push_back(ms(p.claimed - p.submitted));
  }
  std::printf("pickup over CAF push, %zu items one at a time (1 agent, claim on push), %d claims refused\n",
              ids.size(), failed);
  row("created_at -> claimed_at (database clock)", db_pickup);
  row("POST answered -> push at the agent (client clock)", post_to_push);
  row("push at the agent -> claim reply (client clock)", push_to_claim);
  row("POST answered -> claim reply (client clock)", post_to_claim);
  caf::anon_send_exit(link, caf::exit_reason::user_shutdown);
  return 0;
}
