#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "common/log.hpp"

using namespace brokkr::log;

BOOST_AUTO_TEST_CASE(log_formats_are_parsed_by_name) {
  format f = format::text;
  BOOST_TEST(parse_format("json", f));
  BOOST_TEST((f == format::json));
  BOOST_TEST(parse_format("text", f));
  BOOST_TEST((f == format::text));
  BOOST_TEST(!parse_format("JSON", f));
  BOOST_TEST(!parse_format("", f));
}

BOOST_AUTO_TEST_CASE(a_json_line_is_one_object_even_for_hostile_messages) {
  // Quotes, a newline and bytes that are not UTF-8 (a pod log line can carry any) stay inside one
  // line of valid JSON.
  const std::string message = "said \"hi\"\nthen \xff\xfe left";
  const auto line = render(format::json, level::warn, "agent", message);
  BOOST_REQUIRE(!line.empty());
  BOOST_TEST(line.back() == '\n');
  BOOST_TEST(line.find('\n') == line.size() - 1);
  const auto j = nlohmann::json::parse(line);
  BOOST_TEST(j["level"] == "warn");
  BOOST_TEST(j["component"] == "agent");
  BOOST_TEST(j["msg"].get<std::string>().rfind("said \"hi\"\nthen ", 0) == 0u);
  const auto ts = j["ts"].get<std::string>();
  BOOST_TEST(ts.size() == 24u);  // 2026-11-28T06:39:18.123Z
  BOOST_TEST(ts.back() == 'Z');
}

BOOST_AUTO_TEST_CASE(a_text_line_keeps_its_layout) {
  const auto line = render(format::text, level::error, "broker", "database down");
  BOOST_TEST(line.substr(24) == " ERROR [broker] database down\n");
}
