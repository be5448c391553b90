#include <boost/test/unit_test.hpp>

#include "k8s/condition.hpp"

using namespace brokkr::k8s;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(completion_condition_helper)

BOOST_AUTO_TEST_CASE(job_complete_failed_and_pending) {
  const auto want = job_completion();
  BOOST_TEST((evaluate_condition(json::object(), want).state == condition_state::pending));
  BOOST_TEST((evaluate_condition(json{{"status", {{"active", 1}}}}, want).state == condition_state::pending));
  const json done = {{"status", {{"conditions", {{{"type", "SuccessCriteriaMet"}, {"status", "True"}},
                                                 {{"type", "Complete"}, {"status", "True"}, {"reason", "CompletionsReached"}}}}}}};
  const auto met = evaluate_condition(done, want);
  BOOST_TEST((met.state == condition_state::met));
  BOOST_TEST(met.type == "Complete");
  BOOST_TEST(met.reason == "CompletionsReached");
  const json failed = {{"status", {{"conditions", {{{"type", "Complete"}, {"status", "True"}},
                                                   {{"type", "Failed"}, {"status", "True"}, {"reason", "BackoffLimitExceeded"},
                                                    {"message", "Job has reached the specified backoff limit"}}}}}}};
  const auto f = evaluate_condition(failed, want);  // failure wins when both are present
  BOOST_TEST((f.state == condition_state::failed));
  BOOST_TEST(f.reason == "BackoffLimitExceeded");
  BOOST_TEST(f.message == "Job has reached the specified backoff limit");
  const json not_yet = {{"status", {{"conditions", {{{"type", "Complete"}, {"status", "False"}}}}}}};
  BOOST_TEST((evaluate_condition(not_yet, want).state == condition_state::pending));
}

BOOST_AUTO_TEST_CASE(stale_observed_generation_is_pending) {
  const completion_condition available{{"Available", "True"}, {}};
  json d = {{"metadata", {{"generation", 3}}},
            {"status", {{"observedGeneration", 2}, {"conditions", {{{"type", "Available"}, {"status", "True"}}}}}}};
  BOOST_TEST((evaluate_condition(d, available).state == condition_state::pending));
  d["status"]["observedGeneration"] = 3;
  BOOST_TEST((evaluate_condition(d, available).state == condition_state::met));
  BOOST_TEST((evaluate_condition(json::array(), available).state == condition_state::pending));
  BOOST_TEST((evaluate_condition(json{{"status", {{"conditions", 5}}}}, available).state == condition_state::pending));
}

BOOST_AUTO_TEST_SUITE_END()
