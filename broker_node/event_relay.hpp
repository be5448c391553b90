#pragma once
// Delivers an item's transitions, in order, to one consumer until the item is terminal: the
// HTTP facade's followed event streams and CAF integrations' subscriptions both use it. Without a
// work id it relays every item's transitions (the console's feed) by polling alone.
// It subscribes at the claim supervisor for "changed" notices, reads the new events from
// PostgreSQL, and also polls as a safety net (a notice can be lost across a LISTEN reconnect).
#include <chrono>
#include <functional>
#include <string>

#include "actors/claim_protocol.hpp"
#include "actors/work_item.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace brokkr::broker {

struct event_relay_config {
  std::string work_id;                             // empty: every item's events, until stopped
  int64_t after = 0;                               // deliver events with a larger id; -1: from now on
  std::chrono::milliseconds poll{5000};
  std::chrono::milliseconds max_duration{3600 * 1000};
  std::chrono::milliseconds db_timeout{10000};
};

struct event_sink {
  std::function<bool(const work_event&)> deliver;  // false: the consumer is gone, stop
  std::function<void(bool gone)> finished;         // once, at the end (gone: item deleted)
};

// The relay ends by itself; send it an exit message to stop it early.
caf::actor spawn_event_relay(caf::actor_system& sys, event_relay_config cfg, event_sink sink,
                             persistence::persistence_actor db, claim_supervisor_actor supervisor);

}  // namespace brokkr::broker
