#pragma once
// "Item X changed": what PostgreSQL's NOTIFY (trigger in migration 0005) tells every broker
// replica after each transition. A hint to re-read, never a source of truth.
#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/work_status.hpp"

namespace brokkr {

struct work_notice {
  std::string id;
  work_status status = work_status::pending;
  int attempt = 0;
  int64_t event_id = 0;
  bool cancel_requested = false;
  // The row's deadlines at that transition, in milliseconds since the epoch (0: none), and the
  // database's clock when it was written: enough to arm a claim's timer without a read.
  std::string claimed_by;
  int64_t lease_ms = 0;
  int64_t deadline_ms = 0;
  int64_t retry_ms = 0;
  int64_t now_ms = 0;
  // A resync pass reads whole rows; its notice carries the item's target agents and is then
  // complete: the work-item actor applies it without reading the row again.
  std::vector<std::string> targets;
  bool complete = false;
};

// An agent was created or changed (labels, annotations, status): its sessions re-check pending work.
struct agent_notice {
  std::string agent_id;
};

}  // namespace brokkr

// In-process only: notices come from this broker's LISTEN connection.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::work_notice)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent_notice)
