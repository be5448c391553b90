// Table views of work items, events and agents: what a person reads, and what --wait ends with.
#include <boost/test/unit_test.hpp>

#include "cli/agent_view.hpp"
#include "cli/work_view.hpp"
#include "common/time.hpp"

using namespace brokkr::cli;
using nlohmann::json;

namespace {

json sample_item() {
  return {{"id", "w-1"},
          {"work_type", "shipwright-build"},
          {"status", "COMPLETED"},
          {"attempt", 2},
          {"retry_count", 1},
          {"max_retries", 3},
          {"claimed_by", "a-1"},
          {"priority", 5},
          {"created_at", "2026-01-01T00:00:00.000Z"},
          {"failure_reason", nullptr},
          {"result_message", "pushed"},
          {"result_details", {{"digest", "sha256:abc"}, {"image", "reg/app:1"}}},
          {"targets", {{"labels", {"gpu", "linux"}}, {"match", "all"}, {"agent_ids", json::array()},
                       {"annotations", {{"zone", "eu"}}}, {"resolved_agent_ids", {"a-1"}}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(views)

BOOST_AUTO_TEST_CASE(progress_line_shows_transition_attempt_agent_and_reason) {
  const json claimed = {{"id", 2}, {"at", "2026-01-01T00:00:01.000Z"}, {"from_status", "PENDING"},
                        {"to_status", "CLAIMED"}, {"agent_id", "a-1"}, {"attempt", 1},
                        {"reason", nullptr}, {"message", nullptr}};
  BOOST_TEST(progress_line(claimed) == "2026-01-01T00:00:01.000Z  PENDING -> CLAIMED  attempt 1  agent a-1");
  const json created = {{"id", 1}, {"at", "T0"}, {"from_status", nullptr}, {"to_status", "PENDING"}, {"attempt", 0}};
  BOOST_TEST(progress_line(created) == "T0  new -> PENDING  attempt 0");
  const json failed = {{"at", "T2"}, {"from_status", "CLAIMED"}, {"to_status", "FAILED_RETRYABLE"}, {"attempt", 1},
                       {"agent_id", "a-1"}, {"reason", "BuildRunTimeout"}, {"message", "took too\nlong"}};
  BOOST_TEST(progress_line(failed) == "T2  CLAIMED -> FAILED_RETRYABLE  attempt 1  agent a-1  BuildRunTimeout: took too long");
}

BOOST_AUTO_TEST_CASE(summary_names_the_digest_or_the_failure) {
  BOOST_TEST(work_summary(sample_item()) == "work w-1 COMPLETED: attempt 2, agent a-1, digest sha256:abc, pushed");
  json failed = sample_item();
  failed["status"] = "FAILED_PERMANENT";
  failed["result_details"] = nullptr;
  failed["failure_reason"] = "RetriesExhausted";
  failed["result_message"] = nullptr;
  BOOST_TEST(work_summary(failed) == "work w-1 FAILED_PERMANENT: attempt 2, agent a-1, RetriesExhausted");
}

BOOST_AUTO_TEST_CASE(detail_and_list) {
  const auto detail = work_detail(sample_item());
  BOOST_TEST(detail.find("Attempt:         2 (retries 1 of 3)\n") != std::string::npos, detail);
  BOOST_TEST(detail.find("Targets:         labels gpu,linux (all); annotations zone=eu\n") != std::string::npos);
  BOOST_TEST(detail.find("Result:          digest=sha256:abc,image=reg/app:1\n") != std::string::npos);
  BOOST_TEST(detail.find("Failure reason") == std::string::npos);  // null fields are left out
  const auto list = work_list_table(json::array({sample_item()}));
  BOOST_TEST(list.find("ID    TYPE               STATUS      ATTEMPT   AGENT") == 0u, list);
  BOOST_TEST(list.find("w-1   shipwright-build   COMPLETED   2         a-1") != std::string::npos, list);
}

BOOST_AUTO_TEST_CASE(agent_views) {
  const auto now = *brokkr::parse_rfc3339("2026-12-06T10:00:00.000Z");
  const json agent = {{"id", "a-1"}, {"name", "gpu-1"}, {"cluster_name", "east"}, {"status", "ACTIVE"},
                      {"labels", {"gpu"}}, {"annotations", {{"zone", "eu"}}}, {"last_heartbeat_at", nullptr},
                      {"connection", {{"ready", true}, {"transport", "caf"}, {"connected", true},
                                      {"last_seen_at", "2026-12-06T09:59:56.500Z"}}}};
  json gone = agent;
  gone["id"] = "a-2";
  gone["connection"] = {{"ready", false}, {"transport", "caf"}, {"connected", false},
                        {"last_seen_at", "2026-12-06T07:00:00.000Z"}};
  json never = agent;
  never["id"] = "a-3";
  never["connection"] = {{"ready", false}, {"transport", nullptr}, {"connected", false}, {"last_seen_at", nullptr}};
  BOOST_TEST(agent_list_table(json::array({agent, gone, never}), now) ==
             "ID    NAME    CLUSTER   STATUS   READY   VIA            LAST SEEN   LABELS\n"
             "a-1   gpu-1   east      ACTIVE   yes     caf            3s ago      gpu\n"
             "a-2   gpu-1   east      ACTIVE   no      caf (closed)   3h ago      gpu\n"
             "a-3   gpu-1   east      ACTIVE   no      -              never       gpu\n");
  const auto detail = agent_detail(agent, now);
  BOOST_TEST(detail.find("Annotations: zone=eu\n") != std::string::npos, detail);
  BOOST_TEST(detail.find("Ready:       yes\n") != std::string::npos, detail);
  BOOST_TEST(detail.find("Last seen:   2026-12-06T09:59:56.500Z (3s ago)\n") != std::string::npos, detail);
  BOOST_TEST(seen_age("2026-12-06T09:30:00Z", now) == "30m ago");
  BOOST_TEST(seen_age("2026-12-01T10:00:00Z", now) == "5d ago");
  BOOST_TEST(seen_age("2026-12-06T10:00:05Z", now) == "0s ago");  // a reader's clock behind the database's
  BOOST_TEST(seen_age(nullptr, now) == "never");
  const auto notice = key_notice("agent gpu-1 created", "brokkr_BRx_y");
  BOOST_TEST(notice.substr(notice.size() - 13) == "brokkr_BRx_y\n");  // the key alone on the last line
  BOOST_TEST(notice.find("shown only this once") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
