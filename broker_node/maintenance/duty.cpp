#include "broker_node/maintenance/duty.hpp"

#include <caf/all.hpp>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct duty_state {
  static inline const char* name = "maintenance_duty";
  bool last_failed = false;
};

caf::behavior duty_actor(caf::stateful_actor<duty_state>* self, duty d, persistence::persistence_actor db) {
  self->delayed_send(self, d.interval, caf::tick_atom::value);
  return {
      [=](caf::tick_atom) {
        request_job(
            self, db, d.interval + std::chrono::seconds(30), persistence::make_job<duty_result>(d.name, d.run_once),
            [=](duty_result res) {
              self->state.last_failed = false;
              if (res.count > 0 && !d.quiet) log::info(d.name, res.summary);
              if (d.observe) d.observe(res);
              self->delayed_send(self, d.interval, caf::tick_atom::value);
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

caf::actor spawn_duty(caf::actor_system& sys, duty d, persistence::persistence_actor db) {
  return sys.spawn(duty_actor, std::move(d), std::move(db));
}

}  // namespace brokkr::broker
