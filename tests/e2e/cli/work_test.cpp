// `brokkr work submit|get|list|events|cancel` against a live broker, in every output format.
#include <yaml-cpp/yaml.h>

#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_work, cli_fixture)

BOOST_AUTO_TEST_CASE(submit_and_get_in_every_format) {
  const auto item = submit_json("gpu", {"--priority", "5", "--max-retries", "2", "--ttl", "2h", "--claim-timeout", "600",
                                        "--backoff-base", "10s", "--idempotency-key", "release-1.0",
                                        "--annotation", "zone=eu", "--match", "any"});
  const std::string id = item["id"];
  BOOST_TEST(item["status"] == "PENDING");
  BOOST_TEST(item["crd_spec"] == sample_build_spec());
  BOOST_TEST(item["priority"] == 5);
  BOOST_TEST(item["max_retries"] == 2);
  BOOST_TEST(item["ttl_seconds"] == 7200);
  BOOST_TEST(item["claim_timeout_seconds"] == 600);
  BOOST_TEST(item["backoff_base_seconds"] == 10);
  BOOST_TEST(item["targets"]["match"] == "any");
  BOOST_TEST(item["targets"]["annotations"]["zone"] == "eu");

  auto again = ok({"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", "gpu",
                   "--idempotency-key", "release-1.0"});
  BOOST_TEST(has(again.out, "work " + id + " already exists with this idempotency key (PENDING)"), again.out);

  auto table = ok({"work", "get", id});
  BOOST_TEST(shown(table.out, "ID") == id, table.out);
  BOOST_TEST(shown(table.out, "Status") == "PENDING");
  BOOST_TEST(shown(table.out, "Targets") == "labels gpu (any); annotations zone=eu");
  BOOST_TEST(shown(table.out, "Idempotency key") == "release-1.0");

  auto yaml = YAML::Load(ok({"work", "get", id, "-o", "yaml"}).out);
  BOOST_TEST(yaml["id"].as<std::string>() == id);
  BOOST_TEST(yaml["crd_spec"].as<std::string>() == sample_build_spec());
  BOOST_TEST(yaml["priority"].as<int>() == 5);
  BOOST_TEST(yaml["claimed_by"].IsNull());

  BOOST_TEST(ok({"-o", "json", "work", "get", id}).json() == get(id));
}

BOOST_AUTO_TEST_CASE(submit_from_stdin_in_table_format) {
  auto lonely = ok({"work", "submit", "-f", "-", "--type", "shipwright-build", "--label", "gpu"}, sample_build_spec());
  BOOST_TEST(has(lonely.out, " submitted (PENDING)\n"), lonely.out);
  BOOST_TEST(has(lonely.out, "note: no agent matches these targets yet"));
  make_agent("builder", {"gpu"});
  auto matched = ok({"work", "submit", "-f", "-", "--type", "shipwright-build", "--label", "gpu"}, sample_build_spec());
  BOOST_TEST(!has(matched.out, "note:"), matched.out);
}

BOOST_AUTO_TEST_CASE(list_filters_and_pages) {
  const auto a = make_agent("builder", {"gpu"});
  fake_agent agent(broker.url(), a);
  submit_json("gpu");
  submit_json("gpu");
  submit_json("cpu");
  agent.claim();
  const auto items = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"work", "list", "-o", "json"});
    return ok(args).json()["items"].size();
  };
  BOOST_TEST(items({}) == 3u);
  BOOST_TEST(items({"--status", "claimed"}) == 1u);
  BOOST_TEST(items({"--status", "PENDING,CLAIMED"}) == 3u);
  BOOST_TEST(items({"--agent", a.id}) == 2u);
  BOOST_TEST(items({"--type", "kubernetes-apply"}) == 0u);

  auto page = ok({"work", "list", "--limit", "2"});
  BOOST_TEST(page.out.rfind("ID ", 0) == 0u, page.out);
  BOOST_TEST(count_lines(page.out) == 3u);  // header and two rows
  BOOST_TEST(has(page.err, "more items: use --all, or a larger --limit"));
  auto all = ok({"work", "list", "--limit", "2", "--all", "-o", "json"}).json();
  BOOST_TEST(all["items"].size() == 3u);
  BOOST_TEST(all["next_cursor"].is_null());
  BOOST_TEST(YAML::Load(ok({"work", "list", "-o", "yaml"}).out)["items"].size() == 3u);
}

BOOST_AUTO_TEST_CASE(events_history_and_follow_of_a_finished_item) {
  const auto a = make_agent("builder", {"gpu"});
  fake_agent agent(broker.url(), a);
  const std::string id = submit_json("gpu")["id"];
  agent.complete(agent.claim(), "COMPLETED");

  auto lines = ok({"work", "events", id});
  BOOST_TEST(count_lines(lines.out) == 3u, lines.out);
  BOOST_TEST(has(lines.out, "  new -> PENDING  attempt 0\n"));
  BOOST_TEST(has(lines.out, "  PENDING -> CLAIMED  attempt 1  agent builder (" + a.id + ")\n"));
  BOOST_TEST(has(lines.out, "  CLAIMED -> COMPLETED  attempt 1  agent builder (" + a.id + ")"));
  BOOST_TEST(ok({"work", "events", id, "-o", "json"}).json()["items"].size() == 3u);
  BOOST_TEST(YAML::Load(ok({"work", "events", id, "-o", "yaml"}).out)["items"].size() == 3u);

  // --follow of a finished item prints its history and ends: one JSON object per line.
  auto follow = ok({"work", "events", id, "--follow", "-o", "json"});
  std::istringstream in(follow.out);
  std::vector<json> events;
  for (std::string line; std::getline(in, line);) events.push_back(json::parse(line));
  BOOST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events.back()["to_status"] == "COMPLETED");
  auto follow_yaml = YAML::LoadAll(ok({"work", "events", id, "--follow", "-o", "yaml"}).out);
  BOOST_TEST(follow_yaml.size() == 3u);
}

BOOST_AUTO_TEST_CASE(cancel_pending_then_remove) {
  const std::string id = submit_json("gpu")["id"];
  auto canceled = ok({"work", "cancel", id});
  BOOST_TEST(canceled.out == "work " + id + " CANCELED\n");
  BOOST_TEST(status_of(id) == "CANCELED");
  // Cancel of a finished item removes it from view.
  auto removed = ok({"work", "cancel", id});
  BOOST_TEST(removed.out == "work " + id + " had already finished (CANCELED); it is now removed from view\n");
  BOOST_TEST(cli.run({"work", "get", id}).code == 7);
  const std::string other = submit_json("gpu")["id"];
  BOOST_TEST(ok({"work", "cancel", other, "-o", "json"}).json()["status"] == "CANCELED");
}

BOOST_AUTO_TEST_SUITE_END()
