#include "actors/work_status.hpp"

#include <array>
#include <ostream>
#include <utility>

namespace brokkr {
namespace {

constexpr std::array<std::pair<work_outcome, std::string_view>, 4> outcome_names{{
    {work_outcome::completed, "COMPLETED"},
    {work_outcome::failed_retryable, "FAILED_RETRYABLE"},
    {work_outcome::failed_permanent, "FAILED_PERMANENT"},
    {work_outcome::canceled, "CANCELED"},
}};

template <class Table, class E>
std::string_view name_of(const Table& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "UNKNOWN";
}

template <class E, class Table>
std::optional<E> value_of(const Table& table, std::string_view text) {
  for (const auto& [v, name] : table)
    if (name == text) return v;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(work_outcome o) { return name_of(outcome_names, o); }
std::optional<work_outcome> parse_work_outcome(std::string_view text) {
  return value_of<work_outcome>(outcome_names, text);
}
std::string_view to_string(target_match m) { return m == target_match::any ? "any" : "all"; }
std::ostream& operator<<(std::ostream& os, work_status s) { return os << to_string(s); }
std::ostream& operator<<(std::ostream& os, work_outcome o) { return os << to_string(o); }

std::optional<target_match> parse_target_match(std::string_view text) {
  if (text == "all") return target_match::all;
  if (text == "any") return target_match::any;
  return std::nullopt;
}

}  // namespace brokkr
