#pragma once
// Duty: write what the presence book collected (agents seen over HTTP, CAF sessions open, closed)
// in one statement per interval. The interval bounds how stale LAST SEEN of a connected agent is;
// the readiness window (--agent-ready-window) must be longer than it.
#include <chrono>
#include <memory>

#include "broker_node/maintenance/duty.hpp"

namespace brokkr::broker {

class presence_book;

inline constexpr std::chrono::milliseconds presence_interval_default{5000};

duty make_presence_writer(std::shared_ptr<presence_book> book, std::chrono::milliseconds interval);

}  // namespace brokkr::broker
