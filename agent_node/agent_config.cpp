#include "agent_node/agent_config.hpp"

#include <fstream>
#include <sstream>

#include "common/program.hpp"
#include "k8s/apply_manifest.hpp"
#include "k8s/work_types.hpp"

namespace brokkr::agent {

using config::kind;

namespace {

const std::string ew = "agent.ephemeral_work.";
const std::string sw = "agent.ephemeral_work.shipwright.";

}  // namespace

config::parser agent_options() {
  const agent_settings d;  // every default below is the struct's initialiser
  using config::duration_text;
  using std::to_string;
  config::parser p("brokkr-agent", "The Brokkr agent: claims work targeted at this cluster and runs it here.");
  p.add({.name = "broker-url", .help = "the broker's HTTP API", .default_value = d.broker_url});
  p.add({.name = "broker-caf", .help = "the broker's CAF endpoint", .default_value = config::host_port_text(d.broker_caf_host, d.broker_caf_port), .type = kind::host_port});
  p.add({.name = "key-file", .help = "file holding this agent's API key", .required = true});
  p.add({.name = "kubeconfig", .help = "kubeconfig file (empty: the in-cluster service account)"});
  p.add({.name = "context", .help = "kubeconfig context (empty: the current one)"});
  p.add({.name = "namespace", .help = "namespace for objects whose manifest names none (default: the kubeconfig's)"});
  p.add({.name = "transport", .help = "caf (pushes) or http (polling the seed's endpoints)", .default_value = d.via == transport::caf ? "caf" : "http"});
  p.add({.name = "max-concurrent-work", .help = "work items run at once", .default_value = to_string(d.max_concurrent_work), .type = kind::integer,
         .min = 1, .max = 1000});
  p.add({.name = "health-listen", .help = "address of /healthz, /readyz and /metrics", .default_value = config::host_port_text(d.health_host, d.health_port),
         .type = kind::host_port});
  p.add({.name = "enabled", .help = "claim ephemeral work at all", .default_value = config::boolean_text(d.enabled), .type = kind::boolean,
         .yaml_path = ew + "enabled"});
  p.add({.name = "poll-interval-seconds", .help = "how often to look for work without a push (the safety net)",
         .default_value = to_string(std::chrono::duration_cast<std::chrono::seconds>(d.poll_interval).count()),
         .type = kind::integer, .min = 1, .max = 3600, .yaml_path = ew + "poll_interval_seconds"});
  p.add({.name = "work-types", .help = "work types this agent runs", .default_value = config::list_text(d.work_types),
         .type = kind::list, .yaml_path = ew + "work_types"});
  p.add({.name = "service-account", .help = "ServiceAccount of BuildRuns (unless the work's BuildRun names one)",
         .default_value = d.shipwright.service_account, .yaml_path = sw + "service_account"});
  p.add({.name = "default-timeout", .help = "BuildRun timeout unless the Build or BuildRun sets one",
         .default_value = duration_text(d.shipwright.default_timeout), .type = kind::duration, .yaml_path = sw + "default_timeout"});
  p.add({.name = "build-retention-succeeded", .help = "how long Shipwright keeps a succeeded BuildRun",
         .default_value = duration_text(d.shipwright.retention_succeeded), .type = kind::duration, .yaml_path = sw + "build_retention_succeeded"});
  p.add({.name = "build-retention-failed", .help = "how long Shipwright keeps a failed BuildRun",
         .default_value = duration_text(d.shipwright.retention_failed), .type = kind::duration, .yaml_path = sw + "build_retention_failed"});
  p.add({.name = "field-manager", .help = "server-side apply field manager", .default_value = d.field_manager});
  p.add({.name = "failure-log-lines", .help = "lines of the failed step's log reported", .default_value = to_string(d.failure_log_lines),
         .type = kind::integer, .min = 0, .max = 10000});
  p.add({.name = "failure-log-bytes", .help = "bytes of the failed step's log reported", .default_value = to_string(d.failure_log_bytes),
         .type = kind::integer, .min = 0, .max = 200000});
  p.add({.name = "success-log-lines", .help = "lines of the build step's log reported on success", .default_value = to_string(d.success_log_lines),
         .type = kind::integer, .min = 0, .max = 10000});
  p.add({.name = "tls-cert", .help = "PEM client certificate for a TLS CAF endpoint"});
  p.add({.name = "tls-key", .help = "PEM private key for a TLS CAF endpoint", .secret = true});
  p.add({.name = "tls-ca", .help = "PEM CA bundle the broker's certificate must chain to (turns TLS on)"});
  p.add({.name = "allow-plaintext", .help = "allow a broker off loopback without TLS (CAF without --tls-ca, or an http:// URL)",
         .default_value = config::boolean_text(d.allow_plaintext), .type = kind::boolean});
  p.add({.name = "allowed-namespaces",
         .help = "namespaces work may create objects in (default: the agent's own namespace; * for any, cluster-scoped included)",
         .type = kind::list});
  add_scheduler_options(p);
  program::add_log_options(p);
  return p;
}

expected<agent_settings, config::error> settings_from(const config::values& v) {
  agent_settings s;
  s.broker_url = v.str("broker-url");
  while (!s.broker_url.empty() && s.broker_url.back() == '/') s.broker_url.pop_back();
  if (s.broker_url.rfind("http://", 0) != 0 && s.broker_url.rfind("https://", 0) != 0)
    return unexpected(config::error{"--broker-url", "--broker-url must start with http:// or https://"});
  std::tie(s.broker_caf_host, s.broker_caf_port) = v.host_port("broker-caf");
  {
    std::ifstream in(v.str("key-file"));
    if (!in) return unexpected(config::error{"--key-file", "cannot read --key-file " + v.str("key-file")});
    std::getline(in, s.key);
    while (!s.key.empty() && (s.key.back() == '\r' || s.key.back() == ' ')) s.key.pop_back();
    if (s.key.rfind("brokkr_BR", 0) != 0)
      return unexpected(config::error{"--key-file", "--key-file " + v.str("key-file") + " does not hold a brokkr_BR... key"});
  }
  s.kubeconfig = v.str("kubeconfig");
  s.context = v.str("context");
  s.namespace_name = v.str("namespace");
  const auto& t = v.str("transport");
  if (t == "caf") s.via = transport::caf;
  else if (t == "http") s.via = transport::http;
  else return unexpected(config::error{"--transport", "--transport must be caf or http"});
  s.max_concurrent_work = static_cast<int>(v.integer("max-concurrent-work"));
  std::tie(s.health_host, s.health_port) = v.host_port("health-listen");
  s.enabled = v.boolean("enabled");
  s.poll_interval = std::chrono::seconds(v.integer("poll-interval-seconds"));
  s.work_types = v.list("work-types");
  for (const auto& w : s.work_types)
    if (!k8s::find_work_type(w))
      return unexpected(config::error{"--work-types", "unknown work type '" + w + "' in --work-types (known: " +
                                                          k8s::work_type_names() + ")"});
  s.shipwright.service_account = v.str("service-account");
  s.shipwright.default_timeout = v.duration("default-timeout");
  s.shipwright.retention_succeeded = v.duration("build-retention-succeeded");
  s.shipwright.retention_failed = v.duration("build-retention-failed");
  s.field_manager = v.str("field-manager");
  s.failure_log_lines = static_cast<int>(v.integer("failure-log-lines"));
  s.failure_log_bytes = static_cast<int>(v.integer("failure-log-bytes"));
  s.success_log_lines = static_cast<int>(v.integer("success-log-lines"));
  s.tls_cert = v.str("tls-cert");
  s.tls_key = v.str("tls-key");
  s.tls_ca = v.str("tls-ca");
  if (auto sch = scheduler_from(v); sch) s.scheduler = *sch;
  else return unexpected(sch.error());
  s.allow_plaintext = v.boolean("allow-plaintext");
  s.allowed_namespaces = v.list("allowed-namespaces");
  for (const auto& ns : s.allowed_namespaces)
    if (ns != "*" && !k8s::apply::is_dns_label(ns))
      return unexpected(config::error{"--allowed-namespaces", "--allowed-namespaces: '" + ns + "' is not a namespace name"});
  if (s.tls_cert.empty() != s.tls_key.empty())
    return unexpected(config::error{"--tls-cert", "--tls-cert and --tls-key must be given together"});
  // TLS is on exactly when a CA is given: a client certificate without one used to dial plaintext.
  if (!s.tls_cert.empty() && s.tls_ca.empty())
    return unexpected(config::error{"--tls-ca", "--tls-cert/--tls-key need --tls-ca (the CA the broker's certificate chains to)"});
  const auto loopback = [](const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; };
  if (s.via == transport::caf && s.tls_ca.empty() && !loopback(s.broker_caf_host) && !s.allow_plaintext)
    return unexpected(config::error{"--broker-caf", "--broker-caf " + s.broker_caf_host +
                                                        " is not loopback: give --tls-ca (and --tls-cert/--tls-key), or --allow-plaintext"});
  if (s.via == transport::http && s.broker_url.rfind("http://", 0) == 0 && !s.allow_plaintext) {
    const auto host_part = s.broker_url.substr(7, s.broker_url.find_first_of(":/", 7) - 7);
    if (!loopback(host_part))
      return unexpected(config::error{"--broker-url", "--broker-url " + s.broker_url +
                                                          " sends the agent key in plaintext: use https://, or --allow-plaintext"});
  }
  return s;
}

}  // namespace brokkr::agent
