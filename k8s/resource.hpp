#pragma once
// A Kubernetes resource type as the REST API addresses it: group, version, plural, scope.
#include <string>
#include <string_view>

#include "common/http_url.hpp"

namespace brokkr::k8s {

// One path segment: percent-encoded, and "." or ".." (which a client would resolve) spelled as %2E.
inline std::string segment(std::string_view text) {
  if (!text.empty() && text.find_first_not_of('.') == std::string_view::npos) {
    std::string dots;
    for (size_t i = 0; i < text.size(); ++i) dots += "%2E";
    return dots;
  }
  return http::percent_encode(text);
}

struct resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1", "v1beta1"
  std::string plural;   // "buildruns"
  bool namespaced = true;
  std::string kind;     // "BuildRun" (for building objects and messages)

  // "shipwright.io/v1beta1", or "v1" for the core group.
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "/apis/shipwright.io/v1beta1/namespaces/ci/buildruns/x/status"; empty parts are left out.
  // Cluster-scoped resources ignore `ns`. Names and namespaces are percent-encoded: they come from
  // work items, and a "/" or ".." in one must not address another object.
  std::string path(std::string_view ns = {}, std::string_view name = {}, std::string_view subresource = {}) const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty()) p.append("/namespaces/").append(segment(ns));
    p.append("/").append(plural);
    if (!name.empty()) p.append("/").append(segment(name));
    if (!name.empty() && !subresource.empty()) p.append("/").append(subresource);
    return p;
  }
};

// The resources Brokkr touches.
namespace resources {
inline const resource builds{"shipwright.io", "v1beta1", "builds", true, "Build"};
inline const resource buildruns{"shipwright.io", "v1beta1", "buildruns", true, "BuildRun"};
inline const resource buildstrategies{"shipwright.io", "v1beta1", "buildstrategies", true, "BuildStrategy"};
inline const resource clusterbuildstrategies{"shipwright.io", "v1beta1", "clusterbuildstrategies", false,
                                             "ClusterBuildStrategy"};
inline const resource namespaces{"", "v1", "namespaces", false, "Namespace"};
inline const resource secrets{"", "v1", "secrets", true, "Secret"};
inline const resource configmaps{"", "v1", "configmaps", true, "ConfigMap"};
inline const resource serviceaccounts{"", "v1", "serviceaccounts", true, "ServiceAccount"};
inline const resource pods{"", "v1", "pods", true, "Pod"};
inline const resource jobs{"batch", "v1", "jobs", true, "Job"};
}  // namespace resources

}  // namespace brokkr::k8s
