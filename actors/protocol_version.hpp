#pragma once
// The CAF protocol between the broker and its peers (agents, integrations). A peer states the
// version it speaks when it logs in; the broker answers with the version it speaks, or refuses a
// version it does not with an error that names both.
//
//   1  the seed's protocol (0.1.0): login without a version, sessions keyed by the peer's node id.
//   2  sessions carry a session_token on every message; claim-next takes a limit; completions are
//      completion_reports (one or many per message).
//   3  live logs: the broker asks an agent's link to stream a container's log (logs_atom), the agent
//      sends log_chunks through its session. The typed interfaces keep their registered names, so
//      a version-2 peer still passes CAF's interface check; the broker asks only version-3 agents.
#include <cstdint>

namespace brokkr {

inline constexpr int32_t protocol_version = 3;
// The oldest version this build still speaks.
inline constexpr int32_t oldest_protocol_version = 2;

}  // namespace brokkr
