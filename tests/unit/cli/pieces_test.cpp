// Small pieces: NDJSON line splitting, KEY=VALUE arguments, the submit request body.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "cli/key_values.hpp"
#include "cli/submit_request.hpp"
#include "tests/unit/cli/cli_test_support.hpp"

using namespace brokkr::cli;
using namespace brokkr::cli::test;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(pieces)

BOOST_AUTO_TEST_CASE(key_values) {
  auto ok = parse_key_values({"zone=eu", "note=a=b", "empty=", "zone=us"}, "--annotation");
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->at("zone") == "us");
  BOOST_TEST(ok->at("note") == "a=b");
  BOOST_TEST(ok->at("empty") == "");
  for (const char* bad : {"novalue", "=x"}) {
    auto r = parse_key_values({bad}, "--annotation");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().exit_code == exit_code::usage);
    BOOST_TEST(r.error().message == "invalid value '" + std::string(bad) + "' for --annotation: must be KEY=VALUE");
  }
  const std::vector<std::string> rejoined = {"note=a,b", "zone=eu"};
  BOOST_TEST(rejoin_comma_values({"note=a", "b", "zone=eu"}) == rejoined, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(submit_body_sends_only_what_was_given) {
  auto inv = parse_ok({"work", "submit", "-f", "x", "--type", "shipwright-build", "--label", "gpu"});
  auto body = submit_body(inv.values, "spec");
  BOOST_REQUIRE(body.has_value());
  const json want = {{"work_type", "shipwright-build"}, {"crd_spec", "spec"}, {"targets", {{"labels", {"gpu"}}}}};
  BOOST_TEST(*body == want, body->dump());
}

BOOST_AUTO_TEST_CASE(submit_body_with_every_flag) {
  auto inv = parse_ok({"work", "submit", "-f", "x", "--type", "t", "--agent", "a1,a2", "--annotation", "zone=eu",
                       "--match", "any", "--max-retries", "5", "--ttl", "1h", "--claim-timeout", "90",
                       "--backoff-base", "2s", "--idempotency-key", "k1", "--priority", "-7"});
  auto body = submit_body(inv.values, "spec");
  BOOST_REQUIRE(body.has_value());
  BOOST_TEST((*body)["targets"] == json({{"agent_ids", {"a1", "a2"}}, {"annotations", {{"zone", "eu"}}}, {"match", "any"}}));
  BOOST_TEST((*body)["max_retries"] == 5);
  BOOST_TEST((*body)["ttl_seconds"] == 3600);
  BOOST_TEST((*body)["claim_timeout_seconds"] == 90);
  BOOST_TEST((*body)["backoff_base_seconds"] == 2);
  BOOST_TEST((*body)["idempotency_key"] == "k1");
  BOOST_TEST((*body)["priority"] == -7);
}

BOOST_AUTO_TEST_CASE(submit_usage_errors) {
  const auto fails = [](std::vector<std::string> args, const std::string& text) {
    auto inv = parse_ok(std::move(args));
    auto r = submit_body(inv.values, "spec");
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().exit_code == exit_code::usage);
    BOOST_TEST(r.error().message.find(text) != std::string::npos, r.error().message);
  };
  fails({"work", "submit", "-f", "x"}, "needs --type");
  fails({"work", "submit", "-f", "x", "--type", "t", "--match", "some"}, "for --match: must be any or all");
  fails({"work", "submit", "-f", "x", "--type", "t", "--ttl", "1500ms"}, "for --ttl: must be whole seconds");
  fails({"work", "submit", "-f", "x", "--type", "t", "--annotation", "zone"}, "for --annotation: must be KEY=VALUE");
}

BOOST_AUTO_TEST_CASE(spec_from_file_or_stdin) {
  scratch_dir dir;
  const auto file = dir.write("build.yaml", "kind: Build\n");
  std::istringstream none;
  BOOST_TEST(*read_spec(file, none) == "kind: Build\n");
  std::istringstream in("from stdin\n");
  BOOST_TEST(*read_spec("-", in) == "from stdin\n");
  auto missing = read_spec((dir.path / "nope.yaml").string(), none);
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST(missing.error().exit_code == exit_code::usage);
  BOOST_TEST(missing.error().message.find("cannot read -f ") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
