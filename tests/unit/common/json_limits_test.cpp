#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "common/json_limits.hpp"

using namespace brokkr;

BOOST_AUTO_TEST_CASE(depth_is_measured_without_parsing) {
  BOOST_TEST(!json_limits::find_too_deep(R"({"a":[1,{"b":2}]})", 3));
  BOOST_TEST(json_limits::find_too_deep(R"({"a":[1,{"b":2}]})", 2).has_value());
  // Brackets inside strings, and escaped quotes, do not count.
  BOOST_TEST(!json_limits::find_too_deep(R"({"k":"[[[[{{{{\"[[["})", 1));
  // The path names where the limit was crossed: the first segment is the top-level field.
  auto deep = json_limits::find_too_deep(R"({"ok":1,"result_details":{"x":[0,[[[1]]]]}})", 4);
  BOOST_REQUIRE(deep.has_value());
  BOOST_TEST(deep->path == "result_details.x[1][0]");
}

BOOST_AUTO_TEST_CASE(a_hundred_thousand_levels_are_refused_before_any_value_exists) {
  std::string body = R"({"attempt":1,"result_details":)";
  for (int i = 0; i < 100000; ++i) body += R"({"a":)";
  body += "1";
  for (int i = 0; i < 100000; ++i) body += "}";
  body += "}";
  auto r = json_limits::parse(body);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().field.rfind("result_details.a.a", 0) == 0u);
  BOOST_TEST(r.error().message.find("deeper than 64 levels") != std::string::npos);
  BOOST_TEST(json_limits::parse_or_discarded(body).is_discarded());
  // 64 levels are fine.
  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "[";
  for (int i = 0; i < 64; ++i) ok += "]";
  BOOST_TEST(json_limits::parse(ok).has_value());
}

BOOST_AUTO_TEST_CASE(malformed_text_names_the_source) {
  auto r = json_limits::parse("{nope", "crd_spec");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().field == "crd_spec");
  BOOST_TEST(r.error().message == "crd_spec is not valid JSON");
}

BOOST_AUTO_TEST_CASE(dump_replaces_invalid_utf8) {
  const nlohmann::json j = {{"path", "/\xff\xfe"}};
  BOOST_CHECK_THROW((void)j.dump(), nlohmann::json::type_error);
  const auto text = json_limits::dump(j);
  BOOST_TEST(text.find("\xef\xbf\xbd") != std::string::npos);
}
