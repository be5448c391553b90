// The second work type: apply manifests and wait for a condition (a Job's Complete or Failed).
#include "tests/e2e/agent/fixture.hpp"

using namespace brokkr::test;

namespace {

nlohmann::json job_work(const std::string& name, const std::string& outcome) {
  const std::string spec = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "-settings\ndata:\n  k: v\n---\n"
                           "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
                           "\n  annotations:\n    brokkr.io/wait-for: condition=Complete\n    sim.brokkr.io/duration: 1s\n"
                           "    sim.brokkr.io/outcome: " + outcome +
                           "\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
                           "      - name: migrate\n        image: registry.example.com/migrate:1\n";
  return {{"work_type", "kubernetes-apply"}, {"crd_spec", spec}, {"targets", {{"labels", {"ops"}}}}};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(agent_apply, agent_env)

BOOST_AUTO_TEST_CASE(a_job_that_completes) {
  auto a = agent("ops", {"ops"}, "east");
  a->start();
  const auto id = submit(job_work("migrate", "succeed"));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED"), a->log());
  const auto d = get(id)["result_details"];
  BOOST_TEST(d["condition"]["type"] == "Complete");
  BOOST_TEST(d["applied"].size() == 2u);
  BOOST_TEST(sim("east").client->get(brokkr::k8s::resources::configmaps, "ci", "migrate-settings").has_value());
}

BOOST_AUTO_TEST_CASE(a_job_that_fails) {
  auto a = agent("ops", {"ops"}, "east");
  a->start();
  const auto id = submit(job_work("broken", "fail"));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "FAILED_PERMANENT"), a->log());
  BOOST_TEST(get(id)["result_details"]["condition"]["type"] == "Failed");
}

// The agent writes only where --allowed-namespaces lets it (default: its own namespace).
BOOST_AUTO_TEST_CASE(objects_outside_the_allowed_namespaces_are_refused) {
  auto a = agent("ops", {"ops"}, "east");
  a->start();
  const std::string spec = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: kube-system\ndata:\n  k: v\n";
  const auto id = submit({{"work_type", "kubernetes-apply"}, {"crd_spec", spec}, {"targets", {{"labels", {"ops"}}}}});
  BOOST_REQUIRE_MESSAGE(wait_status(id, "FAILED_PERMANENT"), a->log());
  BOOST_TEST(get(id)["failure_reason"] == "NamespaceNotAllowed");
  BOOST_TEST(!sim("east").client->get(brokkr::k8s::resources::configmaps, "kube-system", "stray").has_value());
}

// An object that exists without this work item's label is someone else's: no force-apply over it,
// and a cancel does not delete it.
BOOST_AUTO_TEST_CASE(objects_this_item_did_not_create_are_left_alone) {
  auto& east = sim("east");
  const nlohmann::json theirs = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                 {"metadata", {{"name", "shared-settings"}, {"namespace", "ci"}}}, {"data", {{"owner", "ops-team"}}}};
  BOOST_REQUIRE(east.client->create(brokkr::k8s::resources::configmaps, "ci", theirs).has_value());
  auto a = agent("ops", {"ops"}, "east", {"--allowed-namespaces", "ci"});
  a->start();
  const std::string spec = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared-settings\ndata:\n  owner: brokkr\n";
  const auto id = submit({{"work_type", "kubernetes-apply"}, {"crd_spec", spec}, {"targets", {{"labels", {"ops"}}}}});
  BOOST_REQUIRE_MESSAGE(wait_status(id, "FAILED_PERMANENT"), a->log());
  BOOST_TEST(get(id)["failure_reason"] == "ObjectNotOwned");
  auto now = east.client->get(brokkr::k8s::resources::configmaps, "ci", "shared-settings");
  BOOST_REQUIRE(now.has_value());
  BOOST_TEST((*now)["data"]["owner"] == "ops-team");
}

BOOST_AUTO_TEST_SUITE_END()
