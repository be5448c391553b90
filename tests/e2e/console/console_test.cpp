// The web console (/ui/) in a real browser: Debian's headless Chromium driven by playwright-core
// (tests/browser/console.test.mjs) against a live broker, while this test plays an agent labelled
// gpu. The script logs in, submits work from the page and watches it complete, reads its log,
// sees a failure's troubleshooting hint, cancels and retries another item, follows live updates
// and checks the agents page; screenshots go to build/tests/e2e/console/screenshots/.
#define BOOST_TEST_MODULE e2e_console
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/broker/fixture.hpp"
#include "tests/support/process.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

// Claims whatever is offered, holds it a second (so the page can show CLAIMED), then reports:
// FAILED_PERMANENT with a Shipwright reason for items labelled outcome=fail, else COMPLETED with
// a digest and a log tail. Runs on its own thread, so it counts failures instead of asserting.
int play_agent(api_client& api, const std::string& agent_id, const std::atomic<bool>& stop) {
  int failures = 0;
  while (!stop) {
    auto r = api.post("/api/v1/agents/" + agent_id + "/ephemeral-work/claim-next");
    if (r.status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const bool fail = r.body["labels"].value("outcome", "") == "fail";
    json done = {{"attempt", r.body["attempt"]}};
    if (fail) {
      done["outcome"] = "FAILED_PERMANENT";
      done["failure_reason"] = "GitRevisionNotFound";
      done["result_message"] = "revision v9 not found";
    } else {
      done["outcome"] = "COMPLETED";
      done["result_message"] = "image pushed";
      done["result_details"] = {{"digest", "sha256:4f0c2d1e"},
                                {"image", "registry.example.com/org/app:1.0"},
                                {"image_ref", "registry.example.com/org/app:1.0@sha256:4f0c2d1e"},
                                {"log_container", "step-build-and-push"},
                                {"log_tail", "STEP 1/3: FROM golang:1.22\nSTEP 3/3: RUN go build\nWriting manifest to image destination\n"}};
    }
    if (api.post("/api/v1/ephemeral-work/" + r.body["id"].get<std::string>() + "/complete", done).status != 200)
      ++failures;
  }
  return failures;
}

}  // namespace

BOOST_AUTO_TEST_CASE(console_in_headless_chromium) {
  broker_fixture f({"--presence-interval", "500ms"});
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  const char* build = std::getenv("BROKKR_BUILD_DIR");
  BOOST_REQUIRE(src && build);
  const std::string browser_dir = std::string(src) + "/tests/browser";
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(browser_dir + "/node_modules/playwright-core"),
                        "run scripts/setup: it installs chromium and tests/browser's npm lockfile (npm ci)");
  const std::string shots = std::string(build) + "/tests/e2e/console/screenshots";
  std::filesystem::remove_all(shots);
  std::filesystem::create_directories(shots);

  const auto builder = f.make_agent("builder-0", {"gpu"});
  api_client agent_api(f.broker.url(), builder.key);
  std::atomic<bool> stop{false};
  int agent_failures = 0;
  std::thread agent_thread([&] { agent_failures = play_agent(agent_api, builder.id, stop); });

  const std::string spec_path = f.dir + "/build.yaml";
  std::ofstream(spec_path) << sample_build_spec();
  child_process run({"/usr/bin/node", browser_dir + "/console.test.mjs"}, f.dir + "/console.log",
                    {"BROKKR_URL=" + f.broker.url(), "BROKKR_ADMIN_KEY=" + f.broker.admin_key(),
                     "BROKKR_AGENT_KEY=" + builder.key, "BROKKR_AGENT_ID=" + builder.id, "BROKKR_SPEC=" + spec_path,
                     "BROKKR_SCREENSHOTS=" + shots, "NODE_PATH=" + browser_dir + "/node_modules"});
  const auto code = run.wait(std::chrono::seconds(240));
  stop = true;
  agent_thread.join();
  const auto out = run.log();
  BOOST_TEST_MESSAGE("console.test.mjs printed:\n" << out);
  BOOST_TEST(code.value_or(-1) == 0, out);
  BOOST_TEST(agent_failures == 0);
  BOOST_TEST(out.find("console: all checks passed") != std::string::npos, out);
  BOOST_TEST(std::filesystem::exists(shots + "/item-completed.png"));
}
