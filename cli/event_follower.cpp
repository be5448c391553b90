#include "cli/event_follower.hpp"

#include <thread>

#include "cli/final_status.hpp"
#include "cli/json_fields.hpp"

namespace brokkr::cli {
namespace {

// Why a stream that ended before the item did should not be retried.
bool is_final_error(const cli_error& e, bool ever_connected) {
  return e.exit_code != exit_code::unreachable || !ever_connected;
}

}  // namespace

result<std::string> follow_work(const event_stream_fn& stream, const std::function<void(const nlohmann::json&)>& on_event,
                                const follow_policy& policy) {
  int64_t after = 0;
  std::string status;
  bool ever_connected = false;
  int quiet = 0;
  for (;;) {
    bool progressed = false;
    const auto started = std::chrono::steady_clock::now();
    auto r = stream(after, [&](const nlohmann::json& event) {
      progressed = true;
      after = field_int(event, "id", after);
      status = field_text(event, "to_status");
      on_event(event);
      return !is_terminal_status(status);
    });
    if (is_terminal_status(status)) return status;
    ever_connected = ever_connected || r.has_value() || progressed;
    if (!r && is_final_error(r.error(), ever_connected)) return unexpected(r.error());
    const bool long_stream = std::chrono::steady_clock::now() - started >= policy.long_stream;
    quiet = (progressed || long_stream) ? 0 : quiet + 1;
    if (quiet > policy.max_quiet_reconnects) {
      if (!r) return unexpected(r.error());
      return unexpected(cli_error{exit_code::api_error, "the broker keeps ending the event stream before the work is finished", {}});
    }
    if (quiet > 0) std::this_thread::sleep_for(policy.pause * quiet);
  }
}

}  // namespace brokkr::cli
