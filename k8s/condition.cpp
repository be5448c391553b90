#include "k8s/condition.hpp"

namespace brokkr::k8s {
namespace {

using json = nlohmann::json;

const json* find_condition(const json& conditions, const std::string& type) {
  for (const auto& c : conditions)
    if (c.is_object() && c.value("type", "") == type) return &c;
  return nullptr;
}

bool stale(const json& object) {
  const auto meta = object.find("metadata");
  const auto status = object.find("status");
  if (meta == object.end() || status == object.end() || !meta->is_object() || !status->is_object()) return false;
  const auto gen = meta->find("generation");
  const auto observed = status->find("observedGeneration");
  if (gen == meta->end() || observed == status->end() || !gen->is_number() || !observed->is_number()) return false;
  return observed->get<int64_t>() < gen->get<int64_t>();
}

condition_result result_of(condition_state state, const json& c) {
  return {state, c.value("type", ""), c.value("reason", ""), c.value("message", "")};
}

}  // namespace

condition_result evaluate_condition(const json& object, const completion_condition& wanted) {
  if (!object.is_object() || stale(object)) return {};
  const auto status = object.find("status");
  if (status == object.end() || !status->is_object()) return {};
  const auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return {};
  for (const auto& f : wanted.failure) {
    const json* c = find_condition(*conditions, f.type);
    if (c && c->value("status", "") == f.status) return result_of(condition_state::failed, *c);
  }
  const json* c = find_condition(*conditions, wanted.success.type);
  if (c && c->value("status", "") == wanted.success.status) return result_of(condition_state::met, *c);
  return {};
}

completion_condition job_completion() { return {{"Complete", "True"}, {{"Failed", "True"}}}; }

}  // namespace brokkr::k8s
