#include "agent_node/handlers/kubernetes_apply.hpp"

#include <caf/all.hpp>

#include "common/log.hpp"
#include "k8s/apply_manifest.hpp"

namespace brokkr::agent {
namespace {

using nlohmann::json;

struct apply_state {
  static inline const char* name = "kubernetes_apply";
  handler_context ctx;
  work_item item;
  k8s::apply::manifest spec;  // objects with our label and their namespace filled in
  bool seen = false;
  bool finishing = false;
};

using self_ptr = handler_actor::stateful_pointer<apply_state>;

json applied_list(const apply_state& st) {
  json list = json::array();
  for (const auto& m : st.spec.objects) list.push_back(m.res.kind + "/" + (m.ns.empty() ? "" : m.ns + "/") + m.name);
  return list;
}

void report(self_ptr self, work_outcome outcome, const std::string& reason, const std::string& message, json extra = {}) {
  auto& st = self->state;
  st.finishing = true;
  json details = {{"applied", applied_list(st)}};
  for (auto& [k, v] : extra.items()) details[k] = v;
  send_report(self, st.ctx, st.item, outcome, reason, message, details);
}

// The broker validated the spec with the same parser at submit; what is left to the agent is its
// own policy: the namespaces it may write to.
bool prepare(self_ptr self) {
  auto& st = self->state;
  auto spec = k8s::apply::parse_manifest(st.item.crd_spec);
  if (!spec) {
    report(self, work_outcome::failed_permanent, "InvalidManifest", spec.error().message);
    return false;
  }
  st.spec = std::move(*spec);
  for (auto& o : st.spec.objects) {
    if (o.res.namespaced && o.ns.empty()) o.ns = st.ctx.default_namespace;
    const std::string where = o.res.namespaced ? o.ns : std::string();
    if (!namespace_allowed(st.ctx, where)) {
      report(self, work_outcome::failed_permanent, "NamespaceNotAllowed",
             o.res.kind + " " + o.name + ": " + (where.empty() ? "cluster-scoped objects are" : "namespace " + where + " is") +
                 " not in this agent's --allowed-namespaces");
      return false;
    }
    auto& meta = o.body["metadata"];
    meta["labels"][work_id_label] = st.item.id;
    if (o.res.namespaced) meta["namespace"] = o.ns;
  }
  return true;
}

void evaluate(self_ptr self, const json* object) {
  auto& st = self->state;
  if (st.finishing) return;
  const auto& target = st.spec.objects[static_cast<size_t>(st.spec.wait_index)];
  if (!object) {
    if (st.seen) return report(self, work_outcome::failed_retryable, "ObjectDeleted", target.name + " was deleted while waited on");
    return;  // not listed yet: the informer will bring it
  }
  st.seen = true;
  const auto r = k8s::evaluate_condition(*object, st.spec.condition);
  if (r.state == k8s::condition_state::pending) return;
  const json cond = {{"type", r.type}, {"reason", r.reason}, {"message", r.message}};
  if (r.state == k8s::condition_state::met)
    return report(self, work_outcome::completed, "", target.res.kind + " " + target.name + " reached " + r.type,
                  {{"condition", cond}});
  // The workload ran and failed by its own logic: the same spec fails again.
  report(self, work_outcome::failed_permanent, r.reason.empty() ? r.type : r.reason,
         target.res.kind + " " + target.name + " reported " + r.type + (r.message.empty() ? "" : ": " + r.message),
         {{"condition", cond}});
}

// An object that exists without this work item's label belongs to someone else: force-apply would
// take its fields over, and a cancel would delete it. Refuse instead (docs/security.md).
expected<ok_t, k8s::api_status> check_owned(k8s::client& c, const k8s::apply::object& o, const std::string& work_id) {
  auto existing = c.get(o.res, o.ns, o.name);
  if (!existing) {
    if (existing.error().code == 404) return ok;
    return unexpected(existing.error());
  }
  const auto labels = (*existing)["metadata"].value("labels", json::object());
  const auto owner = labels.is_object() ? labels.value(work_id_label, std::string()) : std::string();
  if (owner == work_id) return ok;
  k8s::api_status refused;
  refused.code = 403;
  refused.reason = "ObjectNotOwned";
  refused.message = o.res.kind + " " + (o.ns.empty() ? "" : o.ns + "/") + o.name +
                    " exists and was not created by this work item (label " + work_id_label + " is '" + owner + "')";
  return unexpected(refused);
}

void apply_all(self_ptr self) {
  auto& st = self->state;
  k8s_step<int>(
      self, st.ctx, "apply",
      [objects = st.spec.objects, fm = st.ctx.settings.field_manager,
       id = st.item.id](k8s::client& c) -> expected<int, k8s::api_status> {
        for (const auto& o : objects) {
          if (auto owned = check_owned(c, o, id); !owned) return unexpected(owned.error());
          if (auto r = c.apply(o.res, o.ns, o.body, fm, /*force=*/true); !r) return unexpected(r.error());
        }
        return static_cast<int>(objects.size());
      },
      [self](int n) {
        auto& st = self->state;
        if (st.spec.wait_index < 0) return report(self, work_outcome::completed, "", "applied " + std::to_string(n) + " objects");
        const auto& o = st.spec.objects[static_cast<size_t>(st.spec.wait_index)];
        caf::anon_send(st.ctx.informers, observe_atom::value, watch_target{o.res, o.ns, o.name},
                       caf::actor_cast<caf::actor>(self));
      },
      "applying the manifests", [self](const api_failure& f) { report(self, f.outcome, f.reason, f.message); });
}

// Cancel: remove what the run waits on (its dependents go with it), then report CANCELED. Only an
// object carrying this item's label is deleted.
void cancel(self_ptr self) {
  auto& st = self->state;
  if (st.finishing) return;
  if (st.spec.wait_index < 0) return report(self, work_outcome::canceled, "Canceled", "canceled");
  const auto o = st.spec.objects[static_cast<size_t>(st.spec.wait_index)];
  st.finishing = true;
  request_job(
      self, st.ctx.k8s, std::chrono::minutes(2),
      make_k8s_job<json>("delete", [o, id = st.item.id](k8s::client& c) -> expected<json, k8s::api_status> {
        if (auto owned = check_owned(c, o, id); !owned) return unexpected(owned.error());
        k8s::delete_options opts;
        opts.policy = k8s::propagation::background;
        return c.remove(o.res, o.ns, o.name, opts);
      }),
      [self, o](json) { report(self, work_outcome::canceled, "Canceled", "deleted " + o.res.kind + " " + o.name); },
      [self](const k8s::api_status& e) {
        if (e.reason == "ObjectNotOwned")
          return report(self, work_outcome::canceled, "Canceled", "canceled; " + e.message + ", left in place");
        report(self, work_outcome::canceled, "Canceled", "canceled");
      });
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
      [self](logs_atom, log_stream_request& req) {
        if (self->state.ctx.logs)
          self->send(self->state.ctx.logs, logend_atom::value, std::move(req),
                     std::string("kubernetes-apply work has no build log"));
      },
      [self](observed& o) { evaluate(self, o.object.get()); },
      [self](caf::timeout_atom) {
        if (!self->state.finishing)
          report(self, work_outcome::failed_retryable, "WaitBudgetExceeded", "the condition was not reached within the claim's time budget");
      },
  };
}

}  // namespace

handler_actor spawn_kubernetes_apply(caf::actor_system& sys, const handler_context& ctx, const work_item& item) {
  return sys.spawn(apply_handler, ctx, item);
}

}  // namespace brokkr::agent
