#pragma once
// The broker's live-log hub: one stream per (item, step) that anyone reads. It asks the claiming
// agent's link (protocol 3) to stream, keeps the newest bytes in a log_ring, relays them to each
// subscriber as far as its credit goes, re-asks from the last byte when the agent logs in again,
// and tells the agent to stop (the chunk's answer) when the last reader left. Agents without a
// protocol-3 CAF session (the HTTP transport) take their requests with their next heartbeat.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/agent_protocol.hpp"
#include "actors/log_protocol.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::broker {

using log_hub_actor = caf::typed_actor<
    // A reader of item `work_id`'s step (""= the build step), claimed by `agent_id`.
    caf::reacts_to<caf::subscribe_atom, std::string, std::string, std::string, log_subscriber_actor>,
    // The sender (a subscriber) may take this many more bytes.
    caf::reacts_to<logmore_atom, int64_t>,
    // A chunk from agent `agent_id`'s session -> whether to go on streaming.
    caf::replies_to<logs_atom, std::string, log_chunk>::with<bool>,
    // An HTTP-transport agent's heartbeat of item `work_id`: the stream requests waiting for it
    // (agent id, work id).
    caf::replies_to<caf::get_atom, std::string, std::string>::with<std::vector<log_stream_request>>,
    // An agent logged in over CAF, speaking protocol `version`.
    caf::reacts_to<caf::join_atom, std::string, agent_link_actor, int32_t>,
    // Its own timer: a stream's agent never answered (stream key, generation).
    caf::reacts_to<caf::timeout_atom, std::string, uint64_t>,
    // Open streams and the bytes their rings hold.
    caf::replies_to<stats_atom>::with<uint64_t, uint64_t>>;

struct log_hub_config {
  size_t ring_bytes = 1024 * 1024;             // per stream
  // Set by the hub to how many agents have requests waiting for a heartbeat, so that an HTTP
  // heartbeat asks the hub only when one may be its own (most never are). May be null.
  std::shared_ptr<std::atomic<size_t>> heartbeat_waiting;
  std::chrono::milliseconds agent_wait{10000};  // for a CAF agent's first chunk; then it is asked again
  // An agent without a CAF session may pick requests up with its heartbeats (every third of the
  // lease); after this long without an answer its readers are told it will not stream.
  std::chrono::milliseconds http_wait{60000};
  // A CAF agent whose session went down mid-stream may log in again (a restart) within this long.
  std::chrono::milliseconds lost_wait{30000};
};

log_hub_actor spawn_log_hub(caf::actor_system& sys, log_hub_config cfg);

}  // namespace brokkr::broker
