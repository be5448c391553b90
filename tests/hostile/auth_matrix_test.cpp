// The auth matrix: every route of the API (the router's table, checked against it) against every
// kind of caller: no key, a malformed key, an unknown key, an admin, the agent a resource belongs
// to, and another agent. Each refusal changes nothing.
#include <boost/test/data/test_case.hpp>

#include <set>
#include <thread>

#include "broker_node/http/router.hpp"
#include "tests/hostile/hostile.hpp"

using namespace brokkr::test;
using namespace brokkr::test::hostile;
using nlohmann::json;
namespace bdata = boost::unit_test::data;

namespace {

enum class role { anonymous, malformed_key, unknown_key, admin, owner, other_agent };
const char* role_name(role r) {
  switch (r) {
    case role::anonymous: return "anonymous";
    case role::malformed_key: return "malformed_key";
    case role::unknown_key: return "unknown_key";
    case role::admin: return "admin";
    case role::owner: return "owner";
    case role::other_agent: return "other_agent";
  }
  return "?";
}

// What a role may expect from a route: allowed (neither 401 nor 403), forbidden (403), refused (403
// or 409: a guard, not the caller's rights, stops it), or unauthenticated (401).
enum class expect { allowed, forbidden, refused, unauthenticated };

struct route_case {
  std::string method;
  std::string pattern;  // as in the router; {id} filled per route below
  std::string path;     // {item} pending, targeted at A only; {held} claimed by A; {a} A's id; {c} a scratch agent
  std::string body;
  bool open = false;
  bool admin_only = false;
  expect other = expect::forbidden;
};

std::vector<route_case> routes() {
  const std::string w = "/api/v1/ephemeral-work", a = "/api/v1/agents";
  const std::string report = R"({"attempt":1,"outcome":"COMPLETED"})";
  return {
      {"POST", w, w, "{submit}", false, true},
      {"GET", w, w, "", false, false, expect::allowed},
      {"GET", w + "/{id}", w + "/{item}", ""},
      {"DELETE", w + "/{id}", w + "/{item}", "", false, true},
      {"POST", w + "/{id}/retry", w + "/{item}/retry", "", false, true},
      {"POST", w + "/{id}/claim", w + "/{item}/claim", "{}"},
      {"POST", w + "/{id}/heartbeat", w + "/{held}/heartbeat", R"({"attempt":1})", false, false, expect::refused},
      {"POST", w + "/{id}/complete", w + "/{held}/complete", report},
      {"GET", w + "/{id}/events", w + "/{item}/events", ""},
      {"GET", w + "/{id}/logs", w + "/{item}/logs", ""},
      {"POST", w + "/{id}/logs", w + "/{held}/logs", R"({"generation":1,"offset":0,"text_base64":""})", false, false,
       expect::refused},
      {"GET", a + "/{id}/ephemeral-work/pending", a + "/{a}/ephemeral-work/pending", ""},
      {"POST", a + "/{id}/ephemeral-work/claim-next", a + "/{a}/ephemeral-work/claim-next", "{}"},
      {"POST", a + "/{id}/ephemeral-work/complete", a + "/{a}/ephemeral-work/complete",
       R"({"reports":[{"id":"{held}","attempt":1,"outcome":"COMPLETED"}]})"},
      {"GET", a + "/{id}/ephemeral-work/claimed", a + "/{a}/ephemeral-work/claimed", ""},
      {"GET", "/api/v1/whoami", "/api/v1/whoami", "", false, false, expect::allowed},
      {"GET", "/api/v1/summary", "/api/v1/summary", "", false, true},
      {"GET", "/api/v1/events", "/api/v1/events", "", false, true},
      {"POST", a, a, R"({"name":"matrix-{n}","cluster_name":"m"})", false, true},
      {"GET", a, a, "", false, true},
      {"GET", a + "/{id}", a + "/{a}", ""},
      {"PATCH", a + "/{id}", a + "/{c}", R"({"status":"ACTIVE"})", false, true},
      {"DELETE", a + "/{id}", a + "/{c}", "", false, true},
      {"POST", a + "/{id}/heartbeat", a + "/{a}/heartbeat", ""},
      {"POST", a + "/{id}/rotate-key", a + "/{c}/rotate-key", "", false, false},
      {"PUT", a + "/{id}/labels", a + "/{c}/labels", R"({"labels":["x"]})", false, true},
      {"POST", a + "/{id}/labels", a + "/{c}/labels", R"({"labels":["y"]})", false, true},
      {"DELETE", a + "/{id}/labels/{label}", a + "/{c}/labels/x", "", false, true},
      {"PUT", a + "/{id}/annotations", a + "/{c}/annotations", R"({"annotations":{"k":"v"}})", false, true},
      {"POST", a + "/{id}/annotations", a + "/{c}/annotations", R"({"annotations":{"j":"w"}})", false, true},
      {"DELETE", a + "/{id}/annotations/{key}", a + "/{c}/annotations/k", "", false, true},
      {"GET", "/healthz", "/healthz", "", true},
      {"GET", "/readyz", "/readyz", "", true},
      {"GET", "/version", "/version", "", true},
      {"GET", "/metrics", "/metrics", "", true},
      {"GET", "/openapi.yaml", "/openapi.yaml", "", true},
      {"GET", "/ui", "/ui", "", true},
      {"GET", "/ui/", "/ui/", "", true},
      {"GET", "/ui/{file}", "/ui/console.js", "", true},
  };
}

struct matrix_case {
  route_case route;
  role as;
};

std::ostream& operator<<(std::ostream& os, const matrix_case& c) {
  return os << c.route.method << " " << c.route.pattern << " as " << role_name(c.as);
}

std::vector<matrix_case> matrix() {
  std::vector<matrix_case> out;
  for (const auto& r : routes())
    for (auto as : {role::anonymous, role::malformed_key, role::unknown_key, role::admin, role::owner, role::other_agent})
      out.push_back({r, as});
  return out;
}

expect expected(const matrix_case& c) {
  const auto& r = c.route;
  if (r.open) return expect::allowed;
  switch (c.as) {
    case role::anonymous:
    case role::malformed_key:
    case role::unknown_key: return expect::unauthenticated;
    case role::admin: return expect::allowed;
    case role::owner: return r.admin_only || r.path.find("{c}") != std::string::npos ? expect::forbidden : expect::allowed;
    case role::other_agent: return r.admin_only ? expect::forbidden : r.other;
  }
  return expect::allowed;
}

bool meets(int status, expect e) {
  switch (e) {
    case expect::allowed: return status != 401 && status != 403 && status > 0 && status < 500;
    case expect::forbidden: return status == 403;
    case expect::refused: return status == 403 || status == 409;
    case expect::unauthenticated: return status == 401;
  }
  return false;
}

int counter = 0;

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_matrix)

// The table above is the router's: a route added without a matrix row fails here.
BOOST_AUTO_TEST_CASE(the_matrix_covers_every_route) {
  std::set<std::string> covered;
  for (const auto& r : routes()) covered.insert(r.method + " " + r.pattern);
  for (const auto& r : brokkr::broker::http::all_routes())
    BOOST_TEST(covered.count(r.method + " " + r.pattern) == 1u, r.method << " " << r.pattern << " has no matrix row");
  BOOST_TEST(covered.size() == brokkr::broker::http::all_routes().size());
}

BOOST_DATA_TEST_CASE(route_by_role, bdata::make(matrix()), c) {
  auto& s = suite_broker::get();
  auto admin = s.admin();
  // Fresh resources per case: an item targeted at A only, an item A holds, a scratch agent.
  const auto n = std::to_string(++counter);
  auto spec = json::parse(work_body({"hostile"}));
  spec["targets"] = {{"agent_ids", {s.agent_a().id}}};
  auto only_a = admin.post("/api/v1/ephemeral-work", spec);
  BOOST_REQUIRE(only_a.status == 201);
  const std::string item = only_a.body["id"];
  const auto held = s.claimed_item();
  auto scratch = admin.post("/api/v1/agents", {{"name", "scratch-" + n}, {"cluster_name", "m"}});
  BOOST_REQUIRE(scratch.status == 201);
  const std::string c_id = scratch.body["agent"]["id"];
  auto fill = [&](std::string text) {
    for (const auto& [tag, v] : {std::pair<std::string, std::string>{"{item}", item}, {"{held}", held}, {"{a}", s.agent_a().id},
                                 {"{c}", c_id}, {"{n}", n}, {"{submit}", work_body({"hostile"})}})
      for (auto p = text.find(tag); p != std::string::npos; p = text.find(tag)) text.replace(p, tag.size(), v);
    return text;
  };
  std::string key;
  switch (c.as) {
    case role::anonymous: break;
    case role::malformed_key: key = "brokkr_BR%%%_" + std::string(40, '!'); break;
    case role::unknown_key: key = "brokkr_BRaaaaaaaaaaaa_" + std::string(40, 'b'); break;
    case role::admin: key = s.admin_key(); break;
    case role::owner: key = s.agent_a().key; break;
    case role::other_agent: key = s.agent_b().key; break;
  }
  api_client client(s.url(), key);
  const auto held_before = admin.get("/api/v1/ephemeral-work/" + held).body;
  const auto r = client.call(c.route.method, fill(c.route.path), fill(c.route.body));
  const auto want = expected(c);
  BOOST_TEST(meets(r.status, want), c << ": " << r.status << " " << r.raw.substr(0, 200));
  if (want != expect::allowed) {
    // A refused caller moved nothing.
    const auto held_after = admin.get("/api/v1/ephemeral-work/" + held).body;
    BOOST_TEST(held_after["status"] == held_before["status"]);
    BOOST_TEST(held_after["updated_at"] == held_before["updated_at"]);
    BOOST_TEST(admin.get("/api/v1/ephemeral-work/" + item).body["status"] == "PENDING");
  }
  still_serving(c.route.method + " " + c.route.pattern);
}

BOOST_AUTO_TEST_SUITE_END()

// Presence (agents' READY / LAST SEEN) is marked only for the agent whose key checked out: another
// agent naming it in a path, an admin acting on it, and keys that do not verify leave no trace.
BOOST_AUTO_TEST_CASE(presence_cannot_be_claimed_for_another_agent) {
  auto& s = suite_broker::get();
  auto admin = s.admin();
  auto created = admin.post("/api/v1/agents", {{"name", "quiet"}, {"cluster_name", "hostile"}, {"labels", {"hostile"}}});
  BOOST_REQUIRE(created.status == 201);
  const std::string quiet = created.body["agent"]["id"];
  const std::string quiet_key = created.body["key"];
  auto a = s.as(s.agent_a());
  BOOST_TEST(a.get("/api/v1/agents/" + quiet).status == 403);
  BOOST_TEST(a.post("/api/v1/agents/" + quiet + "/heartbeat").status == 403);
  BOOST_TEST(a.post("/api/v1/agents/" + quiet + "/ephemeral-work/claim-next").status == 403);
  BOOST_TEST(admin.get("/api/v1/agents/" + quiet).status == 200);
  // The right key id with a wrong secret, and garbage: 401 before anything is marked.
  const auto forged = quiet_key.substr(0, quiet_key.rfind('_') + 1) + std::string(43, 'A');
  BOOST_TEST(api_client(s.url(), forged).post("/api/v1/agents/" + quiet + "/ephemeral-work/claim-next").status == 401);
  BOOST_TEST(api_client(s.url(), "brokkr_BR\xff\x00x").get("/api/v1/whoami").status == 401);
  // One presence interval (5 s) and a margin: agent A's own calls are written by now, and nothing of quiet's.
  BOOST_REQUIRE(eventually([&] { return admin.get("/api/v1/agents/" + s.agent_a().id).body["connection"]["transport"] == "http"; },
                           std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::seconds(6));
  const auto c = admin.get("/api/v1/agents/" + quiet).body["connection"];
  BOOST_TEST(c["transport"].is_null(), c.dump());
  BOOST_TEST(c["last_seen_at"].is_null(), c.dump());
  BOOST_TEST(c["ready"] == false);
  still_serving("presence of another agent");
}
