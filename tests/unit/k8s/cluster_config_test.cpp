#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "k8s/base64.hpp"
#include "k8s/cluster_config.hpp"

using namespace brokkr::k8s;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("brokkr-k8s-config-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

const std::string two_contexts = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: )" + base64_encode("CA PEM") + R"(
- name: dev
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
    certificate-authority: ca.crt
users:
- name: admin
  user:
    client-certificate-data: )" + base64_encode("CERT") + R"(
    client-key-data: )" + base64_encode("KEY") + R"(
- name: dev
  user:
    tokenFile: token
contexts:
- name: prod
  context: {cluster: prod, user: admin, namespace: ci}
- name: dev
  context: {cluster: dev, user: dev}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster_config_loading)

BOOST_AUTO_TEST_CASE(current_context_with_inline_data) {
  auto c = parse_kubeconfig(two_contexts, "/nowhere");
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().field + ": " + c.error().message));
  BOOST_TEST(c->context == "prod");
  BOOST_TEST(c->server == "https://10.0.0.1:6443");  // trailing slash removed
  BOOST_TEST(c->tls.ca_pem == "CA PEM");
  BOOST_TEST(c->tls.client_cert_pem == "CERT");
  BOOST_TEST(c->tls.client_key_pem == "KEY");
  BOOST_TEST(!c->tls.insecure_skip_verify);
  BOOST_TEST(c->default_namespace == "ci");
}

BOOST_AUTO_TEST_CASE(named_context_with_files_relative_to_the_kubeconfig) {
  temp_dir dir;
  dir.write("ca.crt", "FILE CA");
  dir.write("token", "  secret-token\n");
  const auto path = dir.write("config", two_contexts);
  auto c = load_kubeconfig(path, "dev");
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().field + ": " + c.error().message));
  BOOST_TEST(c->server == "http://127.0.0.1:8080");
  BOOST_TEST(c->tls.insecure_skip_verify);
  BOOST_TEST(c->tls.ca_file == (dir.path / "ca.crt").string());
  BOOST_TEST(c->default_namespace == "default");
  auto token = read_bearer_token(*c);
  BOOST_REQUIRE(token);
  BOOST_TEST(*token == "secret-token");
  dir.write("token", "rotated");  // bound service-account tokens rotate: read each time
  BOOST_TEST(*read_bearer_token(*c) == "rotated");
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
  struct c {
    std::string yaml;
    std::string context;
    std::string field;
  } cases[] = {
      {"[", "", "kubeconfig"},
      {"- a", "", "kubeconfig"},
      {"clusters: []", "", "current-context"},
      {two_contexts, "missing", "contexts[missing]"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: nope}}]", "", "contexts[x].context.cluster"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]", "",
       "clusters[c].cluster.server"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: ftp://x}}]",
       "", "clusters[c].cluster.server"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: https://x, "
       "certificate-authority-data: '!!!'}}]", "", "clusters[c].cluster.certificate-authority-data"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: https://x, "
       "certificate-authority: /no/such/file}}]", "", "clusters[c].cluster.certificate-authority"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: https://x}}]",
       "", "contexts[x].context.user"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: https://x}}]\n"
       "users: [{name: u, user: {exec: {command: aws}}}]", "", "users[u].user.exec"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: https://x}}]\n"
       "users: [{name: u, user: {auth-provider: {name: gcp}}}]", "", "users[u].user.auth-provider"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: https://x}}]\n"
       "users: [{name: u, user: {client-certificate-data: Q0VSVA==}}]", "", "users[u].user.client-key"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: https://x}}]\n"
       "users: [{name: u, user: {tokenFile: /no/such/token}}]", "", "users[u].user.tokenFile"},
  };
  for (const auto& t : cases) {
    auto c = parse_kubeconfig(t.yaml, "/tmp", t.context);
    BOOST_TEST_CONTEXT(t.field) {
      BOOST_REQUIRE(!c);
      BOOST_TEST(c.error().field == t.field);
    }
  }
  BOOST_TEST(load_kubeconfig("/no/such/kubeconfig").error().field == "kubeconfig");
}

BOOST_AUTO_TEST_CASE(in_cluster_service_account) {
  temp_dir dir;
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "CLUSTER CA");
  dir.write("namespace", "build-agents\n");
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  auto lookup = [&env](const std::string& k) -> std::optional<std::string> {
    if (auto it = env.find(k); it != env.end()) return it->second;
    return std::nullopt;
  };
  auto c = load_in_cluster({lookup, dir.path.string()});
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().message));
  BOOST_TEST(c->server == "https://10.96.0.1:443");
  BOOST_TEST(c->tls.ca_file == (dir.path / "ca.crt").string());
  BOOST_TEST(c->default_namespace == "build-agents");
  BOOST_TEST(*read_bearer_token(*c) == "sa-token");
  env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  BOOST_TEST(load_in_cluster({lookup, dir.path.string()})->server == "https://[fd00::1]:443");
  env.erase("KUBERNETES_SERVICE_PORT");
  BOOST_TEST(load_in_cluster({lookup, dir.path.string()}).error().field == "KUBERNETES_SERVICE_PORT");
  env.erase("KUBERNETES_SERVICE_HOST");
  BOOST_TEST(load_in_cluster({lookup, dir.path.string()}).error().field == "KUBERNETES_SERVICE_HOST");
  env = {{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}};
  BOOST_TEST(!load_in_cluster({lookup, "/no/such/dir"}));
}

BOOST_AUTO_TEST_SUITE_END()
