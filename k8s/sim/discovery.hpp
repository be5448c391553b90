#pragma once
// Discovery and OpenAPI v3 documents, as reference/kubectl-wire.md lists what stock kubectl asks for:
// /version, /api, /apis, /api/v1, /apis/{group}[/{version}], /openapi/v3 and one document per
// group-version with the real CRD schemas and an operation (with fieldValidation) per verb.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "k8s/sim/resource_registry.hpp"

namespace brokkr::k8s::sim {

class discovery {
 public:
  explicit discovery(const resource_registry& registry);

  nlohmann::json version() const;
  nlohmann::json api_versions(const std::string& server_address) const;  // GET /api
  nlohmann::json api_group_list() const;                                  // GET /apis
  // GET /apis/{group}; nullopt when the group is not served.
  std::optional<nlohmann::json> api_group(const std::string& group) const;
  // GET /api/v1, /apis/{group}/{version}
  std::optional<nlohmann::json> resource_list(const std::string& group, const std::string& version) const;
  nlohmann::json openapi_index() const;  // GET /openapi/v3
  // GET /openapi/v3/api/v1, /openapi/v3/apis/{group}/{version}
  std::optional<nlohmann::json> openapi_document(const std::string& group, const std::string& version) const;

 private:
  nlohmann::json group_json(const std::string& group) const;
  const resource_registry& registry_;
};

}  // namespace brokkr::k8s::sim
