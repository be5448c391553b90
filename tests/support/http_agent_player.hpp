#pragma once
// Plays an agent over HTTP for tests that need work to finish without a cluster: claims whatever is
// offered (claim-next), holds each item for `hold` (so a page or CLI can see it CLAIMED), then reports
// the completion body `report(item)` gives (its `attempt` is filled in). Runs until `stop`, on the
// caller's thread of choice, so it returns the number of reports the broker refused instead of
// asserting.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "tests/support/api_client.hpp"

namespace brokkr::test {

int play_http_agent(api_client& api, const std::string& agent_id, const std::atomic<bool>& stop,
                    std::chrono::milliseconds hold, const std::function<nlohmann::json(const nlohmann::json& item)>& report);

}  // namespace brokkr::test
