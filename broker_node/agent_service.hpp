#pragma once
// The application operations on agents and keys (HTTP only: CAF peers never manage agents): the
// routes of broker_node/http/agent_routes.cpp parse and render; this decides and builds the jobs.
// Deleting an agent or rotating its key empties the verified-key cache, so the old key stops
// working on this broker at once (other replicas: within their cache TTL).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/agent_record.hpp"
#include "broker_node/auth/api_key.hpp"
#include "broker_node/auth/identity.hpp"
#include "broker_node/work_service.hpp"
#include "persistence/agent_repository.hpp"

namespace brokkr::broker {

struct created_agent {
  agent_record agent;
  std::string key;  // shown once
};

class agent_service {
 public:
  explicit agent_service(std::shared_ptr<auth::key_cache> keys);

  // A presented key's identity: a cache hit needs no job (nullopt job, identity set).
  struct auth_step {
    std::optional<auth::identity> cached;
    std::optional<db_job_of<auth::identity>> lookup;
  };
  expected<auth_step, db_error> authenticate(const std::string& key_text) const;

  op<created_agent> create(const auth::identity& who, persistence::agent_create_params p) const;
  op<persistence::agent_page> list(const auth::identity& who, persistence::agent_list_params p) const;
  op<agent_record> get(const auth::identity& who, const std::string& id) const;
  op<agent_record> set_status(const auth::identity& who, const std::string& id, agent_status s) const;
  op<ok_t> remove(const auth::identity& who, const std::string& id) const;
  op<timestamp> heartbeat(const auth::identity& who, const std::string& id) const;
  op<std::string> rotate_key(const auth::identity& who, const std::string& id) const;
  op<agent_record> edit_labels(const auth::identity& who, const std::string& id, persistence::label_edit edit,
                               std::vector<std::string> labels) const;
  op<agent_record> edit_annotations(const auth::identity& who, const std::string& id, persistence::label_edit edit,
                                    std::map<std::string, std::string> annotations) const;

 private:
  std::shared_ptr<auth::key_cache> keys_;
};

}  // namespace brokkr::broker
