#pragma once
// Time formats shared by the HTTP API, the Kubernetes client and the simulated cluster.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace brokkr {

using sys_time = std::chrono::system_clock::time_point;

// "2026-11-28T06:39:18Z" (Kubernetes timestamps are whole seconds).
std::string format_rfc3339(sys_time t);
// "2026-11-28T06:39:18.123Z" (API payloads and logs).
std::string format_rfc3339_millis(sys_time t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; nullopt when malformed.
std::optional<sys_time> parse_rfc3339(std::string_view text);

// Go-style durations as Kubernetes and Shipwright write them: "90s", "15m", "1h30m", "500ms", "2.5s".
// A bare integer is seconds. nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// Shortest Go-style form: 5400s -> "1h30m0s" style is avoided; we print "1h30m", "15m", "2s", "250ms".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace brokkr
