#include <boost/test/unit_test.hpp>

#include "k8s/apply_manifest.hpp"
#include "k8s/work_types.hpp"
#include "k8s/yaml_json.hpp"
#include "tests/support/spec_cases.hpp"

using namespace brokkr::k8s;

BOOST_AUTO_TEST_SUITE(apply_manifest_suite)

BOOST_AUTO_TEST_CASE(every_malformed_spec_is_refused_naming_its_field) {
  for (const auto& c : brokkr::test::malformed_specs()) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto* type = find_work_type(c.work_type);
      BOOST_REQUIRE(type);
      auto r = type->validate(c.spec);
      BOOST_REQUIRE(!r);
      BOOST_TEST(r.error().field == c.field);
      BOOST_TEST(r.error().message.find(c.field) == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_valid_spec_becomes_objects_with_the_wait_condition) {
  auto m = apply::parse_manifest(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: team-a, labels: {app: x}}\n"
      "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n"
      "  annotations: {brokkr.io/wait-for: condition=Complete}\nspec: {template: {}}\n");
  BOOST_REQUIRE_MESSAGE(m.has_value(), (m ? std::string() : m.error().message));
  BOOST_REQUIRE(m->objects.size() == 2u);
  BOOST_TEST(m->objects[0].res.plural == "configmaps");
  BOOST_TEST(m->objects[0].ns == "team-a");
  BOOST_TEST(m->objects[1].ns == "");  // left to the agent's namespace
  BOOST_TEST(m->wait_index == 1);
  BOOST_TEST(m->condition.success.type == "Complete");
  BOOST_REQUIRE(m->condition.failure.size() == 1u);  // a Job fails on Failed=True unless told otherwise
  BOOST_TEST(m->condition.failure[0].type == "Failed");
}

BOOST_AUTO_TEST_CASE(condition_annotations_without_regex) {
  auto c = apply::parse_condition_annotation("condition=Complete");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->type == "Complete");
  BOOST_TEST(c->status == "True");
  BOOST_TEST(apply::parse_condition_annotation("condition=Ready=False")->status == "False");
  BOOST_TEST(apply::parse_condition_annotation("condition=a.b_c-d=Unknown")->type == "a.b_c-d");
  for (const char* bad : {"Complete", "condition=", "condition=1x", "condition=Ready=Maybe", "condition=a b",
                          "condition=Ready=True=True"})
    BOOST_TEST(!apply::parse_condition_annotation(bad).has_value(), bad);
  // 50,000 characters: linear, no recursion (std::regex overflowed the stack here).
  BOOST_TEST(!apply::parse_condition_annotation("condition=" + std::string(50000, 'a')).has_value());
  BOOST_TEST(apply::resource_for("batch/v1", "Job")->plural == "jobs");
  BOOST_TEST(apply::resource_for("v1", "ConfigMap")->plural == "configmaps");
  BOOST_TEST(!apply::resource_for("apps/v1", "Frobnicator").has_value());
  BOOST_TEST(apply::is_dns_label("team-a"));
  BOOST_TEST(!apply::is_dns_label("team.a"));
  BOOST_TEST(!apply::is_dns_label(std::string(64, 'a')));
}

BOOST_AUTO_TEST_CASE(yaml_refuses_alias_bombs_and_deep_nesting_before_expanding) {
  // The classic: nine levels of nine aliases each would expand to 9^9 strings.
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  auto r = parse_yaml_documents(bomb);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().find("anchors") != std::string::npos);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "[";
  auto d = parse_yaml_documents(deep);
  BOOST_REQUIRE(!d);
  auto j = parse_yaml_or_json(deep);
  BOOST_REQUIRE(!j);
  auto ok = parse_yaml_documents("a: [1, {b: null}]\n---\nc: 'x'\n");
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->size() == 2u);
  BOOST_TEST((*ok)[0]["a"][1]["b"].is_null());
  BOOST_TEST((*ok)[1]["c"] == "x");
  BOOST_TEST(!parse_yaml_documents("? [a, b]\n: c\n").has_value());  // a mapping key that is not a scalar
  // yaml-cpp 0.7 never returns from these three bytes (found by tests/fuzz); libyaml refuses them.
  BOOST_TEST(!parse_yaml_documents("{},").has_value());
  BOOST_TEST(!parse_yaml_documents("a: \xff\xfe").has_value());  // not UTF-8
}

// Numbers beyond what JSON can hold stay text instead of throwing out of the parser (found by
// tests/fuzz: std::stod threw out_of_range on 5000000e0000035111 and ended the process).
BOOST_AUTO_TEST_CASE(yaml_numbers_out_of_range_stay_strings) {
  auto r = parse_yaml_documents("a: 5000000e0000035111\nb: 1e-400\nc: 99999999999999999999\nd: 1.5e3\n");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((*r)[0]["a"] == "5000000e0000035111");
  BOOST_TEST((*r)[0]["b"] == "1e-400");
  BOOST_TEST((*r)[0]["c"] == "99999999999999999999");
  BOOST_TEST((*r)[0]["d"] == 1500.0);
}

BOOST_AUTO_TEST_CASE(the_registry_names_every_type_once) {
  BOOST_TEST(work_types().size() == 2u);
  BOOST_TEST(find_work_type("shipwright-build"));
  BOOST_TEST(find_work_type("kubernetes-apply"));
  BOOST_TEST(!find_work_type("shell"));
  BOOST_TEST(work_type_names() == "shipwright-build, kubernetes-apply");
}

BOOST_AUTO_TEST_SUITE_END()
