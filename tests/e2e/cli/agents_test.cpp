// `brokkr agents ...` against a live broker: the key shown once and usable, labels, annotations,
// status, key rotation and deletion.
#include <yaml-cpp/yaml.h>

#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

std::string last_line(const std::string& text) {
  const auto end = text.find_last_not_of('\n');
  const auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_agents, cli_fixture)

BOOST_AUTO_TEST_CASE(create_shows_the_key_once_and_it_works) {
  auto created = ok({"agents", "create", "gpu-1", "--cluster", "east", "--label", "gpu,linux", "--annotation", "zone=eu"});
  BOOST_TEST(has(created.out, "agent gpu-1 created: id "), created.out);
  BOOST_TEST(has(created.out, "shown only this once"));
  const auto key = last_line(created.out);
  BOOST_TEST(key.rfind("brokkr_BR", 0) == 0u, key);

  auto j = ok({"agents", "create", "cpu-1", "--cluster", "west", "--inactive", "-o", "json"}).json();
  BOOST_TEST(j["agent"]["status"] == "INACTIVE");
  BOOST_TEST(j["key"].get<std::string>().rfind("brokkr_BR", 0) == 0u);

  // The first agent's key reads its own record.
  const auto list = ok({"agents", "list", "-o", "json", "--label", "gpu"}).json();
  BOOST_REQUIRE(list["items"].size() == 1u);
  const std::string id = list["items"][0]["id"];
  // -l, as in `work list -l`, names the one label here.
  const auto by_l = ok({"agents", "list", "-o", "json", "-l", "gpu"}).json();
  BOOST_REQUIRE(by_l["items"].size() == 1u);
  BOOST_TEST(by_l["items"][0]["id"] == id);
  BOOST_TEST(cli.run({"agents", "list", "-l", "gpu", "--label", "gpu"}).code == 2);
  cli_runner as_agent({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", key}});
  BOOST_TEST(as_agent.run({"agents", "get", id}).code == 0);
}

BOOST_AUTO_TEST_CASE(list_and_get_in_every_format) {
  ok({"agents", "create", "gpu-1", "--cluster", "east", "--label", "gpu"});
  ok({"agents", "create", "cpu-1", "--cluster", "west", "--inactive"});
  auto table = ok({"agents", "list"});
  BOOST_TEST(table.out.rfind("ID ", 0) == 0u, table.out);
  BOOST_TEST(has(table.out, "   gpu-1   east      ACTIVE     no      -     never       gpu"), table.out);
  BOOST_TEST(ok({"agents", "list", "-o", "json"}).json()["items"].size() == 2u);
  const auto inactive = ok({"agents", "list", "--status", "inactive", "-o", "json"}).json()["items"];
  BOOST_REQUIRE(inactive.size() == 1u);
  BOOST_TEST(inactive[0]["name"] == "cpu-1");
  const std::string id = inactive[0]["id"];
  auto yaml = YAML::Load(ok({"agents", "get", id, "-o", "yaml"}).out);
  BOOST_TEST(yaml["cluster_name"].as<std::string>() == "west");
  BOOST_TEST(shown(ok({"agents", "get", id}).out, "Status") == "INACTIVE");
}

BOOST_AUTO_TEST_CASE(labels_annotations_and_status) {
  const auto a = make_agent("builder", {"gpu", "linux"});
  auto labeled = ok({"agents", "label", a.id, "arm64", "fast", "-o", "json"}).json();
  for (const char* l : {"gpu", "linux", "arm64", "fast"})
    BOOST_TEST(std::count(labeled["labels"].begin(), labeled["labels"].end(), json(l)) == 1);
  auto unlabeled = ok({"agents", "unlabel", a.id, "fast", "linux", "-o", "json"}).json();
  BOOST_TEST(unlabeled["labels"] == json({"arm64", "gpu"}));

  ok({"agents", "annotate", a.id, "zone=eu"});
  auto annotated = ok({"agents", "annotate", a.id, "rack=r1", "owner=team-a", "--remove", "zone", "-o", "json"}).json();
  BOOST_TEST(annotated["annotations"] == json({{"owner", "team-a"}, {"rack", "r1"}}));
  auto removed = ok({"agents", "annotate", a.id, "--remove", "rack,owner", "-o", "json"}).json();
  BOOST_TEST(removed["annotations"].empty());

  BOOST_TEST(shown(ok({"agents", "deactivate", a.id}).out, "Status") == "INACTIVE");
  BOOST_TEST(ok({"agents", "activate", a.id, "-o", "json"}).json()["status"] == "ACTIVE");
}

BOOST_AUTO_TEST_CASE(rotate_key_then_delete) {
  const auto a = make_agent("builder", {"gpu"});
  cli_runner old_key({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", a.key}});
  BOOST_TEST(old_key.run({"agents", "get", a.id}).code == 0);

  auto rotated = ok({"agents", "rotate-key", a.id});
  BOOST_TEST(has(rotated.out, "new key for agent " + a.id + "; the old key no longer works"), rotated.out);
  const auto new_key = last_line(rotated.out);
  BOOST_TEST(new_key != a.key);
  BOOST_TEST(old_key.run({"agents", "get", a.id}).code == 6);
  cli_runner fresh({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", new_key}});
  BOOST_TEST(fresh.run({"agents", "get", a.id}).code == 0);
  auto again = ok({"agents", "rotate-key", a.id, "-o", "json"}).json();
  BOOST_TEST(again["id"] == a.id);
  BOOST_TEST(again["key"] != new_key);

  BOOST_TEST(ok({"agents", "delete", a.id}).out == "agent " + a.id + " deleted; its key no longer works\n");
  BOOST_TEST(cli.run({"agents", "get", a.id}).code == 7);
  const auto b = make_agent("other");
  BOOST_TEST(ok({"agents", "delete", b.id, "-o", "json"}).json() == json({{"id", b.id}, {"deleted", true}}));
}

BOOST_AUTO_TEST_SUITE_END()
