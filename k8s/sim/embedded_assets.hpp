#pragma once
// Files compiled into brokkr-sim-cluster (k8s/sim/embed.cmake): the Shipwright CRD schemas it serves
// and the ClusterBuildStrategies it installs at start, so the binary needs no data files.
#include <span>
#include <string_view>

namespace brokkr::k8s::sim {

struct asset {
  std::string_view name;  // "crds/buildruns.json", "strategies/buildstrategy_buildah_..._cr.yaml"
  std::string_view data;
};

std::span<const asset> embedded_assets();

}  // namespace brokkr::k8s::sim
