#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "actors/agent_session_protocol.hpp"
#include "actors/claim_protocol.hpp"
#include "actors/work_notice.hpp"
#include "actors/work_item_protocol.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::broker {

struct work_item_config {
  // Fired this long after a deadline, so the expiry statement sees it as passed.
  std::chrono::milliseconds timer_slack{50};
  // After a failed read (database down) the actor tries again this often.
  std::chrono::milliseconds retry_read{1000};
  std::chrono::seconds db_timeout{10};
  // The queue's retry hold (persistence::work_queue_config::retry_elsewhere_for): when it ends, the
  // agent that failed the last attempt may claim, so it is told again.
  std::chrono::milliseconds retry_elsewhere{0};
  // A new item is first offered to at most this many connected targets (0: all), and to all of
  // them if it is still unclaimed `reoffer_after` later (ADR 0062, --push-fanout).
  int32_t push_fanout = 0;
  std::chrono::milliseconds reoffer_after{1000};
};

struct work_item_deps {
  persistence::persistence_actor db;
  push_sink_actor pushes;  // may be invalid: then nothing is pushed
  work_item_config cfg;
  // Told when the actor has nothing to time and no subscriber, so that it can be retired (ADR
  // 0066). Invalid: the actor lives until its item ends.
  claim_supervisor_actor supervisor;
};

// The caller monitors the actor (the claim supervisor does). With `initial` (rehydration reads a
// page of rows at once, or a new item's notice names its targets), the actor starts from it
// instead of reading its row. `announced`: the last event the item's agents and subscribers were
// already told of (an item started again after it was retired), so that it is not pushed again.
work_item_actor spawn_work_item(caf::actor_system& sys, std::string id, work_item_deps deps,
                                std::optional<persistence::work_timing> initial = std::nullopt,
                                int64_t announced = -1);

// Whether a new item with this many targets is offered to a few of them first and to all later
// (ADR 0062): then it needs an actor for the re-offer's timer.
bool offer_is_staged(const work_item_config& cfg, size_t targets);

// What a complete notice (work_notice::complete) says about the row, as a read of it would.
persistence::work_timing timing_of(const work_notice& n);

}  // namespace brokkr::broker
