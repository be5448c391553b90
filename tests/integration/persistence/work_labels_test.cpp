// Work items' own labels (selectors on list) and retry, against the real schema (migration 0011).
#include <random>
#include <set>

#include "k8s/selector.hpp"
#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

std::set<std::string> listed(ephemeral_work_repository& repo, const std::string& selector) {
  work_list_params p;
  p.label_selector = selector;
  p.limit = 500;
  auto page = repo.list(p);
  BOOST_REQUIRE_MESSAGE(page, selector << ": " << (page ? "" : page.error().message));
  std::set<std::string> ids;
  for (const auto& w : page->items) ids.insert(w.id);
  return ids;
}

work_item labelled(ephemeral_work_repository& repo, const std::string& agent, std::map<std::string, std::string> labels) {
  auto req = test::make_request({.agent_ids = {agent}});
  req.labels = std::move(labels);
  auto res = repo.create(req);
  BOOST_REQUIRE(res);
  return res->item;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(work_labels, db_fixture)

BOOST_AUTO_TEST_CASE(labels_are_stored_returned_and_selected) {
  const auto a = test::make_agent(agents);
  const auto web = labelled(work, a.id, {{"team", "web"}, {"tier", "front"}, {"example.com/release", "1.4"}});
  const auto db = labelled(work, a.id, {{"team", "data"}, {"tier", "db"}});
  const auto bare = labelled(work, a.id, {});
  BOOST_TEST((work.get(web.id)->labels == web.labels));
  BOOST_TEST(work.get(bare.id)->labels.empty());

  using ids = std::set<std::string>;
  BOOST_TEST((listed(work, "team=web") == ids{web.id}));
  BOOST_TEST((listed(work, "team==data") == ids{db.id}));
  BOOST_TEST((listed(work, "team!=web") == ids{db.id, bare.id}));  // an absent key satisfies !=
  BOOST_TEST((listed(work, "tier in (front, db)") == ids{web.id, db.id}));
  BOOST_TEST((listed(work, "tier notin (db)") == ids{web.id, bare.id}));
  BOOST_TEST((listed(work, "team") == ids{web.id, db.id}));
  BOOST_TEST((listed(work, "!team") == ids{bare.id}));
  BOOST_TEST((listed(work, "team=web,tier=db").empty()));
  BOOST_TEST((listed(work, "example.com/release=1.4,team") == ids{web.id}));
  BOOST_TEST((listed(work, "") == ids{web.id, db.id, bare.id}));
}

BOOST_AUTO_TEST_CASE(bad_selectors_and_labels_are_refused_by_name) {
  work_list_params p;
  for (const char* bad : {"=web", "a b=c", "team=web,", "t\x01=x", "t=\xc3\xa9"}) {
    p.label_selector = bad;
    auto page = work.list(p);
    BOOST_REQUIRE_MESSAGE(!page, "accepted: " << bad);
    BOOST_TEST(page.error().code == db_errc::invalid_argument);
    BOOST_TEST(page.error().field == "labelSelector");
  }
  const auto a = test::make_agent(agents);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"-team", "web"}, {"team", "web!"}, {"Bad_Prefix/x", "y"}, {"x", std::string(64, 'v')}, {"", "v"}}) {
    auto req = test::make_request({.agent_ids = {a.id}});
    req.labels = {{key, value}};
    auto res = work.create(req);
    BOOST_REQUIRE_MESSAGE(!res, "accepted label " << key << "=" << value);
    BOOST_TEST(res.error().field == "labels." + key);
  }
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
}

// The SQL function and the Kubernetes selector code must agree on every operator: random labels on
// 60 items, 300 random selectors, compared item by item.
BOOST_AUTO_TEST_CASE(sql_selection_agrees_with_the_kubernetes_selector) {
  const auto a = test::make_agent(agents);
  std::mt19937 rng(4711);
  const std::vector<std::string> keys = {"team", "tier", "env", "x.io/app"}, values = {"a", "b", "c", ""};
  auto pick = [&rng](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  std::vector<work_item> items;
  for (int i = 0; i < 60; ++i) {
    std::map<std::string, std::string> labels;
    for (const auto& k : keys)
      if (rng() % 2) labels[k] = pick(values);
    items.push_back(labelled(work, a.id, labels));
  }
  int nonempty = 0;
  for (int s = 0; s < 300; ++s) {
    std::string text;
    const int terms = 1 + static_cast<int>(rng() % 3);
    for (int t = 0; t < terms; ++t) {
      const auto k = pick(keys);
      std::string term;
      switch (rng() % 6) {
        case 0: term = k + "=" + pick(values); break;
        case 1: term = k + "!=" + pick(values); break;
        case 2: term = k + " in (" + pick(values) + "," + pick(values) + ")"; break;
        case 3: term = k + " notin (" + pick(values) + ")"; break;
        case 4: term = k; break;
        default: term = "!" + k; break;
      }
      text += (text.empty() ? "" : ",") + term;
    }
    const auto sel = k8s::label_selector::parse(text);
    BOOST_REQUIRE_MESSAGE(sel, text);
    std::set<std::string> expected;
    for (const auto& w : items)
      if (sel->matches(w.labels)) expected.insert(w.id);
    BOOST_TEST((listed(work, text) == expected), text);
    if (!expected.empty()) ++nonempty;
  }
  BOOST_TEST(nonempty > 100);  // the random selectors did select items
}

BOOST_AUTO_TEST_CASE(retry_makes_a_linked_copy_of_a_failed_or_canceled_item) {
  const auto a = test::make_agent(agents, {.labels = {"gpu"}});
  auto req = test::make_request({.labels = {"gpu"}, .max_retries = 0, .priority = 7});
  req.labels = {{"team", "web"}};
  req.idempotency_key = "release-1";
  auto original = work.create(req);
  BOOST_REQUIRE(original);
  const auto id = original->item.id;

  // Not finished, or finished well: nothing to retry, nothing written.
  auto early = work.retry(id);
  BOOST_REQUIRE(!early);
  BOOST_TEST(early.error().code == db_errc::conflict);
  BOOST_TEST(early.error().message.find("PENDING") != std::string::npos);

  auto claimed = work.claim(id, a.id);
  BOOST_REQUIRE(claimed);
  completion_report r;
  r.work_id = id;
  r.agent_id = a.id;
  r.attempt = claimed->attempt;
  r.outcome = work_outcome::failed_permanent;
  r.failure_reason = "GitError";
  BOOST_REQUIRE(work.complete(r));

  auto again = work.retry(id);
  BOOST_REQUIRE(again);
  const auto& n = again->item;
  BOOST_TEST(n.id != id);
  BOOST_TEST(n.retry_of == id);
  BOOST_TEST(n.status == work_status::pending);
  BOOST_TEST(n.attempt == 0);
  BOOST_TEST(n.crd_spec == original->item.crd_spec);
  BOOST_TEST(n.targets.labels == std::vector<std::string>{"gpu"});
  BOOST_TEST(n.target_agents == std::vector<std::string>{a.id});
  BOOST_TEST(n.priority == 7);
  BOOST_TEST(n.max_retries == 0);
  BOOST_TEST((n.labels == req.labels));
  BOOST_TEST(n.idempotency_key.empty());  // the key stays with the original
  BOOST_TEST(work.get(id)->status == work_status::failed_permanent);
  BOOST_TEST(work.get(n.id)->retry_of == id);

  // A canceled item can be retried too; a retry of a retry links to its own original.
  BOOST_REQUIRE(work.cancel(n.id));
  auto third = work.retry(n.id);
  BOOST_REQUIRE(third);
  BOOST_TEST(third->item.retry_of == n.id);

  auto missing = work.retry("00000000-0000-0000-0000-000000000000");
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error().code == db_errc::not_found);
}

BOOST_AUTO_TEST_SUITE_END()
