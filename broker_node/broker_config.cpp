#include "broker_node/broker_config.hpp"

#include "common/program.hpp"

namespace brokkr::broker {

using config::kind;

config::parser broker_options() {
  const broker_settings d;  // every default below is the struct's initialiser
  using config::duration_text;
  using std::to_string;
  config::parser p("brokkr-broker", "The Brokkr broker: the ephemeral work queue, its HTTP API and CAF endpoint.");
  p.add({.name = "database-url", .help = "PostgreSQL connection URL", .required = true, .secret = true});
  p.add({.name = "http-listen", .help = "HTTP API address", .default_value = config::host_port_text(d.http_host, d.http_port), .type = kind::host_port});
  p.add({.name = "caf-listen", .help = "CAF endpoint for agents and integrations (empty: disabled)",
         .default_value = config::host_port_text(d.caf_host, d.caf_port), .type = kind::string});
  p.add({.name = "admin-key-file", .help = "where the first start writes the admin key (mode 0600)",
         .default_value = d.admin_key_file});
  p.add({.name = "admin-key-hash", .help = "an admin key given as <short id>:<sha256 hex> (see brokkr-broker keygen)",
         .secret = true});
  p.add({.name = "db-pool-size", .help = "PostgreSQL connections for requests", .default_value = to_string(d.db_pool_size),
         .type = kind::integer, .min = 1, .max = 64});
  p.add({.name = "http-threads", .help = "HTTP I/O threads", .default_value = to_string(d.http_threads), .type = kind::integer, .min = 1, .max = 64});
  p.add({.name = "http-body-limit", .help = "largest accepted request body in bytes", .default_value = to_string(d.http_body_limit),
         .type = kind::integer, .min = 1024, .max = 64 * 1024 * 1024});
  p.add({.name = "http-max-connections", .help = "open HTTP connections at once; more get 503 and are closed",
         .default_value = to_string(d.http_max_connections), .type = kind::integer, .min = 16, .max = 1000000});
  p.add({.name = "http-header-timeout", .help = "a client must send a request's whole header within this, from its first byte",
         .default_value = duration_text(d.http_header_timeout), .type = kind::duration});
  p.add({.name = "caf-max-connections", .help = "CAF peers connected at once; more are closed at accept",
         .default_value = to_string(d.caf_max_connections), .type = kind::integer, .min = 16, .max = 1000000});
  p.add({.name = "caf-max-message", .help = "largest CAF message a peer may send, in bytes (the BASP guard closes the connection past it)",
         .default_value = to_string(d.caf_max_message), .type = kind::integer, .min = 2 * 1024 * 1024, .max = 256 * 1024 * 1024});
  p.add({.name = "request-timeout", .help = "an HTTP request whose database job has not started by then gets 504 (ADR 59)", .default_value = duration_text(d.request_timeout),
         .type = kind::duration});
  p.add({.name = "backoff-cap", .help = "longest wait between retries of an item", .default_value = duration_text(d.backoff_cap),
         .type = kind::duration});
  p.add({.name = "retry-elsewhere-for",
         .help = "a retry is offered to the item's other ACTIVE targets for this long before the agent that failed it (0s: no preference)",
         .default_value = duration_text(d.retry_elsewhere_for), .type = kind::duration});
  p.add({.name = "claim-sweep-interval", .help = "safety-net sweep for stale claims", .default_value = duration_text(d.maintenance.claims.interval),
         .type = kind::duration});
  p.add({.name = "ttl-sweep-interval", .help = "how often finished items past their TTL are soft-deleted",
         .default_value = duration_text(d.maintenance.ttl.interval), .type = kind::duration});
  p.add({.name = "purge-interval", .help = "how often soft-deleted items are purged", .default_value = duration_text(d.maintenance.purge.interval),
         .type = kind::duration});
  p.add({.name = "purge-after", .help = "how long soft-deleted items are kept before purging", .default_value = duration_text(d.maintenance.purge.retention),
         .type = kind::duration});
  p.add({.name = "rehydrate-interval", .help = "how often work-item actors are compared with the database",
         .default_value = duration_text(d.maintenance.rehydrate_interval), .type = kind::duration});
  p.add({.name = "key-cache-ttl", .help = "how long a verified API key is trusted without a lookup",
         .default_value = duration_text(d.key_cache_ttl), .type = kind::duration});
  p.add({.name = "shutdown-timeout", .help = "how long in-flight requests may finish on SIGTERM", .default_value = duration_text(d.shutdown_timeout),
         .type = kind::duration});
  p.add({.name = "db-wait", .help = "how long start-up waits for PostgreSQL", .default_value = duration_text(d.db_wait),
         .type = kind::duration});
  p.add({.name = "agent-grace-period", .help = "a disconnected agent's claims expire after this; longer keeps claims across slow agent restarts (ADR 0054)", .default_value = duration_text(d.agent_grace),
         .type = kind::duration});
  p.add({.name = "push-fanout", .help = "a new item is pushed to this many of its connected agents first, to all a second later if unclaimed (0: all at once; ADR 0062)",
         .default_value = std::to_string(d.push_fanout), .type = kind::integer, .min = 0, .max = 1000000});
  p.add({.name = "agent-ready-window", .help = "an ACTIVE agent seen within this (HTTP poll, or an open CAF session) is READY",
         .default_value = duration_text(d.agent_ready_window), .type = kind::duration});
  p.add({.name = "presence-interval", .help = "how often agents' presence (LAST SEEN) is written to PostgreSQL",
         .default_value = duration_text(d.maintenance.presence_interval), .type = kind::duration});
  p.add({.name = "tls-cert", .help = "PEM certificate for the CAF endpoint"});
  p.add({.name = "tls-key", .help = "PEM private key for the CAF endpoint", .secret = true});
  p.add({.name = "tls-ca", .help = "PEM CA bundle that CAF peers' certificates must chain to"});
  p.add({.name = "allow-plaintext", .help = "allow an unencrypted CAF endpoint on a non-loopback address",
         .default_value = config::boolean_text(d.allow_plaintext), .type = kind::boolean});
  add_scheduler_options(p);
  program::add_log_options(p);
  p.add({.name = "ready-file", .help = "once serving, write {\"http_port\", \"caf_port\", \"pid\"} here (for scripts and tests)"});
  return p;
}

expected<broker_settings, config::error> settings_from(const config::values& v) {
  broker_settings s;
  s.database_url = v.str("database-url");
  std::tie(s.http_host, s.http_port) = v.host_port("http-listen");
  if (const auto& caf = v.str("caf-listen"); caf.empty()) {
    s.caf_enabled = false;
  } else {
    const auto hp = config::parse_host_port(caf);
    if (!hp) return unexpected(config::error{"--caf-listen", "invalid value for --caf-listen: must be HOST:PORT"});
    std::tie(s.caf_host, s.caf_port) = *hp;
  }
  s.admin_key_file = v.str("admin-key-file");
  s.admin_key_hash = v.str("admin-key-hash");
  s.db_pool_size = static_cast<int>(v.integer("db-pool-size"));
  s.http_threads = static_cast<int>(v.integer("http-threads"));
  s.http_body_limit = static_cast<size_t>(v.integer("http-body-limit"));
  s.http_max_connections = static_cast<size_t>(v.integer("http-max-connections"));
  s.caf_max_connections = static_cast<size_t>(v.integer("caf-max-connections"));
  s.http_header_timeout = std::chrono::duration_cast<std::chrono::seconds>(v.duration("http-header-timeout"));
  s.caf_max_message = static_cast<uint32_t>(v.integer("caf-max-message"));
  s.request_timeout = v.duration("request-timeout");
  s.backoff_cap = std::chrono::duration_cast<std::chrono::seconds>(v.duration("backoff-cap"));
  s.retry_elsewhere_for = std::chrono::duration_cast<std::chrono::seconds>(v.duration("retry-elsewhere-for"));
  s.key_cache_ttl = v.duration("key-cache-ttl");
  s.shutdown_timeout = v.duration("shutdown-timeout");
  s.db_wait = v.duration("db-wait");
  s.agent_grace = v.duration("agent-grace-period");
  s.push_fanout = static_cast<int>(v.integer("push-fanout"));
  s.agent_ready_window = v.duration("agent-ready-window");
  s.maintenance.presence_interval = v.duration("presence-interval");
  s.tls_cert = v.str("tls-cert");
  s.tls_key = v.str("tls-key");
  s.tls_ca = v.str("tls-ca");
  s.allow_plaintext = v.boolean("allow-plaintext");
  s.maintenance.claims.interval = v.duration("claim-sweep-interval");
  s.maintenance.ttl.interval = v.duration("ttl-sweep-interval");
  s.maintenance.purge.interval = v.duration("purge-interval");
  s.maintenance.purge.retention = std::chrono::duration_cast<std::chrono::seconds>(v.duration("purge-after"));
  s.maintenance.rehydrate_interval = v.duration("rehydrate-interval");
  if (auto sch = scheduler_from(v); sch) s.scheduler = *sch;
  else return unexpected(sch.error());

  auto check = [](const char* field, status<std::string> st) -> status<config::error> {
    if (!st) return unexpected(config::error{field, std::string(field) + ": " + st.error()});
    return ok;
  };
  if (auto c = check("--claim-sweep-interval", validate(s.maintenance.claims)); !c) return unexpected(c.error());
  if (auto c = check("--ttl-sweep-interval", validate(s.maintenance.ttl)); !c) return unexpected(c.error());
  if (auto c = check("--purge-interval", validate(s.maintenance.purge)); !c) return unexpected(c.error());
  if (s.http_header_timeout < std::chrono::seconds(1))
    return unexpected(config::error{"--http-header-timeout", "--http-header-timeout must be at least 1s"});
  if (s.request_timeout < std::chrono::milliseconds(100))
    return unexpected(config::error{"--request-timeout", "--request-timeout must be at least 100ms"});
  if (s.retry_elsewhere_for > std::chrono::hours(24))
    return unexpected(config::error{"--retry-elsewhere-for", "--retry-elsewhere-for must be at most 24h"});
  if (s.maintenance.presence_interval < std::chrono::milliseconds(100))
    return unexpected(config::error{"--presence-interval", "--presence-interval must be at least 100ms"});
  if (s.agent_ready_window <= s.maintenance.presence_interval)
    return unexpected(config::error{"--agent-ready-window", "--agent-ready-window must be longer than --presence-interval (" +
                                                               config::duration_text(s.maintenance.presence_interval) + ")"});
  if (s.backoff_cap < std::chrono::seconds(1))
    return unexpected(config::error{"--backoff-cap", "--backoff-cap must be at least 1s"});
  if ((s.tls_cert.empty() != s.tls_key.empty()) || (!s.tls_ca.empty() && s.tls_cert.empty()))
    return unexpected(config::error{"--tls-cert", "--tls-cert, --tls-key (and --tls-ca) must be given together"});
  const bool loopback = s.caf_host == "127.0.0.1" || s.caf_host == "localhost" || s.caf_host == "::1";
  if (s.caf_enabled && !loopback && s.tls_cert.empty() && !s.allow_plaintext)
    return unexpected(config::error{"--caf-listen", "--caf-listen on " + s.caf_host +
                                                        " needs --tls-cert/--tls-key/--tls-ca, or --allow-plaintext"});
  return s;
}

}  // namespace brokkr::broker
