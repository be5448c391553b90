// The kubernetes-apply handler's paths after the apply (agent_node/handlers/kubernetes_apply.cpp)
// under CAF's deterministic scheduler: the condition met or failed, the object deleted under it,
// the watch budget, and cancel (deleting what it owns, leaving what it does not). A scripted
// Kubernetes pool answers by job name; a fake informer hub and sink record what the handler sends.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent_node/handlers/kubernetes_apply.hpp"
#include "tests/support/deterministic_actors.hpp"

using namespace brokkr;
using namespace brokkr::agent;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct cluster_script {
  std::vector<std::string> asked;
  std::map<std::string, k8s::api_status> fail;  // job name -> the error it answers with
  caf::actor observer;                          // the handler, once it asked to observe
  std::vector<completion_report> reports;
};

k8s_pool_actor fake_pool(caf::actor_system& sys, std::shared_ptr<cluster_script> s) {
  return sys.spawn([s]() -> k8s_pool_actor::behavior_type {
    return {[s](run_atom, k8s_job& j) -> k8s_reply {
      s->asked.push_back(j.name);
      if (auto f = s->fail.find(j.name); f != s->fail.end()) return {nullptr, f->second};
      if (j.name == "apply") return {std::make_shared<int>(1), std::nullopt};
      return {std::make_shared<json>(json::object()), std::nullopt};
    }};
  });
}

informer_hub_actor fake_hub(caf::actor_system& sys, std::shared_ptr<cluster_script> s) {
  return sys.spawn([s]() -> informer_hub_actor::behavior_type {
    return {
        [s](observe_atom, watch_target&, caf::actor& who) { s->observer = who; },
        [](informer_update&) {},
    };
  });
}

handler_sink_actor fake_sink(caf::actor_system& sys, std::shared_ptr<cluster_script> s) {
  return sys.spawn([s]() -> handler_sink_actor::behavior_type {
    return {[s](done_atom, completion_report& r) { s->reports.push_back(r); }};
  });
}

const char* job_spec =
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n"
    "  annotations: {brokkr.io/wait-for: condition=Complete}\nspec: {template: {}}\n";

json job_with_condition(const std::string& type) {
  return {{"metadata", {{"name", "migrate"}}},
          {"status", {{"conditions", json::array({{{"type", type}, {"status", "True"}, {"reason", "R"}, {"message", "m"}}})}}}};
}

struct fixture {
  test::deterministic_system ds;
  std::shared_ptr<cluster_script> cluster = std::make_shared<cluster_script>();
  handler_actor h;

  void start(const std::string& spec = job_spec) {
    handler_context ctx;
    ctx.k8s = fake_pool(ds.sys(), cluster);
    ctx.informers = fake_hub(ds.sys(), cluster);
    ctx.dispatcher = fake_sink(ds.sys(), cluster);
    ctx.default_namespace = "work";
    work_item w;
    w.id = "w1";
    w.work_type = "kubernetes-apply";
    w.crd_spec = spec;
    w.attempt = 2;
    w.claim_timeout_seconds = 600;
    h = spawn_kubernetes_apply(ds.sys(), ctx, w);
    ds.run();
  }
  void see(const json* object) {
    caf::anon_send(cluster->observer, observed{"migrate", object ? std::make_shared<const json>(*object) : nullptr});
    ds.run();
  }
  const completion_report& the_report() const {
    BOOST_REQUIRE_EQUAL(cluster->reports.size(), 1u);
    return cluster->reports.front();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(apply_handler, fixture)

BOOST_AUTO_TEST_CASE(the_condition_met_completes_the_attempt_it_was_claimed_with) {
  start();
  BOOST_TEST(cluster->asked == (std::vector<std::string>{"apply"}), boost::test_tools::per_element());
  BOOST_REQUIRE(static_cast<bool>(cluster->observer));
  const auto pending = json{{"metadata", {{"name", "migrate"}}}, {"status", json::object()}};
  see(&pending);
  BOOST_TEST(cluster->reports.empty());
  const auto done = job_with_condition("Complete");
  see(&done);
  BOOST_TEST((the_report().outcome == work_outcome::completed));
  BOOST_TEST(the_report().attempt == 2);
  BOOST_TEST(json::parse(the_report().result_details)["condition"]["type"] == "Complete");
}

BOOST_AUTO_TEST_CASE(the_failure_condition_fails_it_permanently) {
  start();
  const auto failed = job_with_condition("Failed");
  see(&failed);
  BOOST_TEST((the_report().outcome == work_outcome::failed_permanent));
  BOOST_TEST(the_report().failure_reason == "R");
}

BOOST_AUTO_TEST_CASE(an_object_deleted_while_waited_on_is_retryable_but_one_not_yet_listed_is_not) {
  start();
  see(nullptr);  // the informer has not seen it yet
  BOOST_TEST(cluster->reports.empty());
  const auto running = json{{"metadata", {{"name", "migrate"}}}};
  see(&running);
  see(nullptr);
  BOOST_TEST((the_report().outcome == work_outcome::failed_retryable));
  BOOST_TEST(the_report().failure_reason == "ObjectDeleted");
}

BOOST_AUTO_TEST_CASE(the_watch_budget_ends_the_wait) {
  start();
  ds.advance(569s);  // 600 s claim timeout less a 30 s margin
  BOOST_TEST(cluster->reports.empty());
  ds.advance(1s);
  BOOST_TEST((the_report().outcome == work_outcome::failed_retryable));
  BOOST_TEST(the_report().failure_reason == "WaitBudgetExceeded");
}

BOOST_AUTO_TEST_CASE(cancel_deletes_what_it_waits_on_and_reports_canceled_once) {
  start();
  caf::anon_send(h, cancel_atom::value);
  caf::anon_send(h, cancel_atom::value);  // a repeated cancel changes nothing
  ds.run();
  BOOST_TEST(cluster->asked == (std::vector<std::string>{"apply", "delete"}), boost::test_tools::per_element());
  BOOST_TEST((the_report().outcome == work_outcome::canceled));
  BOOST_TEST(the_report().result_message == "deleted Job migrate");
}

BOOST_AUTO_TEST_CASE(cancel_leaves_an_object_it_does_not_own_in_place) {
  cluster->fail["delete"] = k8s::api_status{
      .code = 403, .reason = "ObjectNotOwned", .message = "Job work/migrate exists and was not created by this work item"};
  start();
  caf::anon_send(h, cancel_atom::value);
  ds.run();
  BOOST_TEST((the_report().outcome == work_outcome::canceled));
  BOOST_TEST(the_report().result_message.find("left in place") != std::string::npos, the_report().result_message);
}

BOOST_AUTO_TEST_CASE(a_spec_without_a_wait_completes_when_applied) {
  start("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n");
  BOOST_TEST((the_report().outcome == work_outcome::completed));
  BOOST_TEST(the_report().result_message == "applied 1 objects");
}

BOOST_AUTO_TEST_CASE(a_refused_apply_is_classified_from_its_status) {
  cluster->fail["apply"] = k8s::api_status{.code = 403, .reason = "Forbidden", .message = "jobs.batch is forbidden"};
  start();
  BOOST_TEST((the_report().outcome == work_outcome::failed_permanent));
  BOOST_TEST(!static_cast<bool>(cluster->observer));
}

BOOST_AUTO_TEST_SUITE_END()
