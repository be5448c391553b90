#pragma once
// The checks Shipwright's Build reconciler runs, in its order (reference/shipwright.md section 2), and
// the parameter checks it shares with the BuildRun reconciler (section 5). The first failure wins.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"

namespace brokkr::k8s::sim {

struct check_failure {
  std::string reason;   // BuildStrategyNotFound, UndefinedParameter, ...
  std::string message;
};

// What the checks need to look up in the cluster.
struct cluster_view {
  std::function<bool(const std::string& ns, const std::string& name)> secret_exists;
  // kind is BuildStrategy (namespaced) or ClusterBuildStrategy; nullopt when absent.
  std::function<std::optional<nlohmann::json>(const std::string& kind, const std::string& ns,
                                              const std::string& name)> strategy;
};

enum class check_for { build, buildrun };

// Finds the spec's strategy. A missing kind means a namespaced BuildStrategy. The unknown-kind reason
// differs between Build (UnknownBuildStrategyKind) and BuildRun (UnknownStrategyKind).
expected<nlohmann::json, check_failure> resolve_strategy(const nlohmann::json& spec, const std::string& ns,
                                                         const cluster_view& view, check_for who);

// paramValues against the strategy's parameters. Missing values are only checked for BuildRuns.
std::optional<check_failure> validate_params(const nlohmann::json& values, const nlohmann::json& strategy,
                                             check_for who);

// spec.volumes against the strategy's overridable volumes, spec.strategy.stepResources against its steps.
std::optional<check_failure> validate_volumes_and_steps(const nlohmann::json& spec, const nlohmann::json& strategy);

// The Build registration checks; nullopt means registered: True, reason Succeeded.
std::optional<check_failure> validate_build(const nlohmann::json& build, const cluster_view& view);

}  // namespace brokkr::k8s::sim
