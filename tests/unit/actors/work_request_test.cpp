#include <boost/test/unit_test.hpp>

#include "actors/work_request.hpp"

using namespace brokkr;

namespace {

const char* build_spec =
    "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: a\n"
    "spec:\n  strategy:\n    name: buildah\n  output:\n    image: r.example.com/a:1\n";

work_request valid() {
  work_request r;
  r.work_type = "shipwright-build";
  r.crd_spec = build_spec;
  r.targets.labels = {"gpu"};
  return r;
}

std::string field_of(const work_request& r) {
  auto v = validate(r);
  BOOST_REQUIRE_MESSAGE(!v.has_value(), "expected a validation error");
  BOOST_TEST(!v.error().message.empty());
  return v.error().field;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_valid_request_passes) { BOOST_TEST(static_cast<bool>(validate(valid()))); }

BOOST_AUTO_TEST_CASE(json_crd_spec_is_accepted) {
  auto r = valid();
  r.crd_spec = R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"a"},)"
               R"("spec":{"strategy":{"name":"buildah"},"output":{"image":"r/a:1"}}})";
  BOOST_TEST(static_cast<bool>(validate(r)));
}

BOOST_AUTO_TEST_CASE(each_bad_field_is_named) {
  auto r = valid();
  r.work_type = "mine-bitcoin";
  BOOST_TEST(field_of(r) == "work_type");
  r = valid();
  r.crd_spec = "key: [unclosed";
  BOOST_TEST(field_of(r) == "crd_spec");
  r.crd_spec = "just a string";
  BOOST_TEST(field_of(r) == "crd_spec.build");
  r.crd_spec = "";
  BOOST_TEST(field_of(r) == "crd_spec");
  r.crd_spec = std::string(max_crd_spec_bytes + 1, 'a');
  BOOST_TEST(field_of(r) == "crd_spec");
  r = valid();
  r.crd_spec = "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: a\nspec:\n  strategy:\n    name: b\n";
  BOOST_TEST(field_of(r) == "crd_spec.build.spec.output.image");
  r = valid();
  r.crd_spec = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n";
  BOOST_TEST(field_of(r) == "crd_spec.build.apiVersion");
  r = valid();
  r.max_retries = -1;
  BOOST_TEST(field_of(r) == "max_retries");
  r = valid();
  r.max_retries = 1'000'000;
  BOOST_TEST(field_of(r) == "max_retries");
  r = valid();
  r.claim_timeout_seconds = 0;
  BOOST_TEST(field_of(r) == "claim_timeout_seconds");
  r = valid();
  r.ttl_seconds = -5;
  BOOST_TEST(field_of(r) == "ttl_seconds");
  r = valid();
  r.backoff_base_seconds = 0;
  BOOST_TEST(field_of(r) == "backoff_base_seconds");
  r = valid();
  r.lease_seconds = 1;
  BOOST_TEST(field_of(r) == "lease_seconds");
  r = valid();
  r.lease_seconds = 100;
  r.claim_timeout_seconds = 60;
  BOOST_TEST(field_of(r) == "lease_seconds");
  r = valid();
  r.priority = 5000;
  BOOST_TEST(field_of(r) == "priority");
  r = valid();
  r.idempotency_key = std::string(300, 'k');
  BOOST_TEST(field_of(r) == "idempotency_key");
}

// Work labels follow Kubernetes' label syntax; the field names the offending key.
BOOST_AUTO_TEST_CASE(work_labels_follow_kubernetes_label_syntax) {
  auto r = valid();
  r.labels = {{"team", "web"}, {"example.com/release", "1.4"}, {"empty", ""}, {"a", std::string(63, 'v')},
              {std::string(63, 'k'), "x"}, {"Mixed.Case_9", "v-1.2_b"}};
  BOOST_TEST(static_cast<bool>(validate(r)));
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"", "v"}, {"-a", "v"}, {"a-", "v"}, {std::string(64, 'k'), "v"}, {"a b", "v"}, {"UPPER.example.com/x", "v"},
           {"example.com/", "v"}, {"/x", "v"}, {"a", "-v"}, {"a", "v!"}, {"a", std::string(64, 'v')}, {"a", "v\n"}}) {
    auto bad = valid();
    bad.labels = {{key, value}};
    const auto v = validate(bad);
    BOOST_REQUIRE_MESSAGE(!v, "accepted " << key << "=" << value);
    BOOST_TEST(v.error().field == "labels." + key);
  }
  auto many = valid();
  for (int i = 0; i < 65; ++i) many.labels["k" + std::to_string(i)] = "v";
  BOOST_TEST(validate(many).error().field == "labels");
  auto retry = valid();
  retry.retry_of = "not-a-uuid";
  BOOST_TEST(validate(retry).error().field == "retry_of");
}

BOOST_AUTO_TEST_CASE(targets_must_say_something_valid) {
  auto r = valid();
  r.targets = {};
  BOOST_TEST(field_of(r) == "targets");
  r.targets.agent_ids = {"not-a-uuid"};
  BOOST_TEST(field_of(r) == "targets.agent_ids[0]");
  r.targets = {};
  r.targets.labels = {"ok", "bad label"};
  BOOST_TEST(field_of(r) == "targets.labels[1]");
  r.targets = {};
  r.targets.labels = {std::string(65, 'x')};
  BOOST_TEST(field_of(r) == "targets.labels[0]");
  r.targets = {};
  r.targets.annotations = {{"zone", std::string(2000, 'x')}};
  BOOST_TEST(field_of(r) == "targets.annotations.zone");
}

BOOST_AUTO_TEST_CASE(kubernetes_apply_specs) {
  work_request r;
  r.work_type = "kubernetes-apply";
  r.targets.labels = {"a"};
  r.crd_spec =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
      "    brokkr.io/wait-for: condition=Complete\n    brokkr.io/fail-on: condition=Failed=True\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
  BOOST_TEST(static_cast<bool>(validate(r)));
  r.crd_spec = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: m\n  annotations:\n    brokkr.io/wait-for: done\n";
  BOOST_TEST(field_of(r) == "crd_spec[0].metadata.annotations.brokkr.io/wait-for");
  r.crd_spec = "apiVersion: v1\nkind: ConfigMap\n";
  BOOST_TEST(field_of(r) == "crd_spec[0].metadata");
}

BOOST_AUTO_TEST_CASE(the_default_lease_fits_a_short_claim_timeout) {
  auto r = valid();
  BOOST_TEST(effective_lease_seconds(r) == 30);
  r.claim_timeout_seconds = 10;
  BOOST_TEST(static_cast<bool>(validate(r)));
  BOOST_TEST(effective_lease_seconds(r) == 10);
  r.lease_seconds = 5;
  BOOST_TEST(effective_lease_seconds(r) == 5);
}

BOOST_AUTO_TEST_CASE(uuid_check) {
  BOOST_TEST(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  BOOST_TEST(!is_uuid("123e4567e89b12d3a456426614174000"));
  BOOST_TEST(!is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
}
