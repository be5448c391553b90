#include "broker_node/maintenance/duty.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct duty_state {
  static inline const char* name = "maintenance_duty";
  bool last_failed = false;
};

// The job the pool runs: the duty's run, timed on the connection's thread (the actor's own clock
// would count the wait in the pool's queue too).
persistence::db_job_of<duty_result> timed_job(const duty& d) {
  return persistence::make_job<duty_result>(d.name, [run = d.run_once](persistence::repositories& r) {
    const auto t0 = std::chrono::steady_clock::now();
    auto res = run(r);
    if (res) res->took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    return res;
  });
}

caf::behavior duty_actor(caf::stateful_actor<duty_state>* self, duty d, persistence::persistence_actor db) {
  self->delayed_send(self, d.interval, caf::tick_atom::value);
  return {
      [=](caf::tick_atom) {
        request_job(
            self, db, d.interval + std::chrono::seconds(30), timed_job(d),
            [=](duty_result res) {
              self->state.last_failed = false;
              if (res.count > 0 && !d.quiet) log::info(d.name, res.summary);
              if (d.observe) d.observe(res);
              self->delayed_send(self, next_run_in(d.interval, res), caf::tick_atom::value);
            },
            [=](const persistence::db_error& e) {
              if (!self->state.last_failed) log::warn(d.name, "run failed: ", e.message);
              self->state.last_failed = true;
              self->delayed_send(self, d.interval, caf::tick_atom::value);
            });
      },
  };
}

}  // namespace

std::chrono::milliseconds next_run_in(std::chrono::milliseconds interval, const duty_result& last) {
  if (!last.more) return interval;
  return std::clamp(last.took * catch_up_pause_factor, std::min(interval, std::chrono::milliseconds(10)), interval);
}

caf::actor spawn_duty(caf::actor_system& sys, duty d, persistence::persistence_actor db) {
  return sys.spawn(duty_actor, std::move(d), std::move(db));
}

}  // namespace brokkr::broker
