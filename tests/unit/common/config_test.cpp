#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>

#include "common/config.hpp"

using namespace brokkr::config;

namespace {

parser make_parser() {
  parser p("brokkr-test", "test program");
  p.add({.name = "http-listen", .help = "listen", .default_value = "127.0.0.1:8080", .type = kind::host_port});
  p.add({.name = "lease-seconds", .help = "lease", .default_value = "30", .type = kind::integer, .min = 1, .max = 3600});
  p.add({.name = "enabled", .help = "on", .default_value = "true", .type = kind::boolean,
         .yaml_path = "agent.ephemeral_work.enabled"});
  p.add({.name = "labels", .help = "labels", .type = kind::list});
  p.add({.name = "timeout", .help = "t", .default_value = "15m", .type = kind::duration});
  p.add({.name = "database-url", .help = "db", .required = true, .secret = true});
  return p;
}

env_lookup env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    if (auto it = m.find(k); it != m.end()) return it->second;
    return std::nullopt;
  };
}

template <size_t N>
auto parse(const parser& p, const char* (&argv)[N], std::map<std::string, std::string> env = {}) {
  return p.parse(static_cast<int>(N), argv, env_of(std::move(env)));
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_apply_when_nothing_is_given) {
  const char* argv[] = {"x", "--database-url", "postgresql://x"};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(v);
  BOOST_TEST(v->integer("lease-seconds") == 30);
  BOOST_TEST(v->source("lease-seconds") == "default");
  BOOST_TEST(v->host_port("http-listen").second == 8080);
  BOOST_TEST(v->boolean("enabled"));
  BOOST_TEST(v->duration("timeout").count() == 15 * 60 * 1000);
  BOOST_TEST(!v->is_set("labels"));
}

BOOST_AUTO_TEST_CASE(flag_beats_env_beats_file) {
  const std::string path = "/tmp/brokkr_config_test.yaml";
  {
    std::ofstream f(path);
    f << "lease-seconds: 10\nhttp-listen: 0.0.0.0:1\nagent:\n  ephemeral_work:\n    enabled: false\n"
         "labels: [a, b]\ndatabase-url: postgresql://file\n";
  }
  const char* argv[] = {"x", "--config", path.c_str(), "--lease-seconds=20"};
  auto v = parse(make_parser(), argv, {{"BROKKR_LEASE_SECONDS", "15"}, {"BROKKR_HTTP_LISTEN", "1.2.3.4:5"}});
  BOOST_REQUIRE(v);
  BOOST_TEST(v->integer("lease-seconds") == 20);
  BOOST_TEST(v->source("lease-seconds") == "flag");
  BOOST_TEST(v->str("http-listen") == "1.2.3.4:5");
  BOOST_TEST(v->source("http-listen") == "env");
  BOOST_TEST(!v->boolean("enabled"));
  BOOST_TEST(v->source("enabled") == "file");
  BOOST_TEST(v->list("labels").size() == 2u);
  BOOST_TEST(v->str("database-url") == "postgresql://file");
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_field_and_source) {
  const char* argv[] = {"x", "--database-url", "d", "--lease-seconds", "0"};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().field == "--lease-seconds");
  BOOST_TEST(v.error().message.find("between 1 and 3600") != std::string::npos);

  const char* argv2[] = {"x", "--database-url", "d"};
  auto w = parse(make_parser(), argv2, {{"BROKKR_TIMEOUT", "soon"}});
  BOOST_REQUIRE(!w);
  BOOST_TEST(w.error().message.find("BROKKR_TIMEOUT") != std::string::npos);

  const char* argv3[] = {"x", "--database-url", "d", "--http-listen", "nohost"};
  BOOST_TEST(!parse(make_parser(), argv3));
}

// std::stoll threw out_of_range for a 19-digit value beyond int64, ending start-up with an exception.
BOOST_AUTO_TEST_CASE(integers_beyond_int64_and_odd_signs_are_refused_by_name) {
  for (const char* bad : {"9999999999999999999", "-9999999999999999999", "99999999999999999999999", "+-5",
                          "+", "-", "5x", " 5", "0x10"}) {
    const char* argv[] = {"x", "--database-url", "d", "--lease-seconds", bad};
    auto v = parse(make_parser(), argv);
    BOOST_REQUIRE_MESSAGE(!v, bad);
    BOOST_TEST(v.error().field == "--lease-seconds");
    BOOST_TEST(v.error().message.find("must be an integer") != std::string::npos, v.error().message);
  }
  const char* argv[] = {"x", "--database-url", "d", "--lease-seconds", "+45"};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(v);
  BOOST_TEST(v->integer("lease-seconds") == 45);
  const char* argv2[] = {"x", "--database-url", "d", "--http-listen", "h:99999999999999999999"};
  BOOST_TEST(!parse(make_parser(), argv2));
}

BOOST_AUTO_TEST_CASE(missing_required_and_unknown_flags_are_errors) {
  const char* argv[] = {"x"};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().field == "--database-url");
  const char* argv2[] = {"x", "--database-url", "d", "--nope", "1"};
  auto w = parse(make_parser(), argv2);
  BOOST_REQUIRE(!w);
  BOOST_TEST(w.error().field == "--nope");
}

BOOST_AUTO_TEST_CASE(unknown_key_in_file_is_an_error) {
  const std::string path = "/tmp/brokkr_config_test2.yaml";
  { std::ofstream(path) << "database-url: x\nleese-seconds: 3\n"; }
  const char* argv[] = {"x", "--config", path.c_str()};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().message.find("leese-seconds") != std::string::npos);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(secret_values_are_not_echoed) {
  parser p("x", "y");
  p.add({.name = "token", .help = "t", .type = kind::integer, .secret = true});
  const char* argv[] = {"x", "--token", "hunter2"};
  auto v = p.parse(3, argv, env_of({}));
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().message.find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(positional_arguments_stop_flag_parsing_when_asked) {
  parser p("brokkr", "cli");
  p.add({.name = "server", .help = "s"});
  p.stop_at_positional();
  const char* argv[] = {"brokkr", "--server", "http://a", "work", "get", "--output", "json"};
  auto v = p.parse(7, argv, env_of({}));
  BOOST_REQUIRE(v);
  BOOST_TEST(v->str("server") == "http://a");
  BOOST_TEST(v->positional().size() == 4u);
  BOOST_TEST(v->positional()[2] == "--output");
}

// --version answers without the required options, like --help; both are listed in the usage text.
BOOST_AUTO_TEST_CASE(version_needs_no_required_option) {
  const char* argv[] = {"x", "--version"};
  auto v = parse(make_parser(), argv);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->version_requested());
  BOOST_TEST(!v->help_requested());
  const auto usage = make_parser().usage();
  BOOST_TEST(usage.find("--version") != std::string::npos);
  BOOST_TEST(usage.find("--help") != std::string::npos);
}
