// Where the CLI finds its server, key and format: --config FILE, the default file, BROKKR_*
// variables and flags, in that rising order of precedence.
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;

BOOST_FIXTURE_TEST_SUITE(cli_config, cli_fixture)

BOOST_AUTO_TEST_CASE(config_file_then_environment_then_flags) {
  submit_json("gpu");
  const auto config = write_file("cli.yaml", "server: " + broker.url() + "\nkey-file: " + key_file + "\noutput: json\n");
  cli_runner plain;
  BOOST_TEST(plain.run({"--config", config, "work", "list"}).json()["items"].size() == 1u);
  BOOST_TEST(plain.run({"work", "list", "--config", config}).json()["items"].size() == 1u);
  cli_runner by_env({{"BROKKR_CONFIG", config}});
  BOOST_TEST(by_env.run({"work", "list"}).json()["items"].size() == 1u);

  // The default file, overridden by the environment, overridden by a flag.
  cli_runner home;
  std::filesystem::create_directories(home.home + "/.config/brokkr");
  std::filesystem::copy_file(config, home.home + "/.config/brokkr/config.yaml");
  BOOST_TEST(home.run({"work", "list"}).json()["items"].size() == 1u);
  home.env["BROKKR_OUTPUT"] = "yaml";
  auto yaml = home.run({"work", "list"});
  BOOST_TEST(yaml.code == 0);
  BOOST_TEST(YAML::Load(yaml.out)["items"].size() == 1u);
  auto table = home.run({"work", "list", "-o", "table"});
  BOOST_TEST(table.out.rfind("ID ", 0) == 0u, table.out);
}

BOOST_AUTO_TEST_CASE(key_flag_and_key_file_flag) {
  cli_runner plain;
  BOOST_TEST(plain.run({"--server", broker.url(), "--key", broker.admin_key(), "work", "list"}).code == 0);
  BOOST_TEST(plain.run({"--server", broker.url(), "--key-file", key_file, "agents", "list"}).code == 0);
  // A flag beats the environment: a wrong key in BROKKR_KEY does not matter.
  cli_runner wrong_env({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", "brokkr_BRnope_0000"}});
  BOOST_TEST(wrong_env.run({"work", "list"}).code == 6);
  BOOST_TEST(wrong_env.run({"work", "list", "--key-file", key_file}).code == 0);
}

BOOST_AUTO_TEST_CASE(config_file_may_hold_only_global_keys) {
  const auto config = write_file("bad.yaml", "server: " + broker.url() + "\nstatus: PENDING\n");
  cli_runner plain;
  auto r = plain.run({"--config", config, "--key-file", key_file, "work", "list"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find("unknown key 'status'") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
