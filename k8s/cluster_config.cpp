#include "k8s/cluster_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "k8s/base64.hpp"

namespace brokkr::k8s {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

std::string scalar(const YAML::Node& n, const char* key) {
  const auto v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts).
YAML::Node named(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& item : list)
    if (item.IsMap() && scalar(item, "name") == name) return item;
  return YAML::Node(YAML::NodeType::Undefined);
}

// "<key>-data" (base64 PEM) wins over "<key>" (a path); fills pem or file.
expected<ok_t, config_error> pem_or_file(const YAML::Node& n, const std::string& key, const std::string& field,
                                         const std::string& base_dir, std::string& pem, std::string& file) {
  if (const auto data = scalar(n, (key + "-data").c_str()); !data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return unexpected(config_error{field + "." + key + "-data", "is not valid base64"});
    pem = std::move(*decoded);
  } else if (const auto path = scalar(n, key.c_str()); !path.empty()) {
    file = resolve(base_dir, path);
    if (!read_file(file)) return unexpected(config_error{field + "." + key, "cannot read file '" + file + "'"});
  }
  return ok;
}

expected<ok_t, config_error> apply_user(const YAML::Node& user, const std::string& field, const std::string& base_dir,
                                        cluster_config& cfg) {
  if (user["exec"]) return unexpected(config_error{field + ".exec", "exec credential plugins are not supported"});
  if (user["auth-provider"])
    return unexpected(config_error{field + ".auth-provider", "auth providers are not supported"});
  cfg.token = scalar(user, "token");
  if (const auto tf = scalar(user, "tokenFile"); !tf.empty()) {
    cfg.token_file = resolve(base_dir, tf);
    if (!read_file(cfg.token_file))
      return unexpected(config_error{field + ".tokenFile", "cannot read file '" + cfg.token_file + "'"});
  }
  if (auto r = pem_or_file(user, "client-certificate", field, base_dir, cfg.tls.client_cert_pem,
                           cfg.tls.client_cert_file); !r)
    return r;
  if (auto r = pem_or_file(user, "client-key", field, base_dir, cfg.tls.client_key_pem, cfg.tls.client_key_file); !r)
    return r;
  const bool has_cert = !cfg.tls.client_cert_pem.empty() || !cfg.tls.client_cert_file.empty();
  const bool has_key = !cfg.tls.client_key_pem.empty() || !cfg.tls.client_key_file.empty();
  if (has_cert != has_key)
    return unexpected(config_error{field + (has_cert ? ".client-key" : ".client-certificate"),
                                   "a client certificate needs its key and the key its certificate"});
  return ok;
}

expected<ok_t, config_error> apply_cluster(const YAML::Node& cluster, const std::string& field,
                                           const std::string& base_dir, cluster_config& cfg) {
  cfg.server = scalar(cluster, "server");
  if (cfg.server.empty()) return unexpected(config_error{field + ".server", "is required"});
  if (cfg.server.rfind("https://", 0) != 0 && cfg.server.rfind("http://", 0) != 0)
    return unexpected(config_error{field + ".server", "must start with https:// or http://"});
  while (!cfg.server.empty() && cfg.server.back() == '/') cfg.server.pop_back();
  const auto insecure = cluster["insecure-skip-tls-verify"];
  cfg.tls.insecure_skip_verify = insecure && insecure.IsScalar() && insecure.as<bool>(false);
  return pem_or_file(cluster, "certificate-authority", field, base_dir, cfg.tls.ca_pem, cfg.tls.ca_file);
}

}  // namespace

expected<cluster_config, config_error> parse_kubeconfig(const std::string& yaml, const std::string& base_dir,
                                                        const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return unexpected(config_error{"kubeconfig", "is not valid YAML: " + e.msg});
  }
  if (!root.IsMap()) return unexpected(config_error{"kubeconfig", "is not a YAML mapping"});
  cluster_config cfg;
  cfg.context = context.empty() ? scalar(root, "current-context") : context;
  if (cfg.context.empty()) return unexpected(config_error{"current-context", "is empty and no context was named"});
  const auto ctx = named(root["contexts"], cfg.context);
  const std::string ctx_field = "contexts[" + cfg.context + "]";
  if (!ctx || !ctx["context"]) return unexpected(config_error{ctx_field, "no such context"});
  const auto cluster_name = scalar(ctx["context"], "cluster");
  const auto user_name = scalar(ctx["context"], "user");
  if (const auto ns = scalar(ctx["context"], "namespace"); !ns.empty()) cfg.default_namespace = ns;
  const auto cluster = named(root["clusters"], cluster_name);
  const std::string cluster_field = "clusters[" + cluster_name + "].cluster";
  if (!cluster || !cluster["cluster"])
    return unexpected(config_error{ctx_field + ".context.cluster", "names no cluster: '" + cluster_name + "'"});
  if (auto r = apply_cluster(cluster["cluster"], cluster_field, base_dir, cfg); !r) return unexpected(r.error());
  if (!user_name.empty()) {
    const auto user = named(root["users"], user_name);
    if (!user) return unexpected(config_error{ctx_field + ".context.user", "names no user: '" + user_name + "'"});
    if (user["user"]) {
      if (auto r = apply_user(user["user"], "users[" + user_name + "].user", base_dir, cfg); !r)
        return unexpected(r.error());
    }
  }
  return cfg;
}

expected<cluster_config, config_error> load_kubeconfig(const std::string& path, const std::string& context) {
  const auto text = read_file(path);
  if (!text) return unexpected(config_error{"kubeconfig", "cannot read file '" + path + "'"});
  const auto slash = path.rfind('/');
  return parse_kubeconfig(*text, slash == std::string::npos ? "." : path.substr(0, slash), context);
}

expected<cluster_config, config_error> load_in_cluster(const in_cluster_source& source) {
  auto env = source.env ? source.env : [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
  const auto host = env("KUBERNETES_SERVICE_HOST");
  const auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty()) return unexpected(config_error{"KUBERNETES_SERVICE_HOST", "is not set: not in a cluster"});
  if (!port || port->empty()) return unexpected(config_error{"KUBERNETES_SERVICE_PORT", "is not set"});
  cluster_config cfg;
  const bool ipv6 = host->find(':') != std::string::npos;
  cfg.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  cfg.token_file = source.secrets_dir + "/token";
  if (!read_file(cfg.token_file)) return unexpected(config_error{cfg.token_file, "cannot read the service-account token"});
  cfg.tls.ca_file = source.secrets_dir + "/ca.crt";
  if (!read_file(cfg.tls.ca_file)) return unexpected(config_error{cfg.tls.ca_file, "cannot read the cluster CA"});
  if (const auto ns = read_file(source.secrets_dir + "/namespace"); ns && !trim(*ns).empty())
    cfg.default_namespace = trim(*ns);
  return cfg;
}

expected<std::string, config_error> read_bearer_token(const cluster_config& cfg) {
  if (!cfg.token.empty() || cfg.token_file.empty()) return cfg.token;
  const auto text = read_file(cfg.token_file);
  if (!text) return unexpected(config_error{"tokenFile", "cannot read file '" + cfg.token_file + "'"});
  return trim(*text);
}

}  // namespace brokkr::k8s
