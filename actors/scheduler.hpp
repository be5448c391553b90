#pragma once
// Which CAF scheduler a Brokkr process runs its actors on, and how often its BASP connections
// heartbeat; shared by the broker and the agent.
//
// Our actors are short message handlers; the blocking work (libpq, libcurl) runs on detached
// workers. CAF's default work-stealing scheduler spins its threads between messages, which on a
// small node takes CPU from PostgreSQL and the job workers; the sharing scheduler parks idle
// threads on a condition variable instead. docs/adr/0015-caf-sharing-scheduler.md has the measurements.
#include <caf/fwd.hpp>

#include <chrono>
#include <string>

#include "common/config.hpp"
#include "common/expected.hpp"

namespace brokkr {

// A BASP connection that hears nothing from its peer for this many heartbeat intervals is closed:
// that is how a frozen or cut-off peer is noticed (ADR 7, ADR 64).
inline constexpr int heartbeats_per_timeout = 3;
inline constexpr std::chrono::milliseconds default_caf_heartbeat{1000};

struct scheduler_settings {
  std::string policy = "sharing";  // "sharing" or "stealing"
  int threads = 0;                 // 0: CAF's default (one per core, at least 4)
  std::chrono::milliseconds heartbeat = default_caf_heartbeat;
};

// Sets the BASP heartbeat and the connection timeout (heartbeats_per_timeout intervals).
void configure_heartbeat(caf::actor_system_config& cfg, std::chrono::milliseconds interval);

// Adds --caf-scheduler, --caf-threads and --caf-heartbeat-interval to a program's options.
void add_scheduler_options(config::parser& p);

// Reads them back; an unknown policy is an error naming --caf-scheduler, a heartbeat outside
// 100ms..1m one naming --caf-heartbeat-interval.
expected<scheduler_settings, config::error> scheduler_from(const config::values& v);

void configure_scheduler(caf::actor_system_config& cfg, const scheduler_settings& s);

}  // namespace brokkr
