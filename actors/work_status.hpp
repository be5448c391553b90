#pragma once
// The work-status model of DESIGN.md section 4, as plain values shared by persistence, both nodes
// and integrations.
//
//                 claim                      complete(COMPLETED)
//   PENDING ─────────────────▶ CLAIMED ─────────────────────────▶ COMPLETED
//      │ ▲                       │  │ complete(FAILED_PERMANENT)
//      │ │                       │  └──────────────────────────▶ FAILED_PERMANENT
//      │ │ (none: retry is a     │ complete(FAILED_RETRYABLE),      ▲ retries exhausted
//      │ │  claim from here)     │ lease expired, claim timeout     │
//      │ │                       ▼                                  │
//      │ └─────────────── FAILED_RETRYABLE ─────────────────────────┘
//      │      claim once next_retry_after <= now
//      ▼ cancel (unclaimed: at once; claimed: cancel_requested, then the claimer reports)
//   CANCELED
#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace brokkr {

enum class work_status : uint8_t {
  pending,
  claimed,
  completed,
  failed_retryable,
  failed_permanent,
  canceled,
};

// "PENDING", "CLAIMED", ... as stored and as shown by the API. Inline, so that clients that read
// statuses as text (the CLI, over HTTP) share the names and is_terminal without linking CAF.
inline constexpr std::array<std::pair<work_status, std::string_view>, 6> work_status_names{{
    {work_status::pending, "PENDING"},
    {work_status::claimed, "CLAIMED"},
    {work_status::completed, "COMPLETED"},
    {work_status::failed_retryable, "FAILED_RETRYABLE"},
    {work_status::failed_permanent, "FAILED_PERMANENT"},
    {work_status::canceled, "CANCELED"},
}};

constexpr std::string_view to_string(work_status s) {
  for (const auto& [v, name] : work_status_names)
    if (v == s) return name;
  return "UNKNOWN";
}

constexpr std::optional<work_status> parse_work_status(std::string_view text) {
  for (const auto& [v, name] : work_status_names)
    if (name == text) return v;
  return std::nullopt;
}

// Terminal items never change status again; only TTL soft-delete and purge touch them.
constexpr bool is_terminal(work_status s) {
  return s == work_status::completed || s == work_status::failed_permanent ||
         s == work_status::canceled;
}

// The outcomes a claimer may report (DESIGN.md section 10).
enum class work_outcome : uint8_t { completed, failed_retryable, failed_permanent, canceled };
std::string_view to_string(work_outcome o);
std::optional<work_outcome> parse_work_outcome(std::string_view text);

enum class target_match : uint8_t { all, any };
std::string_view to_string(target_match m);
std::optional<target_match> parse_target_match(std::string_view text);

std::ostream& operator<<(std::ostream& os, work_status s);
std::ostream& operator<<(std::ostream& os, work_outcome o);

}  // namespace brokkr
