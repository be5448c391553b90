// Server, key and format: where each comes from, and the usage errors when one is missing or bad.
#include "cli/global_options.hpp"

#include "tests/unit/cli/cli_test_support.hpp"

using namespace brokkr::cli;
using namespace brokkr::cli::test;

namespace {

result<global_settings> settings(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  auto inv = parse_ok(std::move(args), std::move(env));
  return settings_from(inv.values);
}

std::string error_of(const result<global_settings>& r) {
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().exit_code == exit_code::usage);
  return r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(global_settings_tests)

BOOST_AUTO_TEST_CASE(defaults) {
  auto s = settings({"work", "list", "--server", "http://b:1", "--key", "k"});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->server == "http://b:1");
  BOOST_TEST(s->key == "k");
  BOOST_TEST((s->output == output_format::table));
  BOOST_TEST(s->timeout.count() == 30000);
}

BOOST_AUTO_TEST_CASE(key_file_is_read_and_trimmed) {
  scratch_dir dir;
  const auto file = dir.write("admin.key", "  brokkr_BRabc_def\n\n");
  auto s = settings({"work", "list", "--server", "http://b:1", "--key-file", file});
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->key == "brokkr_BRabc_def");
}

BOOST_AUTO_TEST_CASE(key_from_the_stronger_source_wins) {
  scratch_dir dir;
  const auto file = dir.write("k", "from-file\n");
  auto flag_file = settings({"work", "list", "--server", "http://s", "--key-file", file}, {{"BROKKR_KEY", "from-env"}});
  BOOST_TEST(flag_file->key == "from-file");
  auto env_key = settings({"work", "list", "--server", "http://s"}, {{"BROKKR_KEY", "from-env"}, {"BROKKR_KEY_FILE", file}});
  BOOST_TEST(env_key->key == "from-env");
}

BOOST_AUTO_TEST_CASE(missing_or_bad_settings_are_usage_errors) {
  BOOST_TEST(error_of(settings({"work", "list", "--key", "k"})).find("no broker URL") != std::string::npos);
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s"})).find("no API key") != std::string::npos);
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s", "--key-file", "/nonexistent/key"}))
                 .find("cannot read key file /nonexistent/key") != std::string::npos);
  scratch_dir dir;
  const auto empty = dir.write("empty", "\n");
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s", "--key-file", empty})).find("is empty") !=
             std::string::npos);
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s", "--key", "k", "--ca-file", "/nonexistent/ca"}))
                 .find("cannot read --ca-file /nonexistent/ca") != std::string::npos);
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s", "--key", "k", "-o", "xml"}))
                 .find("invalid value 'xml' for -o/--output") != std::string::npos);
  BOOST_TEST(error_of(settings({"work", "list", "--server", "http://s", "--key", "k", "--timeout", "0s"}))
                 .find("--timeout") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_config_path_follows_xdg_then_home) {
  BOOST_TEST(default_config_path(fake_env({{"HOME", "/h"}})) == "/h/.config/brokkr/config.yaml");
  BOOST_TEST(default_config_path(fake_env({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}})) == "/x/brokkr/config.yaml");
  BOOST_TEST(default_config_path(fake_env()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(global_settings_more)

BOOST_AUTO_TEST_CASE(server_must_be_an_http_url) {
  auto r = settings({"work", "list", "--server", "127.0.0.1:8080", "--key", "k"});
  BOOST_TEST(error_of(r).find("for --server: must start with http:// or https://") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
