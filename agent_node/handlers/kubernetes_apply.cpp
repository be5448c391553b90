#include "agent_node/handlers/kubernetes_apply.hpp"

#include <caf/all.hpp>

#include <regex>

#include "actors/work_types.hpp"
#include "agent_node/handlers/api_failure.hpp"
#include "common/log.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::agent {
namespace {

using nlohmann::json;

struct manifest {
  k8s::resource resource;
  std::string ns;
  std::string name;
  json object;
};

struct apply_state {
  static inline const char* name = "kubernetes_apply";
  handler_context ctx;
  work_item item;
  std::vector<manifest> manifests;
  int wait_index = -1;  // the manifest whose condition ends the run
  k8s::completion_condition condition;
  bool seen = false;
  bool finishing = false;
};

using self_ptr = handler_actor::stateful_pointer<apply_state>;

json applied_list(const apply_state& st) {
  json list = json::array();
  for (const auto& m : st.manifests) list.push_back(m.resource.kind + "/" + (m.ns.empty() ? "" : m.ns + "/") + m.name);
  return list;
}

void report(self_ptr self, work_outcome outcome, const std::string& reason, const std::string& message, json extra = {}) {
  auto& st = self->state;
  st.finishing = true;
  json details = {{"applied", applied_list(st)}};
  for (auto& [k, v] : extra.items()) details[k] = v;
  caf::anon_send(st.ctx.dispatcher, done_atom::value, st.item.id, static_cast<int32_t>(st.item.attempt),
                 completion_msg{st.item.attempt, outcome, reason, message, details.dump()});
  self->quit();
}

bool prepare(self_ptr self) {
  auto& st = self->state;
  auto docs = k8s::parse_yaml_documents(st.item.crd_spec);
  if (!docs) {
    report(self, work_outcome::failed_permanent, "InvalidManifest", "crd_spec: " + docs.error());
    return false;
  }
  for (auto& doc : *docs) {
    const auto api = doc.value("apiVersion", ""), kind = doc.value("kind", "");
    auto res = resource_for(api, kind);
    if (!res) {
      report(self, work_outcome::failed_permanent, "UnsupportedKind", "this agent does not apply " + api + " " + kind);
      return false;
    }
    auto& meta = doc["metadata"];
    meta["labels"][work_id_label] = st.item.id;
    const std::string ns = res->namespaced ? meta.value("namespace", st.ctx.default_namespace) : "";
    if (res->namespaced) meta["namespace"] = ns;
    const auto annotations = meta.value("annotations", json::object());
    if (annotations.contains(std::string(annotation_wait_for))) {
      auto success = parse_condition_annotation(annotations[std::string(annotation_wait_for)].get<std::string>());
      if (!success) {
        report(self, work_outcome::failed_permanent, "InvalidManifest", "brokkr.io/wait-for must read condition=<Type>");
        return false;
      }
      st.condition.success = *success;
      if (annotations.contains(std::string(annotation_fail_on))) {
        if (auto failure = parse_condition_annotation(annotations[std::string(annotation_fail_on)].get<std::string>()))
          st.condition.failure.push_back(*failure);
      } else if (kind == "Job") {
        st.condition.failure = k8s::job_completion().failure;
      }
      st.wait_index = static_cast<int>(st.manifests.size());
    }
    st.manifests.push_back({*res, ns, meta.value("name", ""), doc});
  }
  return true;
}

void evaluate(self_ptr self, const json* object) {
  auto& st = self->state;
  if (st.finishing) return;
  const auto& target = st.manifests[static_cast<size_t>(st.wait_index)];
  if (!object) {
    if (st.seen) return report(self, work_outcome::failed_retryable, "ObjectDeleted", target.name + " was deleted while waited on");
    return;  // not listed yet: the informer will bring it
  }
  st.seen = true;
  const auto r = k8s::evaluate_condition(*object, st.condition);
  if (r.state == k8s::condition_state::pending) return;
  const json cond = {{"type", r.type}, {"reason", r.reason}, {"message", r.message}};
  if (r.state == k8s::condition_state::met)
    return report(self, work_outcome::completed, "", target.resource.kind + " " + target.name + " reached " + r.type,
                  {{"condition", cond}});
  // The workload ran and failed by its own logic: the same spec fails again.
  report(self, work_outcome::failed_permanent, r.reason.empty() ? r.type : r.reason,
         target.resource.kind + " " + target.name + " reported " + r.type + (r.message.empty() ? "" : ": " + r.message),
         {{"condition", cond}});
}

void apply_all(self_ptr self) {
  auto& st = self->state;
  self->request(st.ctx.k8s, std::chrono::minutes(5), run_atom::value,
                make_k8s_job<int>("apply", [ms = st.manifests, fm = st.ctx.settings.field_manager](k8s::client& c)
                                               -> expected<int, k8s::api_status> {
                  for (const auto& m : ms)
                    if (auto r = c.apply(m.resource, m.ns, m.object, fm, /*force=*/true); !r) return unexpected(r.error());
                  return static_cast<int>(ms.size());
                }))
      .then(
          [self](k8s_reply& r) {
            auto& st = self->state;
            auto n = take_reply<int>(r);
            if (!n) {
              const auto f = classify_api_failure(n.error(), "applying the manifests");
              return report(self, f.outcome, f.reason, f.message);
            }
            if (st.wait_index < 0) return report(self, work_outcome::completed, "", "applied " + std::to_string(*n) + " objects");
            const auto& m = st.manifests[static_cast<size_t>(st.wait_index)];
            caf::anon_send(st.ctx.informers, observe_atom::value, watch_target{m.resource, m.ns, m.name},
                           caf::actor_cast<caf::actor>(self));
          },
          [self](caf::error& e) { report(self, work_outcome::failed_retryable, "AgentError", caf::to_string(e)); });
}

// Cancel: remove what the run waits on (its dependents go with it), then report CANCELED.
void cancel(self_ptr self) {
  auto& st = self->state;
  if (st.finishing) return;
  if (st.wait_index < 0) return report(self, work_outcome::canceled, "Canceled", "canceled");
  const auto m = st.manifests[static_cast<size_t>(st.wait_index)];
  st.finishing = true;
  self->request(st.ctx.k8s, std::chrono::minutes(2), run_atom::value,
                make_k8s_job<json>("delete", [m](k8s::client& c) {
                  k8s::delete_options o;
                  o.policy = k8s::propagation::background;
                  return c.remove(m.resource, m.ns, m.name, o);
                }))
      .then([self, m](k8s_reply&) { report(self, work_outcome::canceled, "Canceled", "deleted " + m.resource.kind + " " + m.name); },
            [self](caf::error&) { report(self, work_outcome::canceled, "Canceled", "canceled"); });
}

handler_actor::behavior_type apply_handler(self_ptr self, handler_context ctx, work_item item) {
  self->state.ctx = std::move(ctx);
  self->state.item = std::move(item);
  if (prepare(self)) {
    apply_all(self);
    arm_watch_budget(self, self->state.item);
  }
  return {
      [self](cancel_atom) { cancel(self); },
      [self](observed& o) { evaluate(self, o.object.get()); },
      [self](caf::timeout_atom) {
        if (!self->state.finishing)
          report(self, work_outcome::failed_retryable, "WaitBudgetExceeded", "the condition was not reached within the claim's time budget");
      },
  };
}

}  // namespace

std::optional<k8s::condition_match> parse_condition_annotation(const std::string& text) {
  static const std::regex form("condition=([A-Za-z][A-Za-z0-9_.-]*)(=(True|False|Unknown))?");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  return k8s::condition_match{m[1], m[3].matched ? std::string(m[3]) : "True"};
}

std::optional<k8s::resource> resource_for(const std::string& api_version, const std::string& kind) {
  using namespace k8s::resources;
  static const std::vector<k8s::resource> known = {namespaces, secrets, configmaps, serviceaccounts, jobs, builds, buildruns};
  for (const auto& r : known)
    if (r.api_version() == api_version && r.kind == kind) return r;
  return std::nullopt;
}

handler_actor spawn_kubernetes_apply(caf::actor_system& sys, const handler_context& ctx, const work_item& item) {
  return sys.spawn(apply_handler, ctx, item);
}

}  // namespace brokkr::agent
