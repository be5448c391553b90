#include "agent_node/handlers/buildrun_watcher.hpp"

#include <caf/all.hpp>

#include "agent_node/handlers/api_failure.hpp"
#include "agent_node/handlers/buildrun_report.hpp"
#include "agent_node/handlers/pod_logs.hpp"
#include "common/log.hpp"
#include "k8s/shipwright_buildrun.hpp"
#include "k8s/shipwright_manifest.hpp"

namespace brokkr::agent {
namespace {

namespace sw = k8s::shipwright;
using nlohmann::json;

struct watcher_state {
  static inline const char* name = "buildrun_watcher";
  handler_context ctx;
  work_item item;
  std::string ns, build, buildrun;
  std::string output_image;
  json build_object, buildrun_object;
  bool ensured = false;
  bool cancel_wanted = false;
  bool cancel_patched = false;
  bool seen = false;
  bool finishing = false;
  std::optional<sw::buildrun_status> last;
};

using self_ptr = handler_actor::stateful_pointer<watcher_state>;

void report(self_ptr self, completion_report r) {
  auto& st = self->state;
  st.finishing = true;
  log::info("buildrun", st.ns, "/", st.buildrun, ": ", to_string(r.outcome),
            r.failure_reason.empty() ? "" : " (" + r.failure_reason + ")");
  r.work_id = st.item.id;
  caf::anon_send(st.ctx.dispatcher, done_atom::value, std::move(r));
  self->quit();
}

void report_failure(self_ptr self, work_outcome outcome, const std::string& reason, const std::string& message) {
  auto& st = self->state;
  st.finishing = true;
  log::info("buildrun", st.ns, "/", st.buildrun, ": ", to_string(outcome), " (", reason, ")");
  send_report(self, st.ctx, st.item, outcome, reason, message,
              {{"namespace", st.ns}, {"build", st.build}, {"buildrun", st.buildrun}});
}

template <class T, class Fn, class Ok>
void k8s_call(self_ptr self, std::string name, Fn fn, Ok ok, const std::string& doing) {
  k8s_step<T>(self, self->state.ctx, std::move(name), std::move(fn), std::move(ok), doing,
              [self](const api_failure& f) { report_failure(self, f.outcome, f.reason, f.message); });
}

void patch_cancel(self_ptr self) {
  auto& st = self->state;
  if (!st.ensured || st.cancel_patched || st.finishing) return;
  st.cancel_patched = true;
  k8s_call<json>(
      self, "cancel_buildrun",
      [ns = st.ns, name = st.buildrun](k8s::client& c) {
        return c.patch(k8s::resources::buildruns, ns, name, k8s::patch_type::merge,
                       json{{"spec", {{"state", "BuildRunCanceled"}}}});
      },
      [self](json) {
        // The watch delivers the canceled status; if it never does, this line says how far it got.
        log::info("buildrun", self->state.ns, "/", self->state.buildrun, ": patched to BuildRunCanceled");
      },
      "canceling BuildRun " + st.buildrun);
}

void finish(self_ptr self, const sw::buildrun_status& status, const sw::buildrun_outcome& outcome) {
  auto& st = self->state;
  st.finishing = true;
  const auto& s = st.ctx.settings;
  const auto wanted = log_request_for(status, outcome, s.failure_log_lines, s.failure_log_bytes, s.success_log_lines);
  auto build_report = [self, status, outcome](log_tail tail) {
    auto& st = self->state;
    build_report_input in{st.ns, st.build, st.buildrun, st.item.attempt, st.item.retry_count, status, outcome,
                          tail.container, tail.text, st.output_image};
    report(self, build_completion(in));
  };
  // The log tail is a courtesy: without it the report still goes out.
  request_job(self, st.ctx.k8s, std::chrono::minutes(2),
              make_k8s_job<log_tail>("logs", [ns = st.ns, wanted](k8s::client& c) { return fetch_log_tail(c, ns, wanted); }),
              [build_report](log_tail tail) mutable { build_report(std::move(tail)); },
              [build_report](const k8s::api_status&) mutable { build_report(log_tail{}); });
}

void reconcile(self_ptr self, const json* object) {
  auto& st = self->state;
  if (st.finishing) return;
  if (!object) {
    if (st.seen) {
      // Deleted under us (a TTL, an operator): use the last state if it was final.
      if (st.last && sw::is_done(*st.last)) return finish(self, *st.last, sw::interpret_buildrun(*st.last));
      return report_failure(self, work_outcome::failed_retryable, "BuildRunDeleted",
                            "BuildRun " + st.buildrun + " was deleted before it finished");
    }
    // The informer may have listed before our create reached it: ask the API server itself.
    return k8s_call<json>(
        self, "get_buildrun",
        [ns = st.ns, name = st.buildrun](k8s::client& c) { return c.get(k8s::resources::buildruns, ns, name); },
        [self](json obj) { reconcile(self, &obj); }, "reading BuildRun " + st.buildrun);
  }
  auto status = sw::read_buildrun_status(*object);
  if (!status) return log::warn("buildrun", st.buildrun, ": unreadable status: ", status.error());
  st.seen = true;
  st.last = *status;
  const auto outcome = sw::interpret_buildrun(*status);
  if (outcome.disp == sw::disposition::running) return;
  finish(self, *status, outcome);
}

// Build the objects from the work's crd_spec and the agent's defaults.
bool prepare(self_ptr self) {
  auto& st = self->state;
  auto manifest = sw::parse_build_manifest(st.item.crd_spec);
  if (!manifest) {
    report_failure(self, work_outcome::failed_permanent, "InvalidBuildManifest", manifest.error().message);
    return false;
  }
  const auto& s = st.ctx.settings;
  st.build = manifest->name();
  st.ns = manifest->namespace_name().empty() ? st.ctx.default_namespace : manifest->namespace_name();
  if (!namespace_allowed(st.ctx, st.ns)) {
    report_failure(self, work_outcome::failed_permanent, "NamespaceNotAllowed",
                   "namespace " + st.ns + " is not in this agent's --allowed-namespaces");
    return false;
  }
  st.buildrun = sw::deterministic_buildrun_name(st.build, st.item.id, st.item.attempt);
  st.build_object = sw::make_build(*manifest, {{work_id_label, st.item.id}}, st.ns);
  const auto& spec = manifest->build["spec"];
  if (spec.contains("output") && spec["output"].is_object() && spec["output"].contains("image") &&
      spec["output"]["image"].is_string())
    st.output_image = spec["output"]["image"].get<std::string>();
  sw::buildrun_params p;
  p.name = st.buildrun;
  p.namespace_name = st.ns;
  p.build_name = st.build;
  p.labels = {{work_id_label, st.item.id}, {attempt_label, std::to_string(st.item.attempt)},
              {"app.kubernetes.io/managed-by", "brokkr-agent"}};
  p.service_account = s.shipwright.service_account;
  // The agent's defaults fill only what the Build leaves open (its own settings win).
  if (!spec.contains("timeout")) p.timeout = s.shipwright.default_timeout;
  const bool own_retention = spec.contains("retention");
  if (!own_retention) {
    p.ttl_after_succeeded = s.shipwright.retention_succeeded;
    p.ttl_after_failed = s.shipwright.retention_failed;
  }
  auto br = sw::make_buildrun(p, &*manifest);
  if (!br) {
    report_failure(self, work_outcome::failed_permanent, "InvalidBuildManifest", br.error().message);
    return false;
  }
  st.buildrun_object = std::move(*br);
  return true;
}

// Apply the Build, then create the BuildRun or adopt ours; one job, so the calls stay in order.
void ensure(self_ptr self) {
  auto& st = self->state;
  k8s_call<json>(
      self, "ensure_buildrun",
      [ns = st.ns, build = st.build_object, run = st.buildrun_object, fm = st.ctx.settings.field_manager,
       id = st.item.id, attempt = std::to_string(st.item.attempt)](k8s::client& c) -> expected<json, k8s::api_status> {
        // Builds are shared definitions (resubmitting a spec reuses its Build), but one that Brokkr
        // never applied belongs to someone else: force-apply would take its fields over.
        const auto build_name = build["metadata"]["name"].get<std::string>();
        if (auto existing = c.get(k8s::resources::builds, ns, build_name)) {
          const auto labels = (*existing)["metadata"].value("labels", json::object());
          if (!labels.is_object() || !labels.contains(work_id_label)) {
            k8s::api_status refused;
            refused.code = 403;
            refused.reason = "ObjectNotOwned";
            refused.message = "Build " + ns + "/" + build_name + " exists and was not created by Brokkr (no " +
                              work_id_label + " label)";
            return unexpected(refused);
          }
        } else if (existing.error().code != 404) {
          return unexpected(existing.error());
        }
        auto b = c.apply(k8s::resources::builds, ns, build, fm, /*force=*/true);
        if (!b) return unexpected(b.error());
        auto created = c.create(k8s::resources::buildruns, ns, run);
        if (created || created.error().reason != k8s::reason::already_exists) return created;
        auto existing = c.get(k8s::resources::buildruns, ns, run["metadata"]["name"].get<std::string>());
        if (!existing) return existing;
        const auto labels = (*existing)["metadata"].value("labels", json::object());
        if (labels.value(work_id_label, "") != id || labels.value(attempt_label, "") != attempt) {
          k8s::api_status taken;
          taken.code = 409;
          taken.reason = "BuildRunNameTaken";
          taken.message = "a BuildRun named " + run["metadata"]["name"].get<std::string>() + " exists and is not ours";
          return unexpected(taken);
        }
        return existing;  // ours: re-attach after a restart
      },
      [self](json) {
        auto& st = self->state;
        st.ensured = true;
        if (st.cancel_wanted) patch_cancel(self);
        caf::anon_send(st.ctx.informers, observe_atom::value, watch_target{k8s::resources::buildruns, st.ns, st.buildrun},
                       caf::actor_cast<caf::actor>(self));
      },
      "creating the Build and BuildRun for " + st.item.id);
}

handler_actor::behavior_type watcher(self_ptr self, handler_context ctx, work_item item) {
  self->state.ctx = std::move(ctx);
  self->state.item = std::move(item);
  if (prepare(self)) {
    ensure(self);
    arm_watch_budget(self, self->state.item);
  }
  return {
      [self](logs_atom, log_stream_request& req) {
        auto& st = self->state;
        if (!st.ctx.logs) return;
        if (st.buildrun.empty())
          return self->send(st.ctx.logs, logend_atom::value, std::move(req),
                            std::string("the run has no BuildRun yet; follow again in a moment"));
        // The streamer waits for the BuildRun's pod itself.
        self->send(st.ctx.logs, logs_atom::value, std::move(req), st.ns, st.buildrun);
      },
      [self](cancel_atom) {
        self->state.cancel_wanted = true;
        patch_cancel(self);
      },
      [self](observed& o) { reconcile(self, o.object.get()); },
      [self](caf::timeout_atom) {
        auto& st = self->state;
        if (st.finishing) return;
        patch_cancel(self);
        report_failure(self, work_outcome::failed_retryable, "WatchBudgetExceeded",
                       "BuildRun " + st.buildrun + " did not finish within the claim's time budget");
      },
  };
}

}  // namespace

handler_actor spawn_buildrun_watcher(caf::actor_system& sys, const handler_context& ctx, const work_item& item) {
  return sys.spawn(watcher, ctx, item);
}

}  // namespace brokkr::agent
