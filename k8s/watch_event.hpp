#pragma once
// One event of a Kubernetes watch stream, typed.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace brokkr::k8s {

enum class event_type { added, modified, deleted, bookmark, error };

std::string_view to_string(event_type t);
std::optional<event_type> parse_event_type(std::string_view text);

struct watch_event {
  event_type type = event_type::added;
  nlohmann::json object;  // the object (DELETED: its final state; BOOKMARK: only metadata.resourceVersion)

  std::string resource_version() const;
};

// Parses one NDJSON line of a watch stream: {"type": "...", "object": {...}}. nullopt when malformed.
std::optional<watch_event> parse_watch_line(std::string_view line);

}  // namespace brokkr::k8s
