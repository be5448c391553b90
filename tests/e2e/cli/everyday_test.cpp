// The everyday commands of issue 14 item 4 against a live broker: work labels and selectors
// (submit --work-label, list -l, cancel -l), work retry, work logs, list -w, and agent names beside ids.
#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

std::vector<std::string> ids_of(const json& page) {
  std::vector<std::string> out;
  for (const auto& w : page["items"]) out.push_back(w["id"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_everyday, cli_fixture)

BOOST_AUTO_TEST_CASE(work_labels_select_on_list_and_bulk_cancel) {
  const auto web1 = submit_json("gpu", {"--work-label", "team=web", "--work-label", "release=1.4"});
  const auto web2 = submit_json("gpu", {"--work-label", "team=web,release=1.5"});
  const auto data = submit_json("gpu", {"--work-label", "team=data"});
  BOOST_TEST(web1["labels"] == (json{{"team", "web"}, {"release", "1.4"}}));
  BOOST_TEST(web2["labels"] == (json{{"team", "web"}, {"release", "1.5"}}));
  const auto web1_id = web1["id"].get<std::string>(), web2_id = web2["id"].get<std::string>(),
             data_id = data["id"].get<std::string>();

  BOOST_TEST(ids_of(ok({"work", "list", "-l", "team=web", "-o", "json"}).json()) == sorted({web1_id, web2_id}));
  BOOST_TEST(ids_of(ok({"work", "list", "-l", "release in (1.5),team", "-o", "json"}).json()) ==
             std::vector<std::string>{web2_id});
  BOOST_TEST(ids_of(ok({"work", "list", "--selector", "!release", "-o", "json"}).json()) ==
             std::vector<std::string>{data_id});
  BOOST_TEST(shown(ok({"work", "get", web1_id}).out, "Labels") == "release=1.4,team=web");

  // A malformed selector is the user's error, named.
  auto bad = cli.run({"work", "list", "-l", "team=web,"});
  BOOST_TEST(bad.code == 1);
  BOOST_TEST(has(bad.err, "labelSelector"), bad.err);
  // A malformed label is refused by name and nothing is stored.
  auto bad_label = cli.run({"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", "gpu",
                            "--work-label", "team=web!"});
  BOOST_TEST(bad_label.code == 1);
  BOOST_TEST(has(bad_label.err, "--work-label"), bad_label.err);
  BOOST_TEST(ok({"work", "list", "-o", "json"}).json()["items"].size() == 3u);

  // Bulk cancel: exactly the matching unfinished items.
  auto cancel = ok({"work", "cancel", "-l", "team=web"});
  BOOST_TEST(has(cancel.out, "work " + web1_id + " CANCELED"), cancel.out);
  BOOST_TEST(has(cancel.out, "work " + web2_id + " CANCELED"), cancel.out);
  BOOST_TEST(ok({"work", "get", data_id, "-o", "json"}).json()["status"] == "PENDING");
  BOOST_TEST(has(ok({"work", "cancel", "-l", "team=web"}).out, "no unfinished work item matches team=web"));
  // An ID and a selector together, or neither, is a usage error.
  BOOST_TEST(cli.run({"work", "cancel", data_id, "-l", "team=data"}).code == 2);
  BOOST_TEST(cli.run({"work", "cancel"}).code == 2);
}

BOOST_AUTO_TEST_CASE(retry_submits_a_linked_copy_and_names_the_agent) {
  const auto a = make_agent("east-builder", {"gpu"});
  fake_agent agent(broker.url(), a);
  const auto item = submit_json("gpu", {"--work-label", "team=web", "--max-retries", "0"});
  const auto id = item["id"].get<std::string>();

  auto early = cli.run({"work", "retry", id});
  BOOST_TEST(early.code == 1);
  BOOST_TEST(has(early.err, "only FAILED_PERMANENT or CANCELED items can be retried"), early.err);

  agent.complete(agent.claim(), "FAILED_PERMANENT", {{"failure_reason", "GitError"}});
  // The person reads the agent's name beside its id, in the detail view and the list.
  const auto detail = ok({"work", "get", id}).out;
  BOOST_TEST(shown(detail, "Claimed by") == "east-builder (" + a.id + ")", detail);
  BOOST_TEST(has(ok({"work", "list"}).out, "east-builder"));
  BOOST_TEST(has(ok({"work", "events", id}).out, "agent east-builder (" + a.id + ")"));

  auto retried = ok({"work", "retry", id});
  BOOST_TEST(has(retried.out, "submitted as a retry of " + id + " (PENDING)"), retried.out);
  const auto copy = ok({"work", "list", "-l", "team=web", "--status", "PENDING", "-o", "json"}).json()["items"];
  BOOST_REQUIRE_EQUAL(copy.size(), 1u);
  BOOST_TEST(copy[0]["retry_of"] == id);
  BOOST_TEST(copy[0]["id"] != id);
  BOOST_TEST(shown(ok({"work", "get", copy[0]["id"].get<std::string>()}).out, "Retry of") == id);

  // --wait follows the new item to its end, as submit --wait does.
  const auto copy_id = copy[0]["id"].get<std::string>();
  BOOST_TEST(cli.run({"work", "retry", copy_id}).code == 1);  // still PENDING
  ok({"work", "cancel", copy_id});
  auto waiting = cli.start({"work", "retry", copy_id, "--wait"});
  BOOST_REQUIRE(waiting->err_shows("submitted as a retry of " + copy_id));
  agent.complete(agent.claim(), "COMPLETED");
  const auto third = waiting->finish();
  BOOST_TEST(third.code == 0, third.err);
  BOOST_TEST(has(third.out, "COMPLETED"), third.out);
}

BOOST_AUTO_TEST_CASE(logs_prints_the_stored_tail) {
  const auto a = make_agent("log-builder", {"gpu"});
  fake_agent agent(broker.url(), a);
  const std::string id = submit_json("gpu")["id"];
  auto before = ok({"work", "logs", id});
  BOOST_TEST(before.out.empty());
  BOOST_TEST(has(before.err, "the log tail is stored when the run ends"), before.err);
  agent.complete(agent.claim(), "FAILED_PERMANENT",
                 {{"failure_reason", "Failed"},
                  {"result_details", {{"log_container", "step-build"}, {"log_tail", "STEP 2/3: RUN make\nerror: no rule\n"}}}});
  auto after = ok({"work", "logs", id});
  BOOST_TEST(after.out == "STEP 2/3: RUN make\nerror: no rule\n");
  BOOST_TEST(has(after.err, "log tail of container step-build, attempt 1"), after.err);
  const auto doc = ok({"work", "logs", id, "-o", "json"}).json();
  BOOST_TEST(doc["container"] == "step-build");
  BOOST_TEST(doc["status"] == "FAILED_PERMANENT");
  BOOST_TEST(cli.run({"work", "logs", "00000000-0000-0000-0000-000000000000"}).code == 7);
}

BOOST_AUTO_TEST_CASE(list_watch_prints_a_row_for_each_change) {
  const auto a = make_agent("watch-builder", {"gpu"});
  fake_agent agent(broker.url(), a);
  const auto first = submit_json("gpu", {"--work-label", "watch=yes"});
  auto watch = cli.start({"work", "list", "-w", "--watch-interval", "200ms", "-l", "watch=yes"});
  BOOST_REQUIRE(watch->out_shows(first["id"].get<std::string>()));
  const auto second = submit_json("gpu", {"--work-label", "watch=yes"});
  submit_json("gpu", {"--work-label", "watch=no"});
  BOOST_TEST(watch->out_shows(second["id"].get<std::string>()), watch->out());
  const auto claimed = agent.claim();
  agent.complete(claimed, "COMPLETED");
  BOOST_TEST(watch->out_shows("COMPLETED"), watch->out());
  BOOST_TEST(watch->out_shows("watch-builder"), watch->out());
  const auto out = watch->out();
  // The header once; the unmatched item never.
  BOOST_TEST(std::count(out.begin(), out.end(), '\n') >= 4);
  BOOST_TEST(out.find("ID ") == 0u);
  BOOST_TEST(out.find("ID ", 1) == std::string::npos, out);

  auto json_watch = cli.start({"work", "list", "-w", "--watch-interval", "200ms", "-l", "watch=yes", "-o", "json"});
  BOOST_REQUIRE(json_watch->out_shows("\"retry_of\""));
  ok({"work", "cancel", "-l", "watch=yes"});
  BOOST_TEST(json_watch->out_shows("CANCELED"), json_watch->out());
  std::istringstream lines(json_watch->out());
  for (std::string line; std::getline(lines, line);) BOOST_TEST(json::parse(line).contains("status"), line);

  BOOST_TEST(cli.run({"work", "list", "-w", "--all"}).code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
