#pragma once
// Which CAF scheduler a Brokkr process runs its actors on, shared by the broker and the agent.
//
// Our actors are short message handlers; the blocking work (libpq, libcurl) runs on detached
// workers. CAF's default work-stealing scheduler spins its threads between messages, which on a
// small node takes CPU from PostgreSQL and the job workers; the sharing scheduler parks idle
// threads on a condition variable instead. docs/adr/0015-caf-sharing-scheduler.md has the measurements.
#include <caf/fwd.hpp>

#include <string>

#include "common/config.hpp"
#include "common/expected.hpp"

namespace brokkr {

struct scheduler_settings {
  std::string policy = "sharing";  // "sharing" or "stealing"
  int threads = 0;                 // 0: CAF's default (one per core, at least 4)
};

// Adds --caf-scheduler and --caf-threads to a program's options.
void add_scheduler_options(config::parser& p);

// Reads them back; an unknown policy is an error naming --caf-scheduler.
expected<scheduler_settings, config::error> scheduler_from(const config::values& v);

void configure_scheduler(caf::actor_system_config& cfg, const scheduler_settings& s);

}  // namespace brokkr
