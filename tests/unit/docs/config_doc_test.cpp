// docs/configuration.md documents every flag the broker and the agent accept.
#define BOOST_TEST_MODULE unit_docs_config
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent_node/agent_config.hpp"
#include "broker_node/broker_config.hpp"
#include "tests/unit/docs/source_tree.hpp"

namespace {

std::string doc() { return brokkr::docs_test::read_source("docs/configuration.md"); }

// A table line split on '|', cells trimmed: "", flag, env, [config key,] default, meaning, "".
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, '|');) {
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
  }
  return cells;
}

std::string line_at(const std::string& text, size_t at) { return text.substr(at, text.find('\n', at) - at); }

void check(const brokkr::config::parser& p, const std::string& text) {
  const auto header_at = text.find("\n| flag |");
  BOOST_REQUIRE(header_at != std::string::npos);
  const auto header = cells_of(line_at(text, header_at + 1));
  const auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t env = column("environment"), key = column("config key"), def = column("default");
  BOOST_REQUIRE(def < header.size());
  for (const auto& o : p.options()) {
    BOOST_TEST_CONTEXT("--" << o.name) {
      const auto at = text.find("\n| `--" + o.name + "`");
      BOOST_TEST_REQUIRE(at != std::string::npos, "--" << o.name << " has no row in docs/configuration.md");
      const auto row = cells_of(line_at(text, at + 1));
      BOOST_TEST_REQUIRE(row.size() > def);
      BOOST_TEST(row[env] == "`" + o.env + "`");
      // common/config.cpp refuses a `config` key inside the file, so that row names no key.
      if (key < header.size()) {
        const std::string yaml_key = o.yaml_path.empty() ? o.name : o.yaml_path;
        BOOST_TEST(row[key] == (o.name == "config" ? std::string() : "`" + yaml_key + "`"));
      }
      // The documented default is the one the parser applies (the settings struct's initialiser).
      const std::string want = o.required ? "required" : o.default_value.empty() ? "" : "`" + o.default_value + "`";
      BOOST_TEST(row[def] == want);
    }
  }
}

}  // namespace

// The text under one "## " heading, up to the next.
static std::string section(const std::string& text, const std::string& heading) {
  const auto at = text.find("\n## " + heading + "\n");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "docs/configuration.md has no section " << heading);
  const auto end = text.find("\n## ", at + 1);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

BOOST_AUTO_TEST_CASE(every_broker_flag_is_documented_with_its_default) {
  check(brokkr::broker::broker_options(), section(doc(), "brokkr-broker"));
}
BOOST_AUTO_TEST_CASE(every_agent_flag_is_documented_with_its_default) {
  check(brokkr::agent::agent_options(), section(doc(), "brokkr-agent"));
}
