#pragma once
// One lifecycle through the repositories (a submit naming one agent, claim_next, complete): what
// bench_queue's repositories phase runs and bench_instructions counts, written once so that the
// two measure the same thing.
#include <string>

#include "persistence/ephemeral_work_repository.hpp"
#include "tests/support/factories.hpp"

namespace brokkr::bench {

enum class lifecycle_result { done, nothing_claimed, failed };

// Each step through its own repository (bench_instructions counts each step's backend apart).
inline lifecycle_result repository_lifecycle(persistence::ephemeral_work_repository& submit,
                                             persistence::ephemeral_work_repository& claim,
                                             persistence::ephemeral_work_repository& complete,
                                             const std::string& agent_id) {
  if (!submit.create(test::make_request({.agent_ids = {agent_id}}))) return lifecycle_result::failed;
  auto c = claim.claim_next(agent_id);
  if (!c) return lifecycle_result::failed;
  if (c->empty()) return lifecycle_result::nothing_claimed;  // another client took it
  const bool completed = complete.complete({.work_id = c->front().id, .agent_id = agent_id,
                                            .attempt = c->front().attempt, .outcome = work_outcome::completed})
                             .has_value();
  return completed ? lifecycle_result::done : lifecycle_result::failed;
}

inline lifecycle_result repository_lifecycle(persistence::ephemeral_work_repository& repo, const std::string& agent_id) {
  return repository_lifecycle(repo, repo, repo, agent_id);
}

}  // namespace brokkr::bench
