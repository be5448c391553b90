#include <boost/test/unit_test.hpp>

#include "broker_node/http/router.hpp"

using namespace brokkr::broker::http;

BOOST_AUTO_TEST_CASE(routes_match_with_parameters) {
  const auto& routes = all_routes();
  auto m = match(routes, "POST", "/api/v1/ephemeral-work/abc/claim");
  BOOST_REQUIRE(m.found);
  BOOST_TEST(m.found->pattern == "/api/v1/ephemeral-work/{id}/claim");
  BOOST_TEST(m.params.at("id") == "abc");
  auto l = match(routes, "DELETE", "/api/v1/agents/a1/labels/gpu");
  BOOST_REQUIRE(l.found);
  BOOST_TEST(l.params.at("label") == "gpu");
  BOOST_TEST(!match(routes, "GET", "/api/v1/ephemeral-work/abc/claim").found);
  BOOST_TEST(match(routes, "GET", "/api/v1/ephemeral-work/abc/claim").other_method);
  BOOST_TEST(!match(routes, "GET", "/api/v1/ephemeral-work//claim").found);
  BOOST_TEST(!match(routes, "GET", "/nope").other_method);
}
