#include "persistence/notification_listener.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/backoff.hpp"
#include "common/log.hpp"
#include "persistence/connection.hpp"

namespace brokkr::persistence {
namespace {

class forwarding_receiver : public pqxx::notification_receiver {
 public:
  forwarding_receiver(pqxx::connection_base& c, const std::string& channel, caf::actor target)
      : pqxx::notification_receiver(c, channel), target_(std::move(target)) {}

  void operator()(const std::string& payload, int) override {
    if (channel() == work_channel) {
      work_notice n;
      if (parse_work_notice(payload, n)) caf::anon_send(target_, std::move(n));
      else log::warn("listener", "ignoring malformed notification: ", payload);
    } else {
      caf::anon_send(target_, agent_notice{payload});
    }
  }

 private:
  caf::actor target_;
};

struct listener_state {
  static inline const char* name = "db_listener";
  std::unique_ptr<db_connection> conn;
  std::unique_ptr<forwarding_receiver> work_rx;
  std::unique_ptr<forwarding_receiver> agent_rx;
  backoff retry_backoff;
};

void disconnect(listener_state& st) {
  st.work_rx.reset();
  st.agent_rx.reset();
  st.conn.reset();
}

caf::behavior listener(caf::stateful_actor<listener_state>* self, listener_config cfg, caf::actor target,
                       std::shared_ptr<db_health> health) {
  self->state.retry_backoff = reconnect_backoff(cfg.reconnect_min, cfg.reconnect_max);
  self->send(self, caf::tick_atom::value);
  return {
      [=](caf::tick_atom) {
        auto& st = self->state;
        if (!st.conn) {
          auto c = db_connection::open(cfg.url, /*prepare_statements=*/false);
          if (!c) {
            health->mark_down();
            self->delayed_send(self, st.retry_backoff.next(), caf::tick_atom::value);
            return;
          }
          st.conn = std::move(*c);
          st.work_rx = std::make_unique<forwarding_receiver>(st.conn->raw(), work_channel, target);
          st.agent_rx = std::make_unique<forwarding_receiver>(st.conn->raw(), agent_channel, target);
          st.retry_backoff.reset();
          health->mark_up();
          caf::anon_send(target, resync_atom::value);
        }
        try {
          const auto us = std::chrono::duration_cast<std::chrono::microseconds>(cfg.poll).count();
          st.conn->raw().await_notification(us / 1000000, us % 1000000);
          self->send(self, caf::tick_atom::value);
        } catch (const std::exception& e) {
          log::warn("listener", "LISTEN connection lost: ", e.what());
          disconnect(st);
          health->mark_down();
          st.retry_backoff.reset();
          self->delayed_send(self, st.retry_backoff.next(), caf::tick_atom::value);
        }
      },
  };
}

}  // namespace

bool parse_work_notice(const std::string& payload, work_notice& out) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j.contains("status")) return false;
  const auto status = parse_work_status(j.value("status", ""));
  if (!status) return false;
  out.id = j.value("id", "");
  out.status = *status;
  out.attempt = j.value("attempt", 0);
  out.event_id = j.value("event_id", int64_t{0});
  out.cancel_requested = j.value("cancel_requested", false);
  auto ms = [&](const char* key) -> int64_t { return j.contains(key) && j[key].is_number() ? j[key].get<int64_t>() : 0; };
  if (j.contains("claimed_by") && j["claimed_by"].is_string()) out.claimed_by = j["claimed_by"];
  out.lease_ms = ms("lease_ms");
  out.deadline_ms = ms("deadline_ms");
  out.retry_ms = ms("retry_ms");
  out.now_ms = ms("now_ms");
  // A new item's notice names its targets (migration 0012) when there are few enough; then it
  // describes the row completely.
  if (j.contains("targets") && j["targets"].is_array()) {
    out.complete = true;
    for (const auto& t : j["targets"]) {
      if (!t.is_string()) {
        out.complete = false;
        out.targets.clear();
        break;
      }
      out.targets.push_back(t.get<std::string>());
    }
  }
  return true;
}

caf::actor spawn_notification_listener(caf::actor_system& sys, listener_config cfg, caf::actor target,
                                       std::shared_ptr<db_health> health) {
  return sys.spawn<caf::detached>(listener, std::move(cfg), std::move(target), std::move(health));
}

}  // namespace brokkr::persistence
