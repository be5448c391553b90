#include "k8s/sim/shipwright_controller.hpp"

#include "common/log.hpp"
#include "k8s/sim/object_meta.hpp"

namespace brokkr::k8s::sim {
namespace {

int64_t generation_of(const json& obj) {
  const json* g = at_path(obj, "metadata.generation");
  return g && g->is_number_integer() ? g->get<int64_t>() : 0;
}

}  // namespace

shipwright_controller::shipwright_controller(object_store& store, const resource_registry& registry,
                                             scheduler& sched, pod_logs& logs, controller_options opts)
    : store_(store),
      sched_(sched),
      logs_(logs),
      opts_(opts),
      builds_(registry.get(resources::builds)),
      buildruns_(registry.get(resources::buildruns)),
      pods_(registry.get(resources::pods)),
      secrets_(registry.get(resources::secrets)),
      serviceaccounts_(registry.get(resources::serviceaccounts)),
      namespaces_(registry.get(resources::namespaces)),
      strategies_(registry.get(resources::buildstrategies)),
      cluster_strategies_(registry.get(resources::clusterbuildstrategies)) {}

void shipwright_controller::start() {
  store_.add_listener([this](const store_event& ev) { on_event(ev); });
}

std::vector<status_cause> shipwright_controller::admit(const served_resource& r, const json& obj) const {
  if (&r != &builds_ && r.res.plural != "jobs") return {};
  auto knobs = read_scenario(obj, opts_.default_duration);
  return knobs ? std::vector<status_cause>{} : knobs.error();
}

// Runs with the store lock held: decide what to look at, and post it.
void shipwright_controller::on_event(const store_event& ev) {
  const std::string ns = namespace_of(ev.object);
  const std::string name = name_of(ev.object);
  if (ev.res == &builds_) {
    const bool respec = ev.type == event_type::added || generation_of(ev.object) != generation_of(ev.previous);
    if (respec && ev.type != event_type::deleted) sched_.post([this, ns, name] { reconcile_build(ns, name); });
    // A registration result may let waiting BuildRuns go on.
    if (ev.type == event_type::modified) sched_.post([this, ns] { reconcile_waiting(ns); });
  } else if (ev.res == &buildruns_) {
    if (ev.type == event_type::deleted) return (void)sched_.post([this, key = run_key(ns, name)] { forget_run(key); });
    const bool canceled_now = string_at(ev.object, "spec.state") == "BuildRunCanceled" &&
                              string_at(ev.previous, "spec.state") != "BuildRunCanceled";
    if (ev.type == event_type::added || canceled_now) sched_.post([this, ns, name] { reconcile_run(ns, name); });
  } else if (ev.res == &secrets_) {
    // Only Secret changes re-validate a registered Build (section 2), not a strategy created later.
    sched_.post([this, ns] { revalidate_builds(ns); });
  } else if (ev.res == &serviceaccounts_ && ev.type == event_type::added) {
    sched_.post([this, ns] { reconcile_waiting(ns); });
  } else if (ev.res == &namespaces_ && ev.type == event_type::added) {
    sched_.post([this, name] { setup_namespace(name); });
  } else if (ev.res == &pods_ && ev.type == event_type::deleted) {
    logs_.erase_pod(ns, name);
  }
}

cluster_view shipwright_controller::view() const {
  cluster_view v;
  v.secret_exists = [this](const std::string& ns, const std::string& name) {
    return store_.get(secrets_, ns, name).has_value();
  };
  v.strategy = [this](const std::string& kind, const std::string& ns, const std::string& name) -> std::optional<json> {
    auto s = kind == "ClusterBuildStrategy" ? store_.get(cluster_strategies_, "", name) : store_.get(strategies_, ns, name);
    if (!s) return std::nullopt;
    return std::move(*s);
  };
  return v;
}

void shipwright_controller::reconcile_build(const std::string& ns, const std::string& name) {
  auto build = store_.get(builds_, ns, name);
  if (!build) return;
  const auto failure = validate_build(*build, view());
  const std::string registered = failure ? "False" : "True";
  const std::string reason = failure ? failure->reason : "Succeeded";
  const std::string message = failure ? failure->message : "all validations succeeded";
  auto r = store_.modify(builds_, ns, name, write_target::status, [&](const json& cur) -> expected<json, api_status> {
    json next = cur;
    next["status"]["registered"] = registered;
    next["status"]["reason"] = reason;
    next["status"]["message"] = message;
    return next;
  }, {.internal = true});
  if (!r) log::warn("sim", "cannot write the status of Build ", ns, "/", name, ": ", r.error().message);
}

void shipwright_controller::revalidate_builds(const std::string& ns) {
  for (const auto& b : store_.snapshot(builds_, ns)) reconcile_build(ns, name_of(b));
}

void shipwright_controller::reconcile_waiting(const std::string& ns) {
  std::vector<std::string> waiting;
  for (const auto& [key, st] : runs_)
    if (!st.executing && key.rfind(ns + "/", 0) == 0) waiting.push_back(key.substr(ns.size() + 1));
  for (const auto& name : waiting) reconcile_run(ns, name);
}

void shipwright_controller::setup_namespace(const std::string& name) {
  (void)store_.modify(namespaces_, "", name, write_target::status, [](const json& cur) -> expected<json, api_status> {
    json next = cur;
    next["status"]["phase"] = "Active";
    return next;
  }, {.internal = true});
  // The service-account controller gives every namespace its "default" account.
  json sa = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "default"}, {"namespace", name}}}};
  (void)store_.create(serviceaccounts_, std::move(sa), {.internal = true});
}

void shipwright_controller::reconcile_run(const std::string& ns, const std::string& name) {
  const std::string key = run_key(ns, name);
  auto run = store_.get(buildruns_, ns, name);
  if (!run) return forget_run(key);
  auto& st = runs_[key];
  if (st.uid != uid_of(*run)) {
    forget_run(key);
    runs_[key].uid = uid_of(*run);
  }
  auto& state = runs_[key];
  if (at_path(*run, "status.completionTime")) return;
  if (state.executing) {
    if (string_at(*run, "spec.state") == "BuildRunCanceled" && !state.cancel_handled) cancel_run(key, *run);
    return;
  }
  run_context ctx;
  if (check_run(*run, state, ctx) == check_result::proceed) start_execution(*run, state, ctx);
}

void shipwright_controller::forget_run(const std::string& key) {
  const auto it = runs_.find(key);
  if (it == runs_.end()) return;
  for (const auto id : it->second.timers) sched_.cancel(id);
  runs_.erase(it);
}

void shipwright_controller::write_run_status(const std::string& ns, const std::string& name,
                                             const std::function<void(json&)>& change) {
  auto r = store_.modify(buildruns_, ns, name, write_target::status, [&](const json& cur) -> expected<json, api_status> {
    json next = cur;
    if (at_path(cur, "status.completionTime")) return next;  // a finished run never changes again
    change(next["status"]);
    return next;
  }, {.internal = true});
  if (!r && !is_not_found(r.error()))
    log::warn("sim", "cannot write the status of BuildRun ", ns, "/", name, ": ", r.error().message);
}

}  // namespace brokkr::k8s::sim
