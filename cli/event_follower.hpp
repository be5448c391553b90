#pragma once
// --wait and --follow: streams a work item's transitions until it is terminal. The broker ends a
// followed stream at terminal status, but also when it restarts or after its follow limit (an
// hour); then the follower reconnects after the last event it saw, so nothing is shown twice and
// nothing is missed.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "cli/cli_error.hpp"

namespace brokkr::cli {

// Streams events with an id above `after` to `on_event` (false: stop) until the server ends the
// stream; api_client::stream on ".../events?follow=1&after=N" in production.
using event_stream_fn =
    std::function<result<ok_t>(int64_t after, const std::function<bool(const nlohmann::json&)>& on_event)>;

struct follow_policy {
  // Reconnects in a row that bring no event before giving up with the last error.
  int max_quiet_reconnects = 5;
  // Pause before the n-th quiet reconnect: n times this.
  std::chrono::milliseconds pause{1000};
  // A stream that lasted this long was not a tight failure loop: it resets the count.
  std::chrono::milliseconds long_stream{30000};
};

// The item's terminal status ("COMPLETED", "FAILED_PERMANENT", "CANCELED"), or the error that
// stopped the wait. A server that cannot be reached at the first attempt fails at once.
result<std::string> follow_work(const event_stream_fn& stream, const std::function<void(const nlohmann::json&)>& on_event,
                                const follow_policy& policy = {});

}  // namespace brokkr::cli
