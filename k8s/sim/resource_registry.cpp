#include "k8s/sim/resource_registry.hpp"

#include <stdexcept>

#include "k8s/sim/embedded_assets.hpp"

namespace brokkr::k8s::sim {
namespace {

served_resource builtin(const k8s::resource& r, std::string singular, std::vector<std::string> short_names,
                        bool has_status) {
  served_resource s;
  s.res = r;
  s.singular = std::move(singular);
  s.short_names = std::move(short_names);
  s.has_status = has_status;
  return s;
}

served_resource from_crd(const nlohmann::json& crd) {
  served_resource s;
  const auto& names = crd.at("names");
  s.res = {crd.at("group").get<std::string>(), crd.at("version").get<std::string>(),
           names.at("plural").get<std::string>(), crd.at("scope") == "Namespaced", names.at("kind").get<std::string>()};
  s.singular = names.value("singular", "");
  s.short_names = names.value("shortNames", std::vector<std::string>{});
  s.has_status = crd.value("subresources", nlohmann::json::object()).contains("status");
  s.is_crd = true;
  s.printer_columns = crd.value("additionalPrinterColumns", nlohmann::json::array());
  s.schema = crd.at("schema");
  return s;
}

}  // namespace

resource_registry::resource_registry() {
  namespace r = k8s::resources;
  resources_.push_back(builtin(r::namespaces, "namespace", {"ns"}, true));
  resources_.push_back(builtin(r::secrets, "secret", {}, false));
  resources_.push_back(builtin(r::configmaps, "configmap", {"cm"}, false));
  resources_.push_back(builtin(r::serviceaccounts, "serviceaccount", {"sa"}, false));
  resources_.push_back(builtin(r::pods, "pod", {"po"}, true));
  resources_.push_back(builtin(r::jobs, "job", {}, true));
  for (const auto& a : embedded_assets()) {
    if (a.name.rfind("crds/", 0) != 0) continue;
    resources_.push_back(from_crd(nlohmann::json::parse(a.content)));
  }
}

const served_resource* resource_registry::find(std::string_view group, std::string_view version,
                                               std::string_view plural) const {
  for (const auto& s : resources_)
    if (s.res.group == group && s.res.version == version && s.res.plural == plural) return &s;
  return nullptr;
}

const served_resource& resource_registry::get(const k8s::resource& r) const {
  const auto* s = find(r);
  if (!s) throw std::logic_error("sim: resource not served: " + r.plural);
  return *s;
}

std::vector<std::pair<std::string, std::string>> resource_registry::group_versions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : resources_) {
    std::pair<std::string, std::string> gv{s.res.group, s.res.version};
    bool seen = false;
    for (const auto& o : out) seen = seen || o == gv;
    if (!seen) out.push_back(gv);
  }
  return out;
}

}  // namespace brokkr::k8s::sim
