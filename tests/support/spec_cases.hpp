#pragma once
// Every way the agent's crd_spec parsers (k8s/shipwright_manifest, k8s/apply_manifest) refuse a
// spec, one case each, with the field the refusal must name. Walked by unit_k8s against the parsers
// and by e2e_broker against POST /api/v1/ephemeral-work: a spec the agent would refuse is a 422 at
// submit, naming the same field.
#include <string>
#include <vector>

namespace brokkr::test {

struct spec_case {
  std::string name;
  std::string work_type;
  std::string spec;
  std::string field;
};

inline std::vector<spec_case> malformed_specs() {
  const std::string sw = "apiVersion: shipwright.io/v1beta1\nkind: Build\n";
  const std::string build = sw + "metadata: {name: app}\nspec: {strategy: {name: buildah}, output: {image: r/app}}\n";
  const std::string run = build + "---\napiVersion: shipwright.io/v1beta1\nkind: BuildRun\n";
  const std::string cm = "apiVersion: v1\nkind: ConfigMap\n";
  const std::string job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n";
  std::string deep = "a: ";
  for (int i = 0; i < 80; ++i) deep += "[";
  return {
      // shipwright-build: the document stream
      {"sw_not_yaml", "shipwright-build", "{not yaml: [", "crd_spec"},
      {"sw_three_documents", "shipwright-build", build + "---\n" + build + "---\n" + build, "crd_spec"},
      {"sw_alias", "shipwright-build", sw + "metadata: &m {name: app}\nspec: {strategy: {name: *m}}\n", "crd_spec"},
      {"sw_too_deep", "shipwright-build", deep, "crd_spec"},
      // the Build
      {"sw_not_a_mapping", "shipwright-build", "- a\n- b\n", "crd_spec.build"},
      {"sw_api_version", "shipwright-build", "apiVersion: v1\nkind: Build\n", "crd_spec.build.apiVersion"},
      {"sw_kind", "shipwright-build", "apiVersion: shipwright.io/v1beta1\nkind: Job\n", "crd_spec.build.kind"},
      {"sw_metadata_list", "shipwright-build", sw + "metadata: []\n", "crd_spec.build.metadata"},
      {"sw_namespace", "shipwright-build", sw + "metadata: {name: app, namespace: Not_A_Namespace}\n", "crd_spec.build.metadata.namespace"},
      {"sw_labels_list", "shipwright-build", sw + "metadata: {name: app, labels: [a]}\n", "crd_spec.build.metadata.labels"},
      {"sw_label_not_string", "shipwright-build", sw + "metadata: {name: app, labels: {a: {b: c}}}\n", "crd_spec.build.metadata.labels.a"},
      {"sw_annotation_not_string", "shipwright-build", sw + "metadata: {name: app, annotations: {a: [1]}}\n", "crd_spec.build.metadata.annotations.a"},
      {"sw_name_missing", "shipwright-build", sw + "metadata: {}\n", "crd_spec.build.metadata.name"},
      {"sw_name_rfc1123", "shipwright-build", sw + "metadata: {name: My_Build}\n", "crd_spec.build.metadata.name"},
      {"sw_spec_missing", "shipwright-build", sw + "metadata: {name: app}\n", "crd_spec.build.spec"},
      {"sw_strategy_name", "shipwright-build", sw + "metadata: {name: app}\nspec: {}\n", "crd_spec.build.spec.strategy.name"},
      {"sw_strategy_kind", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s, kind: Other}}\n", "crd_spec.build.spec.strategy.kind"},
      {"sw_output_image", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s}}\n", "crd_spec.build.spec.output.image"},
      {"sw_source_type", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s}, output: {image: i}, source: {}}\n", "crd_spec.build.spec.source.type"},
      {"sw_timeout", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s}, output: {image: i}, timeout: soon}\n", "crd_spec.build.spec.timeout"},
      {"sw_ttl_failed", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s}, output: {image: i}, retention: {ttlAfterFailed: 5}}\n", "crd_spec.build.spec.retention.ttlAfterFailed"},
      {"sw_ttl_succeeded", "shipwright-build", sw + "metadata: {name: app}\nspec: {strategy: {name: s}, output: {image: i}, retention: {ttlAfterSucceeded: x}}\n", "crd_spec.build.spec.retention.ttlAfterSucceeded"},
      // the BuildRun document
      {"br_kind", "shipwright-build", build + "---\napiVersion: shipwright.io/v1beta1\nkind: Nope\n", "crd_spec.buildrun.kind"},
      {"br_api_version", "shipwright-build", build + "---\napiVersion: v1\nkind: BuildRun\n", "crd_spec.buildrun.apiVersion"},
      {"br_spec_list", "shipwright-build", run + "spec: []\n", "crd_spec.buildrun.spec"},
      {"br_state", "shipwright-build", run + "spec: {state: BuildRunCanceled}\n", "crd_spec.buildrun.spec.state"},
      {"br_build_spec", "shipwright-build", run + "spec: {build: {spec: {}}}\n", "crd_spec.buildrun.spec.build.spec"},
      {"br_build_name", "shipwright-build", run + "spec: {build: {name: other}}\n", "crd_spec.buildrun.spec.build.name"},
      {"br_output_image", "shipwright-build", run + "spec: {output: {}}\n", "crd_spec.buildrun.spec.output.image"},
      {"br_timeout", "shipwright-build", run + "spec: {timeout: forever}\n", "crd_spec.buildrun.spec.timeout"},
      {"br_ttl", "shipwright-build", run + "spec: {retention: {ttlAfterFailed: x}}\n", "crd_spec.buildrun.spec.retention.ttlAfterFailed"},
      // kubernetes-apply
      {"ka_not_yaml", "kubernetes-apply", "{not yaml: [", "crd_spec"},
      {"ka_alias", "kubernetes-apply", cm + "metadata: &m {name: a}\ndata: *m\n", "crd_spec"},
      {"ka_too_deep", "kubernetes-apply", deep, "crd_spec"},
      {"ka_scalar", "kubernetes-apply", "hello\n", "crd_spec[0]"},
      {"ka_api_version", "kubernetes-apply", "kind: ConfigMap\nmetadata: {name: a}\n", "crd_spec[0].apiVersion"},
      {"ka_kind_missing", "kubernetes-apply", "apiVersion: v1\nmetadata: {name: a}\n", "crd_spec[0].kind"},
      {"ka_kind_unsupported", "kubernetes-apply", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n", "crd_spec[0].kind"},
      {"ka_metadata", "kubernetes-apply", cm, "crd_spec[0].metadata"},
      {"ka_name_missing", "kubernetes-apply", cm + "metadata: {}\n", "crd_spec[0].metadata.name"},
      {"ka_name_rfc1123", "kubernetes-apply", cm + "metadata: {name: Bad_Name}\n", "crd_spec[0].metadata.name"},
      {"ka_namespace_label", "kubernetes-apply", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n", "crd_spec[0].metadata.name"},
      {"ka_namespace_cluster_scoped", "kubernetes-apply", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: b}\n", "crd_spec[0].metadata.namespace"},
      {"ka_namespace_invalid", "kubernetes-apply", cm + "metadata: {name: a, namespace: ../etc}\n", "crd_spec[0].metadata.namespace"},
      {"ka_labels", "kubernetes-apply", cm + "metadata: {name: a, labels: x}\n", "crd_spec[0].metadata.labels"},
      {"ka_label_value", "kubernetes-apply", cm + "metadata: {name: a, labels: {k: [1]}}\n", "crd_spec[0].metadata.labels.k"},
      {"ka_annotation_value", "kubernetes-apply", cm + "metadata: {name: a, annotations: {k: {x: 1}}}\n", "crd_spec[0].metadata.annotations.k"},
      {"ka_second_document", "kubernetes-apply", cm + "metadata: {name: a}\n---\n" + cm + "metadata: {name: B}\n", "crd_spec[1].metadata.name"},
      {"ka_wait_malformed", "kubernetes-apply", job + "  annotations: {brokkr.io/wait-for: Complete}\n", "crd_spec[0].metadata.annotations.brokkr.io/wait-for"},
      {"ka_wait_status", "kubernetes-apply", job + "  annotations: {brokkr.io/wait-for: condition=Complete=Yes}\n", "crd_spec[0].metadata.annotations.brokkr.io/wait-for"},
      {"ka_wait_huge", "kubernetes-apply", job + "  annotations: {brokkr.io/wait-for: condition=" + std::string(50000, 'a') + "}\n", "crd_spec[0].metadata.annotations.brokkr.io/wait-for"},
      {"ka_fail_on_alone", "kubernetes-apply", job + "  annotations: {brokkr.io/fail-on: condition=Failed}\n", "crd_spec[0].metadata.annotations.brokkr.io/fail-on"},
      {"ka_fail_on_malformed", "kubernetes-apply", job + "  annotations: {brokkr.io/wait-for: condition=Complete, brokkr.io/fail-on: x}\n", "crd_spec[0].metadata.annotations.brokkr.io/fail-on"},
      {"ka_wait_twice", "kubernetes-apply", job + "  annotations: {brokkr.io/wait-for: condition=Complete}\n---\n" + job + "  annotations: {brokkr.io/wait-for: condition=Complete}\n", "crd_spec[1].metadata.annotations.brokkr.io/wait-for"},
  };
}

}  // namespace brokkr::test
