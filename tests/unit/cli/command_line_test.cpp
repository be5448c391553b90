// Argument parsing: commands, global flags in any position, precedence, the config file, usage errors.
#include "cli/command_line.hpp"
#include "common/version.hpp"

#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_test_support.hpp"

using namespace brokkr::cli;
using namespace brokkr::cli::test;

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(short_flags_expand_until_double_dash) {
  const auto out = expand_short_flags({"brokkr", "-o", "json", "work", "submit", "-f", "-", "--", "-o"});
  const std::vector<std::string> want = {"brokkr", "--output", "json", "work", "submit", "--file", "-", "--", "-o"};
  BOOST_TEST(out == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(finds_the_command_and_its_arguments) {
  auto inv = parse_ok({"work", "get", "abc"});
  BOOST_REQUIRE(inv.spec != nullptr);
  BOOST_TEST(inv.spec->group == "work");
  BOOST_TEST(inv.spec->verb == "get");
  BOOST_REQUIRE(inv.args.size() == 1u);
  BOOST_TEST(inv.args[0] == "abc");
  BOOST_TEST(inv.help.empty());
}

BOOST_AUTO_TEST_CASE(global_flags_before_and_after_the_command) {
  auto before = parse_ok({"--server", "http://b:1", "-o", "yaml", "work", "list"});
  BOOST_TEST(before.values.str("server") == "http://b:1");
  BOOST_TEST(before.values.str("output") == "yaml");
  auto after = parse_ok({"work", "list", "-o", "json", "--server=http://a:2", "--status", "PENDING"});
  BOOST_TEST(after.values.str("server") == "http://a:2");
  BOOST_TEST(after.values.str("output") == "json");
  BOOST_TEST(after.values.str("status") == "PENDING");
}

BOOST_AUTO_TEST_CASE(list_flags_repeat_and_split_at_commas) {
  auto inv = parse_ok({"work", "submit", "-f", "x", "--type", "t", "--label", "gpu", "--label", "linux,arm64"});
  const std::vector<std::string> want = {"gpu", "linux", "arm64"};
  BOOST_TEST(inv.values.list("label") == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(flag_beats_environment_beats_config_file) {
  scratch_dir dir;
  const auto file = dir.write("c.yaml", "server: http://file:1\noutput: yaml\ntimeout: 5s\n");
  auto from_file = parse_ok({"--config", file, "work", "list"});
  BOOST_TEST(from_file.values.str("server") == "http://file:1");
  BOOST_TEST(from_file.values.str("output") == "yaml");
  auto from_env = parse_ok({"--config", file, "work", "list"}, {{"BROKKR_SERVER", "http://env:1"}});
  BOOST_TEST(from_env.values.str("server") == "http://env:1");
  auto from_flag = parse_ok({"--config", file, "work", "list", "--server", "http://flag:1"},
                            {{"BROKKR_SERVER", "http://env:1"}});
  BOOST_TEST(from_flag.values.str("server") == "http://flag:1");
}

BOOST_AUTO_TEST_CASE(default_config_file_is_used_when_it_exists) {
  scratch_dir dir;
  auto none = parse_ok({"work", "list"}, {{"HOME", dir.path.string()}});
  BOOST_TEST(!none.values.is_set("server"));
  dir.write(".config/brokkr/config.yaml", "server: http://home:1\n");
  auto home = parse_ok({"work", "list"}, {{"HOME", dir.path.string()}});
  BOOST_TEST(home.values.str("server") == "http://home:1");
  dir.write("xdg/brokkr/config.yaml", "server: http://xdg:1\n");
  auto xdg = parse_ok({"work", "list"}, {{"HOME", dir.path.string()}, {"XDG_CONFIG_HOME", (dir.path / "xdg").string()}});
  BOOST_TEST(xdg.values.str("server") == "http://xdg:1");
}

BOOST_AUTO_TEST_CASE(command_flags_come_neither_from_environment_nor_file) {
  auto env = parse_ok({"work", "list"}, {{"BROKKR_STATUS", "PENDING"}, {"BROKKR_ALL", "true"}});
  BOOST_TEST(!env.values.is_set("status"));
  BOOST_TEST(!env.values.boolean("all"));
  scratch_dir dir;
  const auto file = dir.write("c.yaml", "status: PENDING\n");
  auto r = parse({"work", "list", "--config", file});
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().exit_code == exit_code::usage);
  BOOST_TEST(r.error().message.find("config file key 'status' is not allowed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_at_every_level) {
  BOOST_TEST(parse_ok({"--help"}).help.find("work submit -f FILE --type TYPE") != std::string::npos);
  BOOST_TEST(parse_ok({"-h"}).help.find("exit codes:") != std::string::npos);
  BOOST_TEST(parse_ok({"agents", "--help"}).help.find("agents rotate-key ID") != std::string::npos);
  const auto submit = parse_ok({"work", "submit", "--help"}).help;
  BOOST_TEST(submit.find("--idempotency-key KEY") != std::string::npos);
  BOOST_TEST(submit.find("--wait") != std::string::npos);
  // Help needs no server, key or required flag.
  BOOST_TEST(!parse_ok({"agents", "create", "-h"}).help.empty());
}

BOOST_AUTO_TEST_CASE(version_is_the_release_version) {
  BOOST_TEST(parse_ok({"--version"}).help == "brokkr " + std::string(brokkr::version()) + "\n");
  BOOST_TEST(brokkr::version().find('.') != std::string_view::npos);
  BOOST_TEST(parse_ok({"--help"}).help.find("--version") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_name_what_is_wrong) {
  const auto fails = [](std::vector<std::string> args, const std::string& text) {
    auto r = parse(std::move(args));
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().exit_code == exit_code::usage);
    BOOST_TEST(r.error().message.find(text) != std::string::npos, r.error().message);
  };
  fails({}, "missing command");
  fails({"nope"}, "unknown command 'nope'");
  fails({"work"}, "missing work command");
  fails({"work", "frob"}, "unknown command 'work frob'");
  fails({"work", "get"}, "brokkr work get needs ID");
  fails({"work", "get", "a", "b"}, "takes ID, not more");
  fails({"work", "list", "extra"}, "takes no arguments");
  fails({"agents", "label", "id"}, "needs ID LABEL...");
  fails({"work", "list", "--bogus"}, "unknown flag --bogus (see 'brokkr work list --help')");
  fails({"work", "list", "--limit", "ten"}, "--limit");
  fails({"work", "list", "--limit"}, "needs a value");
  fails({"--timeout", "soon", "work", "list"}, "--timeout");
}

BOOST_AUTO_TEST_CASE(variadic_arguments) {
  auto inv = parse_ok({"agents", "label", "id-1", "gpu", "arm64"});
  const std::vector<std::string> want = {"id-1", "gpu", "arm64"};
  BOOST_TEST(inv.args == want, boost::test_tools::per_element());
  auto annotate = parse_ok({"agents", "annotate", "id-1", "--remove", "zone"});
  BOOST_TEST(annotate.args.size() == 1u);
  BOOST_TEST(annotate.values.list("remove").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
