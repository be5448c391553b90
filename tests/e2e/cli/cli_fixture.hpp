#pragma once
// A live brokkr-broker on a fresh database (the broker e2e fixture), and `brokkr` pointed at it
// through BROKKR_SERVER and BROKKR_KEY_FILE with the admin key.
#include <fstream>
#include <sstream>

#include "tests/e2e/broker/fixture.hpp"
#include "tests/e2e/cli/cli_runner.hpp"

namespace brokkr::test {

struct cli_fixture : broker_fixture {
  std::string key_file = dir + "/admin.key";
  cli_runner cli{{{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY_FILE", key_file}}};
  std::string spec_file = write_file("build.yaml", sample_build_spec());

  std::string write_file(const std::string& name, const std::string& text) const {
    const auto path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // `brokkr` must succeed; returns its run.
  cli_run ok(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    auto r = cli.run(args, stdin_text);
    BOOST_REQUIRE_MESSAGE(r.code == 0, "brokkr exited " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    return r;
  }

  // Submits a build for agents labelled `label` through the CLI; returns the item.
  nlohmann::json submit_json(const std::string& label, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"work", "submit", "-f", spec_file, "--type", "shipwright-build", "--label", label,
                                     "-o", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ok(args).json();
  }
};

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The value of "Key: value" in a -o table detail view, or "" when the line is missing.
inline std::string shown(const std::string& table, const std::string& key) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    const auto value = line.find_first_not_of(' ', key.size() + 1);
    return value == std::string::npos ? std::string() : line.substr(value);
  }
  return {};
}

// The agent's side, played over HTTP: claim the next item, then report an outcome.
struct fake_agent {
  api_client api;
  std::string id;

  fake_agent(const std::string& url, const agent_handle& a) : api(url, a.key), id(a.id) {}

  // Claims the next item targeted at this agent, polling until there is one; returns it.
  nlohmann::json claim() {
    api_response r;
    const bool got = eventually([&] {
      r = api.post("/api/v1/agents/" + id + "/ephemeral-work/claim-next");
      return r.status == 200;
    });
    BOOST_REQUIRE_MESSAGE(got, "nothing to claim: " << r.status << " " << r.raw);
    return r.body;
  }

  nlohmann::json complete(const nlohmann::json& item, const std::string& outcome, nlohmann::json extra = {}) {
    nlohmann::json body = {{"attempt", item["attempt"]}, {"outcome", outcome}};
    if (extra.is_object())
      for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = api.post("/api/v1/ephemeral-work/" + item["id"].get<std::string>() + "/complete", body);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "complete: " << r.status << " " << r.raw);
    return r.body;
  }
};

}  // namespace brokkr::test
