#include "actors/scheduler.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

namespace brokkr {

void add_scheduler_options(config::parser& p) {
  const scheduler_settings d;
  p.add({.name = "caf-scheduler", .help = "CAF scheduler: sharing (idle threads sleep) or stealing (idle threads spin)",
         .default_value = d.policy});
  p.add({.name = "caf-threads", .help = "CAF scheduler threads (0: one per core, at least 4)",
         .default_value = std::to_string(d.threads),
         .type = config::kind::integer, .min = 0, .max = 256});
  p.add({.name = "caf-heartbeat-interval",
         .help = "how often each CAF connection tells its peer it is alive; a peer silent for three intervals is "
                 "dropped (set the same on the broker and its agents)",
         .default_value = config::duration_text(d.heartbeat), .type = config::kind::duration});
}

expected<scheduler_settings, config::error> scheduler_from(const config::values& v) {
  scheduler_settings s;
  s.policy = v.str("caf-scheduler");
  if (s.policy != "sharing" && s.policy != "stealing")
    return unexpected(config::error{"--caf-scheduler", "--caf-scheduler must be sharing or stealing, not '" + s.policy + "'"});
  s.threads = static_cast<int>(v.integer("caf-threads"));
  s.heartbeat = v.duration("caf-heartbeat-interval");
  if (s.heartbeat < std::chrono::milliseconds(100) || s.heartbeat > std::chrono::minutes(1))
    return unexpected(config::error{"--caf-heartbeat-interval", "--caf-heartbeat-interval must be between 100ms and 1m, not " +
                                                                    config::duration_text(s.heartbeat)});
  return s;
}

void configure_heartbeat(caf::actor_system_config& cfg, std::chrono::milliseconds interval) {
  cfg.set("middleman.heartbeat-interval", caf::timespan{interval});
  cfg.set("middleman.connection-timeout", caf::timespan{interval * heartbeats_per_timeout});
}

void configure_scheduler(caf::actor_system_config& cfg, const scheduler_settings& s) {
  cfg.set("scheduler.policy", s.policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
  if (s.threads > 0) cfg.set("scheduler.max-threads", static_cast<size_t>(s.threads));
  configure_heartbeat(cfg, s.heartbeat);
}

}  // namespace brokkr
