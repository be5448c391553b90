// The documented exit codes for everything that can go wrong, against a live broker: usage errors
// (nothing sent), unreachable server, bad key, unknown id, and invalid input naming the field.
#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;

namespace {

const std::string unknown_id = "00000000-0000-4000-8000-000000000000";

void expect_exit(const cli_run& r, int code, const std::string& err_text) {
  BOOST_TEST(r.code == code, "exit " << r.code << ", want " << code << "; stderr: " << r.err);
  BOOST_TEST(r.err.find(err_text) != std::string::npos, "stderr lacks '" << err_text << "': " << r.err);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_errors, cli_fixture)

BOOST_AUTO_TEST_CASE(help_needs_no_broker) {
  cli_runner bare;
  auto top = bare.run({"--help"});
  BOOST_TEST(top.code == 0);
  BOOST_TEST(top.out.find("work submit -f FILE --type TYPE") != std::string::npos);
  BOOST_TEST(top.out.find("5 the broker could not be reached") != std::string::npos);
  BOOST_TEST(bare.run({"work", "submit", "--help"}).out.find("--idempotency-key KEY") != std::string::npos);
  BOOST_TEST(bare.run({"agents", "-h"}).out.find("agents rotate-key ID") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_and_send_nothing) {
  cli_runner bare;
  expect_exit(bare.run({"work", "list"}), 2, "no broker URL");
  expect_exit(cli_runner({{"BROKKR_SERVER", broker.url()}}).run({"work", "list"}), 2, "no API key");
  expect_exit(cli.run({"--key-file", dir + "/missing.key", "work", "list"}), 2, "cannot read key file");
  expect_exit(cli.run({"work", "list", "--bogus"}), 2, "unknown flag --bogus");
  expect_exit(cli.run({"work", "get"}), 2, "brokkr work get needs ID");
  expect_exit(cli.run({"work", "list", "-o", "xml"}), 2, "for -o/--output: must be table, json or yaml");
  expect_exit(cli.run({"work", "submit", "--type", "shipwright-build", "--label", "gpu"}), 2, "needs -f FILE");
  expect_exit(cli.run({"work", "submit", "-f", dir + "/missing.yaml", "--type", "shipwright-build", "--label", "gpu"}),
              2, "cannot read -f");
  expect_exit(cli.run({"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", "gpu", "--match", "most"}),
              2, "for --match: must be any or all");
  expect_exit(cli.run({"agents", "create", "a1"}), 2, "needs --cluster");
  expect_exit(cli.run({"agents", "annotate", unknown_id}), 2, "needs KEY=VALUE arguments or --remove KEY");
  expect_exit(cli.run({"agents", "create", "a1", "--cluster", "c", "--annotation", "zone"}), 2,
              "invalid value 'zone' for --annotation: must be KEY=VALUE");
  BOOST_TEST(admin->get("/api/v1/ephemeral-work").body["items"].empty());
  BOOST_TEST(admin->get("/api/v1/agents").body["items"].empty());
}

BOOST_AUTO_TEST_CASE(unreachable_server_exits_5) {
  cli_runner down({{"BROKKR_SERVER", "http://127.0.0.1:1"}, {"BROKKR_KEY", broker.admin_key()}});
  const std::vector<std::vector<std::string>> commands = {
      {"work", "list"},
      {"work", "get", unknown_id},
      {"work", "events", unknown_id, "--follow"},
      {"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", "gpu", "--wait"},
      {"work", "cancel", unknown_id},
      {"agents", "list"},
      {"agents", "create", "a1", "--cluster", "c"},
      {"agents", "rotate-key", unknown_id}};
  for (const auto& args : commands) expect_exit(down.run(args), 5, "cannot reach the broker at http://127.0.0.1:1");
  // A broker that was there and is gone.
  broker.stop();
  expect_exit(cli.run({"work", "list"}), 5, "cannot reach the broker at " + broker.url());
}

BOOST_AUTO_TEST_CASE(bad_key_exits_6) {
  cli_runner bad({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", "brokkr_BRnotakey_0000000000000000000000000000"}});
  expect_exit(bad.run({"work", "list"}), 6, "HTTP 401 unauthenticated");
  expect_exit(bad.run({"agents", "get", unknown_id}), 6, "HTTP 401");
  // An agent's key may read its own record, but not use admin commands.
  const auto a = make_agent("a", {"gpu"});
  cli_runner as_agent({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY", a.key}});
  BOOST_TEST(as_agent.run({"agents", "get", a.id}).code == 0);
  expect_exit(as_agent.run({"agents", "list"}), 6, "HTTP 403 forbidden");
  expect_exit(as_agent.run({"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", "gpu"}), 6,
              "HTTP 403");
}

BOOST_AUTO_TEST_CASE(unknown_id_exits_7) {
  const std::vector<std::vector<std::string>> commands = {
      {"work", "get", unknown_id},        {"work", "events", unknown_id},
      {"work", "events", unknown_id, "--follow"}, {"work", "cancel", unknown_id},
      {"work", "get", "not-a-uuid"},      {"agents", "get", unknown_id},
      {"agents", "label", unknown_id, "gpu"},     {"agents", "unlabel", unknown_id, "gpu"},
      {"agents", "annotate", unknown_id, "k=v"},  {"agents", "activate", unknown_id},
      {"agents", "deactivate", unknown_id},       {"agents", "rotate-key", unknown_id},
      {"agents", "delete", unknown_id}};
  for (const auto& args : commands) expect_exit(cli.run(args), 7, "HTTP 404 not_found");
}

BOOST_AUTO_TEST_CASE(invalid_input_names_the_field_and_flag) {
  const std::vector<std::string> submit = {"work", "submit", "-f", spec_file, "--type", "shipwright-build"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = submit;
    args.insert(args.end(), extra.begin(), extra.end());
    return cli.run(args);
  };
  expect_exit(with({"--label", "gpu", "--max-retries", "1000"}), 1, "(field max_retries) [set by --max-retries]");
  expect_exit(with({"--label", "gpu", "--priority", "5000"}), 1, "(field priority) [set by --priority]");
  expect_exit(with({}), 1, "(field targets) [set by --label, --annotation or --agent]");
  expect_exit(cli.run({"work", "submit", "-f", spec_file, "--type", "no-such-type", "--label", "gpu"}), 1,
              "HTTP 422 invalid_argument: unknown work_type 'no-such-type'");
  const auto bad_spec = write_file("bad.yaml", "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: x\n");
  expect_exit(cli.run({"work", "submit", "-f", bad_spec, "--type", "shipwright-build", "--label", "gpu"}), 1,
              "[set by -f]");
  expect_exit(cli.run({"work", "list", "--status", "DONE"}), 1, "(field status) [set by --status]");
  expect_exit(cli.run({"work", "list", "--limit", "0"}), 1, "(field limit) [set by --limit]");
  expect_exit(cli.run({"agents", "list", "--status", "sleeping"}), 1, "(field status) [set by --status]");
}

BOOST_AUTO_TEST_SUITE_END()
