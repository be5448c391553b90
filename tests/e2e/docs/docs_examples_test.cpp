// The examples of docs/api.md are run, in order, against a live broker: the guide cannot drift
// from the API it describes.
#define BOOST_TEST_MODULE e2e_docs
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/e2e/broker/fixture.hpp"
#include "tests/support/markdown.hpp"
#include "tests/support/process.hpp"

using namespace brokkr::test;

BOOST_FIXTURE_TEST_CASE(api_guide_examples_run, broker_fixture) {
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  BOOST_REQUIRE(src);
  const auto blocks = sh_blocks(read_text_file(std::string(src) + "/docs/api.md"));
  BOOST_TEST_MESSAGE("docs/api.md: " << blocks.size() << " example blocks");
  BOOST_REQUIRE(blocks.size() >= 8u);
  std::string script;
  for (const auto& b : blocks) script += b;
  const auto path = dir + "/api_examples.sh";
  std::ofstream(path) << "set -euo pipefail\n" << script;
  child_process run({"/bin/bash", path}, dir + "/api_examples.log",
                    {"BROKKR_SERVER=" + broker.url(), "ADMIN_KEY=" + broker.admin_key()});
  const auto code = run.wait(std::chrono::seconds(120));
  const auto out = run.log();
  BOOST_TEST(code.value_or(-1) == 0, out);
  BOOST_TEST(out.find("\"status\": \"COMPLETED\"") != std::string::npos, out);
  BOOST_TEST(out.find("CANCELED") != std::string::npos);
  BOOST_TEST(out.find("\"field\":\"crd_spec.build.apiVersion\"") != std::string::npos, out);
  BOOST_TEST(out.find("204") != std::string::npos);
  BOOST_TEST(out.find("{\"ready\":true,\"transport\":\"http\"}") != std::string::npos, out);
}

// docs/build-specs.md promises that each example manifest passes the broker's validation.
BOOST_FIXTURE_TEST_CASE(example_manifests_are_accepted, broker_fixture) {
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  BOOST_REQUIRE(src);
  make_agent("a", {"gpu"});
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(src) + "/docs/examples")) {
    const auto file = entry.path().filename().string();
    const std::string type = file.rfind("apply-", 0) == 0 ? "kubernetes-apply" : "shipwright-build";
    auto r = admin->post("/api/v1/ephemeral-work",
                         {{"work_type", type}, {"crd_spec", read_text_file(entry.path().string())}, {"targets", {{"labels", {"gpu"}}}}});
    BOOST_TEST(r.status == 201, file << ": " << r.raw);
    ++n;
  }
  BOOST_TEST(n >= 5);
}
