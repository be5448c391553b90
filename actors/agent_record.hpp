#pragma once
// An agent as stored: identity, status, and the labels and annotations work is targeted by.
#include <chrono>
#include <map>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

namespace brokkr {

enum class agent_status : uint8_t { active, inactive };

struct agent_record {
  std::string id;
  std::string name;
  std::string cluster_name;
  agent_status status = agent_status::active;
  std::vector<std::string> labels;  // sorted
  std::map<std::string, std::string> annotations;
  std::optional<std::chrono::system_clock::time_point> last_heartbeat_at;
  // Presence (migration 0009): how and when a broker last saw it. seen_seconds_ago is measured on
  // the database's clock at read time, so readiness does not depend on the reader's clock.
  std::string transport;  // "caf", "http", or empty: never seen
  bool connected = false;  // a CAF session was open at the last presence write
  std::optional<std::chrono::system_clock::time_point> last_seen_at;
  std::optional<double> seen_seconds_ago;
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
};

inline const char* to_string(agent_status s) { return s == agent_status::active ? "ACTIVE" : "INACTIVE"; }
inline std::ostream& operator<<(std::ostream& os, agent_status s) { return os << to_string(s); }
inline std::optional<agent_status> parse_agent_status(const std::string& s) {
  if (s == "ACTIVE") return agent_status::active;
  if (s == "INACTIVE") return agent_status::inactive;
  return std::nullopt;
}

}  // namespace brokkr
