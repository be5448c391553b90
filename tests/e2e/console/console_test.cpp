// The web console (/ui/) in a real browser: Debian's headless Chromium driven by playwright-core
// (tests/browser/console.test.mjs) against a live broker, while this test plays an agent labelled
// gpu. The script logs in, submits work from the page and watches it complete, reads its log,
// follows a CAF agent's live log on an item's page, sees a failure's troubleshooting hint, cancels and retries another item, follows live updates
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
#include "tests/e2e/caf/fixture.hpp"
#include "tests/support/http_agent_player.hpp"
#include "tests/support/process.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

// The HTTP agent's reports: FAILED_PERMANENT with a Shipwright reason for items labelled
// outcome=fail, else COMPLETED with a digest and a log tail.
json report_for(const json& item) {
  if (item["labels"].value("outcome", "") == "fail")
    return {{"outcome", "FAILED_PERMANENT"}, {"failure_reason", "GitRevisionNotFound"},
            {"result_message", "revision v9 not found"}};
  return {{"outcome", "COMPLETED"},
          {"result_message", "image pushed"},
          {"result_details", {{"digest", "sha256:4f0c2d1e"},
                              {"image", "registry.example.com/org/app:1.0"},
                              {"image_ref", "registry.example.com/org/app:1.0@sha256:4f0c2d1e"},
                              {"log_container", "step-build-and-push"},
                              {"log_tail", "STEP 1/3: FROM golang:1.22\nSTEP 3/3: RUN go build\nWriting manifest to image destination\n"}}}};
}

// Plays a CAF agent for the live log: claims item `id`, waits until the broker asks for its log
// (the page opened the item), prints five lines 700 ms apart through its session, then completes.
// A newer request (the page re-subscribed) is answered from the offset it names.
int play_streaming_agent(caf_node& node, const brokkr::agent_login_result& s, const std::shared_ptr<push_log>& pushes,
                         const std::string& id, const std::atomic<bool>& stop) {
  using namespace brokkr;
  while (!stop && !node.ask<work_item>(s.session, claim_atom::value, s.token, id))
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  while (!stop && !pushes->wait_log_request(1, std::chrono::seconds(1))) {
  }
  if (stop) return 1;
  int failures = 0;
  std::string printed;
  auto latest = [&] {
    std::lock_guard<std::mutex> g(pushes->m);
    return pushes->log_requests.back();
  };
  auto send = [&](bool done) {
    const auto req = latest();
    const auto from = std::min<size_t>(static_cast<size_t>(req.offset), printed.size());
    if (!node.ask<bool>(s.session, logs_atom::value, s.token,
                        log_chunk{id, "", req.generation, static_cast<int64_t>(from), printed.substr(from), done, ""}))
      ++failures;
  };
  for (int i = 1; i <= 5 && !stop; ++i) {
    printed += "live line " + std::to_string(i) + "\n";
    send(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  send(true);
  const json details = {{"log_container", "step-build-and-push"}, {"log_tail", printed}};
  if (!node.ask<work_item>(s.session, complete_atom::value, s.token,
                           completion_report{id, "", 1, work_outcome::completed, "", "streamed", details.dump()}))
    ++failures;
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
  // Holds each item a second, so the page can show it CLAIMED.
  std::thread agent_thread(
      [&] { agent_failures = play_http_agent(agent_api, builder.id, stop, std::chrono::seconds(1), report_for); });
  // The live log needs a CAF agent: the broker asks the claimer's session to stream.
  const auto streamer = f.make_agent("streamer-0", {"live"});
  const auto live_id = f.submit(build_work({"live"}));
  caf_node node;
  auto pushes = std::make_shared<push_log>();
  auto session = brokkr::login_agent(node.sys(), node.gateway(f.broker.caf_port()), streamer.key, node.recording_link(pushes));
  BOOST_REQUIRE(session.has_value());
  int streamer_failures = 0;
  std::thread streamer_thread([&] { streamer_failures = play_streaming_agent(node, *session, pushes, live_id, stop); });

  const std::string spec_path = f.dir + "/build.yaml";
  std::ofstream(spec_path) << sample_build_spec();
  child_process run({"/usr/bin/node", browser_dir + "/console.test.mjs"}, f.dir + "/console.log",
                    {"BROKKR_URL=" + f.broker.url(), "BROKKR_ADMIN_KEY=" + f.broker.admin_key(),
                     "BROKKR_AGENT_KEY=" + builder.key, "BROKKR_AGENT_ID=" + builder.id, "BROKKR_SPEC=" + spec_path,
                     "BROKKR_SCREENSHOTS=" + shots, "BROKKR_LIVE_ID=" + live_id, "NODE_PATH=" + browser_dir + "/node_modules"});
  const auto code = run.wait(std::chrono::seconds(240));
  stop = true;
  agent_thread.join();
  streamer_thread.join();
  const auto out = run.log();
  BOOST_TEST_MESSAGE("console.test.mjs printed:\n" << out);
  BOOST_TEST(code.value_or(-1) == 0, out);
  BOOST_TEST(agent_failures == 0);
  BOOST_TEST(streamer_failures == 0);
  BOOST_TEST(out.find("console: all checks passed") != std::string::npos, out);
  BOOST_TEST(std::filesystem::exists(shots + "/item-completed.png"));
}
