// Output formats: YAML that reads back as the same JSON, aligned tables, key/value blocks.
#include <yaml-cpp/yaml.h>

#include <boost/test/unit_test.hpp>

#include <sstream>

#include "cli/output_format.hpp"
#include "cli/table.hpp"
#include "cli/yaml_text.hpp"

using namespace brokkr::cli;
using nlohmann::json;

namespace {

// YAML back to JSON, keeping strings as strings and typing plain scalars as YAML 1.2 core does.
json from_yaml(const YAML::Node& n) {
  if (n.IsMap()) {
    json out = json::object();
    for (const auto& kv : n) out[kv.first.as<std::string>()] = from_yaml(kv.second);
    return out;
  }
  if (n.IsSequence()) {
    json out = json::array();
    for (const auto& item : n) out.push_back(from_yaml(item));
    return out;
  }
  if (n.IsNull()) return nullptr;
  if (n.Tag() == "!") return n.as<std::string>();  // quoted: a string whatever it looks like
  const auto text = n.as<std::string>();
  if (text == "true" || text == "false") return text == "true";
  long long i = 0;
  if (YAML::convert<long long>::decode(n, i)) return i;
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(output)

BOOST_AUTO_TEST_CASE(yaml_round_trips_a_work_object) {
  const json doc = {{"id", "0b9c"},
                    {"attempt", 2},
                    {"cancel_requested", false},
                    {"claimed_by", nullptr},
                    {"crd_spec", "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: x\n"},
                    {"looks_like_bool", "true"},
                    {"looks_like_number", "3"},
                    {"looks_like_null", "null"},
                    {"empty", ""},
                    {"colon", "a: b"},
                    {"no_final_newline", "line1\nline2"},
                    {"labels", {"gpu", "yes"}},
                    {"annotations", json::object()},
                    {"items", json::array()},
                    {"targets", {{"match", "all"}, {"annotations", {{"zone", "eu-1"}}}}}};
  const auto text = to_yaml(doc);
  BOOST_TEST(text.find("crd_spec: |") != std::string::npos, text);
  BOOST_TEST(text.find("annotations: {}\n") != std::string::npos, text);
  BOOST_TEST(text.find("items: []\n") != std::string::npos, text);
  BOOST_TEST(text.find("claimed_by: null\n") != std::string::npos, text);
  BOOST_TEST(from_yaml(YAML::Load(text)) == doc, text);
}

BOOST_AUTO_TEST_CASE(json_documents_and_stream_items) {
  std::ostringstream pretty, line, yaml, table;
  const json doc = {{"a", 1}};
  write_document(pretty, output_format::json, doc);
  BOOST_TEST(json::parse(pretty.str()) == doc);
  BOOST_TEST(pretty.str().find('\n') < pretty.str().size() - 1);  // indented, several lines
  write_stream_item(line, output_format::json, doc);
  BOOST_TEST(line.str() == "{\"a\":1}\n");
  write_stream_item(yaml, output_format::yaml, doc);
  BOOST_TEST(yaml.str() == "---\na: 1\n");
  write_document(table, output_format::table, doc);
  BOOST_TEST(table.str().empty());
  BOOST_TEST((parse_output_format("yaml") == output_format::yaml));
  BOOST_TEST(!parse_output_format("YAML").has_value());
}

BOOST_AUTO_TEST_CASE(table_aligns_columns) {
  table t({"ID", "STATUS", "REASON"});
  t.add_row({"1", "COMPLETED", ""});
  t.add_row({"22222", "PENDING"});
  BOOST_TEST(t.render() ==
             "ID      STATUS      REASON\n"
             "1       COMPLETED   \n"
             "22222   PENDING     \n");
}

BOOST_AUTO_TEST_CASE(key_value_block_skips_empty_values) {
  BOOST_TEST(key_value_block({{"ID", "1"}, {"Claimed by", ""}, {"Status", "PENDING"}}) ==
             "ID:     1\n"
             "Status: PENDING\n");
}

BOOST_AUTO_TEST_SUITE_END()
