#pragma once
// One reader of a live log: subscribes at the hub and asks for more bytes only while its consumer
// keeps up, so a slow consumer holds at most one window of the log in the broker besides the hub's
// ring. The consumer is a sink in this process (the HTTP follower of GET .../logs?follow=true, paced
// by its connection's queued bytes) or a subscriber actor, usually remote (a CAF integration), which
// acknowledges each logdata by sending (logmore_atom, bytes) back to its sender, this reader.
#include <chrono>
#include <functional>
#include <string>

#include "broker_node/logs/log_hub.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace brokkr::broker {

struct log_sink {
  std::function<bool(std::string)> write;               // false: the consumer is gone
  std::function<size_t()> queued;                       // bytes written but not yet consumed
  std::function<void(const std::string& note)> finished;  // once: "" = the build's log ended
};

struct log_reader_config {
  log_subscriber_actor subscriber;  // set: deliver to this actor (acknowledged); else to the sink
  std::string work_id;
  std::string agent_id;  // the claimer
  std::string step;      // "" = the build step
  size_t window = 64 * 1024;
  std::chrono::milliseconds max_duration{3600 * 1000};
};

// Ends by itself with the stream (or the subscriber); send it an exit message to stop it early.
caf::actor spawn_log_reader(caf::actor_system& sys, log_hub_actor hub, log_reader_config cfg, log_sink sink);

}  // namespace brokkr::broker
