// docs/configuration.md documents every flag the broker and the agent accept.
#define BOOST_TEST_MODULE unit_docs_config
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "agent_node/agent_config.hpp"
#include "broker_node/broker_config.hpp"

namespace {

std::string doc() {
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  BOOST_REQUIRE(src);
  std::ifstream in(std::string(src) + "/docs/configuration.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check(const brokkr::config::parser& p, const std::string& text) {
  for (const auto& o : p.options()) {
    BOOST_TEST(text.find("`--" + o.name + "`") != std::string::npos, "--" << o.name << " is not documented");
    BOOST_TEST(text.find("`" + o.env + "`") != std::string::npos, o.env << " is not documented");
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_broker_flag_is_documented) { check(brokkr::broker::broker_options(), doc()); }
BOOST_AUTO_TEST_CASE(every_agent_flag_is_documented) { check(brokkr::agent::agent_options(), doc()); }
