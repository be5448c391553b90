#include "k8s/watch_event.hpp"

#include "common/json_limits.hpp"

namespace brokkr::k8s {

namespace {
struct type_name {
  event_type type;
  std::string_view name;
};
constexpr type_name type_names[] = {{event_type::added, "ADDED"},
                                    {event_type::modified, "MODIFIED"},
                                    {event_type::deleted, "DELETED"},
                                    {event_type::bookmark, "BOOKMARK"},
                                    {event_type::error, "ERROR"}};
}  // namespace

std::string_view to_string(event_type t) {
  for (const auto& e : type_names)
    if (e.type == t) return e.name;
  return "ERROR";
}

std::optional<event_type> parse_event_type(std::string_view text) {
  for (const auto& e : type_names)
    if (e.name == text) return e.type;
  return std::nullopt;
}

std::string watch_event::resource_version() const {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  return meta->value("resourceVersion", "");
}

std::optional<watch_event> parse_watch_line(std::string_view line) {
  auto j = json_limits::parse_or_discarded(line);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto type = j.find("type");
  const auto object = j.find("object");
  if (type == j.end() || !type->is_string() || object == j.end()) return std::nullopt;
  auto t = parse_event_type(type->get<std::string>());
  if (!t) return std::nullopt;
  return watch_event{*t, std::move(*object)};
}

}  // namespace brokkr::k8s
