// docs/openapi.yaml documents every routed path and method (it is what /openapi.yaml serves).
#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "broker_node/embedded_docs.hpp"
#include "broker_node/http/router.hpp"
#include "common/version.hpp"

using namespace brokkr;

namespace {

YAML::Node spec() {
  for (const auto& f : broker::embedded_docs())
    if (f.name == "openapi.yaml") return YAML::Load(std::string(f.content));
  BOOST_FAIL("openapi.yaml is not embedded");
  return {};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

// The spec's version is the release's (CMakeLists.txt project VERSION), so a bump cannot miss it.
BOOST_AUTO_TEST_CASE(the_spec_states_this_release) {
  BOOST_TEST(spec()["info"]["version"].as<std::string>() == std::string(brokkr::version()));
}

BOOST_AUTO_TEST_CASE(every_route_is_documented) {
  const auto doc = spec();
  const auto paths = doc["paths"];
  BOOST_REQUIRE(paths.IsMap());
  for (const auto& r : broker::http::all_routes()) {
    const auto p = paths[r.pattern];
    BOOST_TEST(p.IsDefined(), "path missing from docs/openapi.yaml: " << r.pattern);
    if (p.IsDefined()) BOOST_TEST(p[lower(r.method)].IsDefined(), "method missing: " << r.method << " " << r.pattern);
  }
}

BOOST_AUTO_TEST_CASE(every_documented_operation_is_routed) {
  const auto doc = spec();
  for (const auto& path : doc["paths"]) {
    const auto pattern = path.first.as<std::string>();
    for (const auto& op : path.second) {
      const auto method = op.first.as<std::string>();
      if (method == "parameters") continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      const auto& routes = broker::http::all_routes();
      const bool routed = std::any_of(routes.begin(), routes.end(),
                                      [&](const auto& r) { return r.pattern == pattern && r.method == upper; });
      BOOST_TEST(routed, "documented but not routed: " << upper << " " << pattern);
    }
  }
}

// Every call under /api/v1 needs a key and reads PostgreSQL: its documented answers include 401 and 503.
BOOST_AUTO_TEST_CASE(every_api_operation_documents_auth_and_outage_errors) {
  const auto paths = spec()["paths"];
  for (const auto& r : broker::http::all_routes()) {
    if (r.pattern.rfind("/api/v1/", 0) != 0) continue;
    const auto responses = paths[r.pattern][lower(r.method)]["responses"];
    BOOST_REQUIRE_MESSAGE(responses.IsMap(), "no responses for " << r.method << " " << r.pattern);
    for (const char* code : {"401", "503"})
      BOOST_TEST(responses[code].IsDefined(), r.method << " " << r.pattern << " does not document " << code);
  }
}
