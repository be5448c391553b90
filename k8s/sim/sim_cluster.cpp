#include "k8s/sim/sim_cluster.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "common/http_self_signed.hpp"
#include "common/http_server.hpp"
#include "common/log.hpp"
#include "k8s/base64.hpp"
#include "k8s/sim/api_server.hpp"
#include "k8s/sim/embedded_assets.hpp"
#include "k8s/sim/job_controller.hpp"
#include "k8s/sim/shipwright_controller.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::sim {
namespace {

std::string random_token() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, sizeof(alphabet) - 2);
  std::string out = "sim-";
  for (int i = 0; i < 32; ++i) out += alphabet[pick(rd)];
  return out;
}

expected<ok_t, std::string> write_private_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return unexpected("cannot write " + tmp);
    out << text;
  }
  ::chmod(tmp.c_str(), 0600);
  // Readers polling for the file never see half of it.
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return unexpected("cannot rename " + tmp + " to " + path);
  return ok;
}

}  // namespace

struct sim_cluster::impl {
  explicit impl(sim_config c)
      : cfg(std::move(c)),
        store(registry, cfg.watch_history),
        disc(registry),
        shipwright(store, registry, sched, logs, {.default_duration = cfg.default_duration, .cluster_name = cfg.name}),
        jobs(store, registry, sched, cfg.default_duration),
        api({registry, store, disc, faults, logs, sched},
            {.token = cfg.token, .bookmark_interval = cfg.bookmark_interval, .default_watch_timeout = cfg.watch_timeout},
            [this](const served_resource& r, const json& obj) { return shipwright.admit(r, obj); }) {}

  void install();

  sim_config cfg;
  resource_registry registry;
  object_store store;
  scheduler sched;
  pod_logs logs;
  fault_injector faults;
  discovery disc;
  shipwright_controller shipwright;
  job_controller jobs;
  api_server api;
  std::string ca_pem;
  std::unique_ptr<http::server> server;
  uint16_t port = 0;
};

void sim_cluster::impl::install() {
  const auto& ns_res = registry.get(resources::namespaces);
  for (const auto& ns : {std::string("default"), cfg.default_namespace}) {
    json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
    (void)store.create(ns_res, std::move(obj), {.internal = true});
  }
  if (!cfg.install_strategies) return;
  const auto& cbs = registry.get(resources::clusterbuildstrategies);
  for (const auto& a : embedded_assets()) {
    if (a.name.rfind("strategies/", 0) != 0) continue;
    auto docs = parse_yaml_documents(a.content);
    if (!docs) {
      log::error("sim", "embedded strategy ", a.name, " does not parse: ", docs.error());
      continue;
    }
    for (auto& d : *docs) (void)store.create(cbs, std::move(d), {.field_manager = "brokkr-sim", .internal = true});
  }
}

sim_cluster::sim_cluster(sim_config cfg) {
  if (cfg.token.empty()) cfg.token = random_token();
  impl_ = std::make_unique<impl>(std::move(cfg));
}

sim_cluster::~sim_cluster() { stop(); }

expected<uint16_t, std::string> sim_cluster::start() {
  auto& d = *impl_;
  d.shipwright.start();
  d.jobs.start();
  d.install();
  http::server_config sc;
  sc.host = d.cfg.host;
  sc.port = d.cfg.port;
  sc.io_threads = d.cfg.io_threads;
  sc.body_limit = 3 * 1024 * 1024;  // the API server's own limit for a request body
  sc.make_error = &api_server::error_response;
  if (d.cfg.tls) {
    auto certs = http::make_self_signed({d.cfg.host, "127.0.0.1", "localhost"});
    if (!certs) return unexpected("cannot generate the TLS certificates: " + certs.error());
    d.ca_pem = certs->ca_cert_pem;
    sc.tls = http::tls_config{.cert_pem = certs->server_cert_pem, .key_pem = certs->server_key_pem};
  }
  d.server = std::make_unique<http::server>(sc, [&d](http::request req, std::shared_ptr<http::responder> r) {
    d.api.handle(std::move(req), std::move(r));
  });
  auto port = d.server->start();
  if (!port) return port;
  d.port = *port;
  if (!d.cfg.kubeconfig_out.empty()) {
    if (auto w = write_private_file(d.cfg.kubeconfig_out, kubeconfig()); !w) return unexpected(w.error());
  }
  return d.port;
}

void sim_cluster::handle(http::request req, std::shared_ptr<http::responder> r) {
  impl_->api.handle(std::move(req), std::move(r));
}

void sim_cluster::stop() {
  if (!impl_) return;
  if (impl_->server) impl_->server->stop(std::chrono::seconds(2));
  impl_->sched.stop();
}

std::string sim_cluster::server_url() const {
  const std::string host = impl_->cfg.host == "0.0.0.0" || impl_->cfg.host == "::" ? "127.0.0.1" : impl_->cfg.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->cfg.tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port);
}

const std::string& sim_cluster::token() const { return impl_->cfg.token; }
const std::string& sim_cluster::ca_pem() const { return impl_->ca_pem; }
object_store& sim_cluster::store() { return impl_->store; }
fault_injector& sim_cluster::faults() { return impl_->faults; }
const resource_registry& sim_cluster::registry() const { return impl_->registry; }
size_t sim_cluster::drop_watches() { return impl_->api.drop_watches(); }

std::string sim_cluster::kubeconfig() const {
  return make_kubeconfig(impl_->cfg.name, server_url(), impl_->ca_pem, impl_->cfg.token, impl_->cfg.default_namespace);
}

k8s::cluster_config sim_cluster::client_config() const {
  k8s::cluster_config c;
  c.server = server_url();
  c.token = impl_->cfg.token;
  c.tls.ca_pem = impl_->ca_pem;
  c.default_namespace = impl_->cfg.default_namespace;
  c.context = impl_->cfg.name;
  return c;
}

std::string make_kubeconfig(const std::string& name, const std::string& server, const std::string& ca_pem,
                            const std::string& token, const std::string& ns) {
  std::string out = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name + "\n  cluster:\n    server: " + server + "\n";
  if (!ca_pem.empty()) out += "    certificate-authority-data: " + base64_encode(ca_pem) + "\n";
  out += "users:\n- name: " + name + "\n  user:\n    token: " + token + "\n";
  out += "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name +
         "\n    namespace: " + ns + "\n";
  out += "current-context: " + name + "\npreferences: {}\n";
  return out;
}

}  // namespace brokkr::k8s::sim
