// The examples of docs/cli.md are run, in order, by bash with `brokkr` on PATH against a live
// broker, while the test plays an agent labelled gpu that completes whatever it is offered: the
// reference cannot drift from the CLI it describes.
#include <atomic>
#include <cstdlib>
#include <thread>

#include "tests/e2e/cli/cli_fixture.hpp"
#include "tests/support/http_agent_player.hpp"
#include "tests/support/markdown.hpp"

using namespace brokkr::test;


BOOST_FIXTURE_TEST_CASE(cli_reference_examples_run, cli_fixture) {
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  BOOST_REQUIRE(src);
  const auto blocks = sh_blocks(read_text_file(std::string(src) + "/docs/cli.md"));
  BOOST_REQUIRE(blocks.size() >= 10u);
  std::string script = "set -euo pipefail\ncd " + dir + "\n";
  for (const auto& b : blocks) script += b;
  const auto path = write_file("cli_examples.sh", script);

  const auto builder = make_agent("builder-0", {"gpu"});
  api_client agent_api(broker.url(), builder.key);
  std::atomic<bool> stop{false};
  int agent_failures = 0;
  const nlohmann::json completed = {{"outcome", "COMPLETED"}, {"result_message", "image pushed"},
                                    {"result_details", {{"digest", "sha256:4f0c2d1e"}}}};
  std::thread agent_thread([&] {
    agent_failures = play_http_agent(agent_api, builder.id, stop, std::chrono::milliseconds(0),
                                     [&completed](const nlohmann::json&) { return completed; });
  });
  const auto cli_dir = binary("cli");
  child_process run({"/usr/bin/env", "-i", "PATH=" + cli_dir + ":/usr/bin:/bin", "HOME=" + cli.home,
                     "BROKKR_SERVER=" + broker.url(), "BROKKR_KEY_FILE=" + key_file, "/bin/bash", path},
                    dir + "/cli_examples.log");
  const auto code = run.wait(std::chrono::seconds(180));
  stop = true;
  agent_thread.join();
  const auto out = run.log();
  BOOST_TEST_MESSAGE("docs/cli.md examples printed:\n" << out);
  BOOST_TEST(code.value_or(-1) == 0, out);
  BOOST_TEST(agent_failures == 0);
  for (const char* expected : {"API key (shown only this once", "  CLAIMED -> COMPLETED  attempt 1  agent ",
                               "sha256:4f0c2d1e", "exit code 7", "exit code 5", "exit code 2",
                               "Server Version: "})
    BOOST_TEST(out.find(expected) != std::string::npos, "missing '" << expected << "' in:\n" << out);
}
