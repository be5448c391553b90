#pragma once
// A maintenance duty (STYLE.md 5.7, after River's internal/maintenance): one job, run every
// `interval` on the persistence pool, reporting what it did. The duty actor logs only when it
// acted on something, and keeps ticking through database outages.
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "persistence/persistence_actor.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace brokkr::broker {

struct duty_result {
  size_t count = 0;                       // rows acted on
  std::string summary;                    // "3 stale claims expired (2 to retry, ...)"
  std::map<std::string, size_t> counts;   // by kind, for metrics
  bool more = false;                      // stopped on its batch budget: more may be due now
  std::chrono::milliseconds took{0};      // the run's own time, timed in its job on the pool's thread
};

struct duty {
  std::string name;
  std::chrono::milliseconds interval{10000};
  std::function<persistence::db_result<duty_result>(persistence::repositories&)> run_once;
  std::function<void(const duty_result&)> observe;  // optional: metrics
  bool quiet = false;  // a duty that acts on every run by design logs only its failures
};

// How long after a run the next one is due (ADR 0078). A run that stopped on its batch budget left
// work that is due now (a backlog after an outage, a TTL lowered, a fleet finishing more items per
// interval than one run's budget), so it goes on after a pause of catch_up_pause_factor times what
// the run took: while it catches up the duty keeps its connection busy a quarter of the time at
// most (unless a run takes more than a third of the interval, which caps the pause), and its
// batches never run back to back for longer than one run. Never longer than the interval, never
// under 10 ms.
inline constexpr int catch_up_pause_factor = 3;
std::chrono::milliseconds next_run_in(std::chrono::milliseconds interval, const duty_result& last);

// Spawns the duty's actor; its first run is one interval after start.
caf::actor spawn_duty(caf::actor_system& sys, duty d, persistence::persistence_actor db);

}  // namespace brokkr::broker
