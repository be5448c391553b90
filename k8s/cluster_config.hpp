#pragma once
// Where the cluster is and how to authenticate: from a kubeconfig file (current or named context) or
// from the in-cluster service account. TLS is verified unless the kubeconfig says
// insecure-skip-tls-verify.
#include <functional>
#include <optional>
#include <string>

#include "common/expected.hpp"
#include "common/http_client.hpp"

namespace brokkr::k8s {

struct cluster_config {
  std::string server;          // "https://10.0.0.1:6443", no trailing slash
  http::tls_options tls;       // CA, client certificate and key, insecure flag
  std::string token;           // bearer token given inline
  std::string token_file;      // bearer token read from this file (re-read: service-account tokens rotate)
  std::string default_namespace = "default";
  std::string context;         // the kubeconfig context used ("" in cluster)
};

struct config_error {
  std::string field;    // "contexts[sim].context.cluster", "users[u].user.client-key"
  std::string message;
};

// A kubeconfig file. Relative paths inside it are relative to the file's directory.
expected<cluster_config, config_error> load_kubeconfig(const std::string& path, const std::string& context = "");
// Kubeconfig text; `base_dir` resolves relative paths.
expected<cluster_config, config_error> parse_kubeconfig(const std::string& yaml, const std::string& base_dir,
                                                        const std::string& context = "");

struct in_cluster_source {
  std::function<std::optional<std::string>(const std::string&)> env;  // default: the process environment
  std::string secrets_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};
// KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT plus the mounted token, ca.crt and namespace.
expected<cluster_config, config_error> load_in_cluster(const in_cluster_source& source = {});

// The bearer token to send now: the inline token, else the token file's current content (trimmed).
expected<std::string, config_error> read_bearer_token(const cluster_config& cfg);

}  // namespace brokkr::k8s
