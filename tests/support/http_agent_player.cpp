#include "tests/support/http_agent_player.hpp"

#include <thread>

namespace brokkr::test {

int play_http_agent(api_client& api, const std::string& agent_id, const std::atomic<bool>& stop,
                    std::chrono::milliseconds hold, const std::function<nlohmann::json(const nlohmann::json& item)>& report) {
  int failures = 0;
  while (!stop) {
    auto r = api.post("/api/v1/agents/" + agent_id + "/ephemeral-work/claim-next");
    if (r.status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::this_thread::sleep_for(hold);
    auto done = report(r.body);
    done["attempt"] = r.body["attempt"];
    if (api.post("/api/v1/ephemeral-work/" + r.body["id"].get<std::string>() + "/complete", done).status != 200)
      ++failures;
  }
  return failures;
}

}  // namespace brokkr::test
