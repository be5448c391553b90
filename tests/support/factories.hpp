#pragma once
// Row factories for tests: defaults that are valid, options to vary one thing at a time.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/agent_record.hpp"
#include "actors/work_item.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/ephemeral_work_repository.hpp"

namespace brokkr::test {

// A Shipwright Build manifest that passes validation.
std::string sample_build_spec(const std::string& name = "app-build");

struct agent_opts {
  std::string name;  // empty: agent-<n>
  std::string cluster = "cluster-a";
  std::vector<std::string> labels;
  std::map<std::string, std::string> annotations;
  agent_status status = agent_status::active;
};
agent_record make_agent(persistence::agent_repository& repo, agent_opts o = {});

struct work_opts {
  std::vector<std::string> agent_ids;
  std::vector<std::string> labels;
  std::map<std::string, std::string> annotations;
  target_match match = target_match::all;
  int max_retries = 3;
  int claim_timeout_seconds = 3600;
  int ttl_seconds = 3600;
  int backoff_base_seconds = 30;
  int lease_seconds = 0;  // 0: the default
  int priority = 0;
  std::string idempotency_key;
  std::string work_type = "shipwright-build";
};
work_request make_request(const work_opts& o);

// claim_next of one item, as the seed's claim-next endpoint answers: the item, or none.
persistence::db_result<std::optional<work_item>> claim_one(persistence::ephemeral_work_repository& repo,
                                                           const std::string& agent_id,
                                                           const std::vector<std::string>& work_types = {});
// A report for item `id` (tests build reports from the item they claimed).
completion_report for_item(const std::string& id, completion_report r);
work_item make_work(persistence::ephemeral_work_repository& repo, const work_opts& o);

}  // namespace brokkr::test
