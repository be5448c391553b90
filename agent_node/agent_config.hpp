#pragma once
// brokkr-agent's configuration (DESIGN.md sections 6 and 10, and the seed's agent keys): every flag is
// also BROKKR_<NAME> and a key of the --config YAML file (the seed's keys under agent.ephemeral_work).
#include <chrono>
#include <string>
#include <vector>

#include "actors/scheduler.hpp"
#include "common/config.hpp"
#include "k8s/work_types.hpp"

namespace brokkr::agent {

enum class transport { caf, http };

struct shipwright_settings {
  std::string service_account = "builder-sa";
  std::chrono::milliseconds default_timeout{15 * 60 * 1000};
  std::chrono::milliseconds retention_succeeded{3600 * 1000};
  std::chrono::milliseconds retention_failed{24 * 3600 * 1000};
};

struct agent_settings {
  std::string broker_url = "http://127.0.0.1:8080";
  std::string broker_caf_host = "127.0.0.1";
  uint16_t broker_caf_port = 4222;
  std::string key;               // read from --key-file
  std::string kubeconfig;        // empty: in-cluster service account
  std::string context;
  std::string namespace_name;    // default namespace for objects without one
  transport via = transport::caf;
  int max_concurrent_work = 4;
  std::string health_host = "127.0.0.1";
  uint16_t health_port = 9090;
  bool enabled = true;           // agent.ephemeral_work.enabled
  std::chrono::milliseconds poll_interval{30000};
  std::vector<std::string> work_types = k8s::work_type_list();  // every registered type
  shipwright_settings shipwright;
  std::string field_manager = "brokkr-agent";
  int failure_log_lines = 50;
  int failure_log_bytes = 16 * 1024;
  int success_log_lines = 10;
  std::string tls_cert, tls_key, tls_ca;  // CAF transport security: TLS exactly when tls_ca is set
  bool allow_plaintext = false;            // a broker off loopback without TLS is refused unless set
  // Namespaces work may write to; empty: only the agent's own (--namespace or the kubeconfig's);
  // "*": any namespace and cluster-scoped objects too.
  std::vector<std::string> allowed_namespaces;
  scheduler_settings scheduler;
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{30000};
};

config::parser agent_options();
expected<agent_settings, config::error> settings_from(const config::values& v);

}  // namespace brokkr::agent
