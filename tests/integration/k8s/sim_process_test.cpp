// The real brokkr-sim-cluster process: TLS with the CA it writes into its kubeconfig, rejection
// without that CA, token auth surfaced as a 401 Status, the admin fault endpoint over HTTP, and
// many independent clusters in one process (--clusters).
#include <sys/stat.h>
#include <cstdio>

#include "k8s/cluster_config.hpp"
#include "sim_fixture.hpp"
#include "common/version.hpp"
#include "sim_process.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;

BOOST_AUTO_TEST_SUITE(sim_process_tls)

BOOST_AUTO_TEST_CASE(tls_kubeconfig_token_and_faults) {
  sim_process proc({"--tls", "--namespace", "ci", "--token", "s3cret", "--default-duration", "200ms"});
  struct stat st {};
  BOOST_REQUIRE(::stat(proc.kubeconfig.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  auto cfg = load_kubeconfig(proc.kubeconfig);
  BOOST_REQUIRE_MESSAGE(cfg.has_value(), (cfg ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->server.rfind("https://127.0.0.1:", 0) == 0u);
  BOOST_TEST(cfg->token == "s3cret");
  BOOST_TEST(cfg->default_namespace == "ci");
  BOOST_TEST(cfg->tls.ca_pem.find("BEGIN CERTIFICATE") != std::string::npos);

  client trusted(*cfg);
  auto created = trusted.create(resources::builds, "ci", build_object("over-tls"));
  BOOST_REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : describe(created.error())));
  BOOST_TEST(!wait_for(trusted, resources::builds, "ci", "over-tls",
                       [](const json& o) { return o.contains("status"); }).is_null());

  auto no_ca = *cfg;
  no_ca.tls.ca_pem.clear();
  client stranger(no_ca, {.max_attempts = 1});
  auto refused = stranger.get(resources::builds, "ci", "over-tls");
  BOOST_REQUIRE(!refused);
  BOOST_TEST((refused.error().origin == error_origin::transport));
  BOOST_TEST((refused.error().transport == brokkr::http::transport_errc::tls_verify_failed));

  auto wrong_token = *cfg;
  wrong_token.token = "guess";
  client intruder(wrong_token);
  auto denied = intruder.get(resources::builds, "ci", "over-tls");
  BOOST_REQUIRE(!denied);
  BOOST_TEST(denied.error().code == 401);
  BOOST_TEST(denied.error().reason == "Unauthorized");

  // Faults through the admin endpoint of the running process.
  brokkr::http::client admin({.ca_pem = cfg->tls.ca_pem});
  const brokkr::http::header_list auth{{"Authorization", "Bearer s3cret"}, {"Content-Type", "application/json"}};
  auto add = admin.perform({.method = "POST", .url = cfg->server + "/sim/v1/faults", .headers = auth,
                            .body = R"({"type":"http-error","code":503,"times":1,"method":"GET"})"});
  BOOST_REQUIRE(add);
  BOOST_TEST(add->status == 201);
  auto listed = admin.perform({.url = cfg->server + "/sim/v1/faults", .headers = auth});
  BOOST_TEST(json::parse(listed->body).size() == 1u);
  client retrying(*cfg, {.retry_backoff = {std::chrono::milliseconds(1), std::chrono::milliseconds(5), 2.0, 0.0}});
  BOOST_TEST(retrying.get(resources::builds, "ci", "over-tls").has_value());  // the 503 was retried
  auto bad = admin.perform({.method = "POST", .url = cfg->server + "/sim/v1/faults", .headers = auth,
                            .body = R"({"type":"http-error","code":200})"});
  BOOST_TEST(bad->status == 400);
  BOOST_TEST(json::parse(bad->body)["message"].get<std::string>().find("code") != std::string::npos);
  BOOST_TEST(admin.perform({.method = "DELETE", .url = cfg->server + "/sim/v1/faults", .headers = auth})->status == 200);
  BOOST_TEST(admin.perform({.method = "POST", .url = cfg->server + "/sim/v1/compact", .headers = auth})->status == 200);
  BOOST_TEST(admin.perform({.method = "POST", .url = cfg->server + "/sim/v1/watches/drop", .headers = auth})->status == 200);
  BOOST_TEST(admin.perform({.url = cfg->server + "/sim/v1/nothing", .headers = auth})->status == 404);
  BOOST_TEST(proc.stop() == 0);  // SIGTERM: a graceful stop
}

BOOST_AUTO_TEST_CASE(plain_http_with_a_generated_token_and_flag_errors) {
  sim_process proc({});
  auto cfg = load_kubeconfig(proc.kubeconfig);
  BOOST_REQUIRE(cfg);
  BOOST_TEST(cfg->server.rfind("http://", 0) == 0u);
  BOOST_TEST(cfg->token.rfind("sim-", 0) == 0u);  // random when --token is not given
  client c(*cfg);
  BOOST_TEST(c.list(resources::clusterbuildstrategies, "").has_value());
  const std::string bad_flag = std::string(BROKKR_SIM_EXE) + " --listen nowhere >/dev/null 2>&1";
  BOOST_TEST(WEXITSTATUS(std::system(bad_flag.c_str())) == 2);
  const std::string help = std::string(BROKKR_SIM_EXE) + " --help >/dev/null 2>&1";
  BOOST_TEST(WEXITSTATUS(std::system(help.c_str())) == 0);
  // --version answers on stdout with status 0, before any listening or token handling.
  FILE* out = ::popen((std::string(BROKKR_SIM_EXE) + " --version 2>/dev/null").c_str(), "r");
  BOOST_REQUIRE(out);
  char line[128] = {};
  const bool got = std::fgets(line, sizeof line, out) != nullptr;
  const int status = ::pclose(out);
  BOOST_TEST(got);
  BOOST_TEST(std::string(line) == "brokkr-sim-cluster " + std::string(brokkr::version()) + "\n");
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(many_clusters_in_one_process_are_independent) {
  sim_process proc({"--clusters", "3", "--name", "fleet", "--namespace", "ci"}, "c{i}.yaml", "c2.yaml");
  std::vector<cluster_config> cfgs;
  for (int i = 0; i < 3; ++i) {
    auto cfg = load_kubeconfig((proc.dir / ("c" + std::to_string(i) + ".yaml")).string());
    BOOST_REQUIRE(cfg);
    BOOST_TEST(cfg->context == "fleet-" + std::to_string(i));
    BOOST_TEST(cfg->default_namespace == "ci");
    cfgs.push_back(*cfg);
  }
  BOOST_TEST(cfgs[0].server != cfgs[1].server);
  BOOST_TEST(cfgs[1].server != cfgs[2].server);
  BOOST_TEST(cfgs[0].token != cfgs[1].token);  // each cluster makes its own random token
  // An object made in one cluster is not in another; another cluster's token is refused.
  client first(cfgs[0]), second(cfgs[1]);
  const json sa = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "only-in-0"}}}};
  BOOST_REQUIRE(first.create(resources::serviceaccounts, "ci", sa));
  BOOST_TEST(first.get(resources::serviceaccounts, "ci", "only-in-0").has_value());
  auto missing = second.get(resources::serviceaccounts, "ci", "only-in-0");
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error().code == 404);
  auto crossed = cfgs[1];
  crossed.token = cfgs[0].token;
  auto refused = client(crossed).list(resources::serviceaccounts, "ci");
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().code == 401);
  BOOST_TEST(client(cfgs[2]).list(resources::clusterbuildstrategies, "").has_value());  // each installs them
  BOOST_TEST(proc.stop() == 0);

  // Several kubeconfigs need a place each; a port range must fit.
  const std::string no_index = std::string(BROKKR_SIM_EXE) + " --clusters 2 --kubeconfig-out " +
                               (proc.dir / "one.yaml").string() + " 2>&1";
  FILE* out = ::popen(no_index.c_str(), "r");
  BOOST_REQUIRE(out);
  char line[256] = {};
  const bool got = std::fgets(line, sizeof line, out) != nullptr;
  const int status = ::pclose(out);
  BOOST_TEST(got);
  BOOST_TEST(std::string(line).find("--kubeconfig-out") != std::string::npos);
  BOOST_TEST(WEXITSTATUS(status) == 2);
  BOOST_TEST(!std::filesystem::exists(proc.dir / "one.yaml"));
  const std::string past_the_end = std::string(BROKKR_SIM_EXE) + " --listen 127.0.0.1:65535 --clusters 2 >/dev/null 2>&1";
  BOOST_TEST(WEXITSTATUS(std::system(past_the_end.c_str())) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
