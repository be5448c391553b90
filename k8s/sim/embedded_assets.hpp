#pragma once
// Files compiled into brokkr-sim-cluster (cmake/EmbedFiles.cmake): the Shipwright CRD schemas it
// serves and the ClusterBuildStrategies it installs at start, so the binary needs no data files.
// Names are relative to k8s/sim: "crds/buildruns.json", "strategies/buildstrategy_buildah_..._cr.yaml".
#include <span>

#include "common/embedded_file.hpp"

namespace brokkr::k8s::sim {

std::span<const embedded_file> embedded_assets();

}  // namespace brokkr::k8s::sim
