// shipwright_controller: the simulated TaskRun (its pod, steps and logs), the condition timeline,
// cancellation and retention (reference/shipwright.md section 11, steps 4-9).
#include <algorithm>

#include "common/log.hpp"
#include "common/time.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/shipwright_controller.hpp"

namespace brokkr::k8s::sim {
namespace {

std::string now_text() { return format_rfc3339(std::chrono::system_clock::now()); }

json owner_ref(const json& owner, bool block) {
  return {{"apiVersion", owner.value("apiVersion", "")}, {"kind", owner.value("kind", "")}, {"name", name_of(owner)},
          {"uid", uid_of(owner)}, {"controller", true}, {"blockOwnerDeletion", block}};
}

void set_condition(json& status, const std::string& value, const std::string& reason, const std::string& message) {
  status["conditions"] = json::array({{{"type", "Succeeded"}, {"status", value}, {"reason", reason},
                                       {"message", message}, {"lastTransitionTime", now_text()}}});
}

json make_pod(const run_plan& p, const json& run, const std::string& sa) {
  json containers = json::array();
  for (const auto& c : p.containers) containers.push_back({{"name", c}, {"image", "registry.example/" + c + ":sim"}});
  return {{"apiVersion", "v1"}, {"kind", "Pod"},
          {"metadata", {{"name", p.pod}, {"namespace", p.ns},
                        {"labels", {{"tekton.dev/taskRun", p.taskrun}, {"buildrun.shipwright.io/name", p.buildrun}}},
                        {"ownerReferences", json::array({owner_ref(run, true)})}}},
          {"spec", {{"serviceAccountName", sa}, {"restartPolicy", "Never"}, {"containers", containers}}},
          {"status", {{"phase", "Pending"}}}};
}

std::optional<std::chrono::milliseconds> ttl(const json& spec, bool succeeded) {
  return parse_duration(string_at(spec, succeeded ? "retention.ttlAfterSucceeded" : "retention.ttlAfterFailed"));
}

}  // namespace

void shipwright_controller::start_execution(const json& run, run_state& st, run_context& ctx) {
  const std::string ns = namespace_of(run);
  const std::string name = name_of(run);
  const bool by_name = at_path(run, "spec.build.name") != nullptr;
  // Step 4: labels (a metadata update, so watchers see MODIFIED) and, with atBuildDeletion, the owner.
  (void)store_.modify(buildruns_, ns, name, write_target::main, [&](const json& cur) -> expected<json, api_status> {
    json next = cur;
    if (by_name) {
      next["metadata"]["labels"]["build.shipwright.io/name"] = name_of(ctx.build);
      next["metadata"]["labels"]["build.shipwright.io/generation"] =
          std::to_string(ctx.build["metadata"].value("generation", 1));
      if (ctx.spec.contains("retention") && ctx.spec["retention"].value("atBuildDeletion", false))
        next["metadata"]["ownerReferences"] = json::array({owner_ref(ctx.build, true)});
    }
    return next;
  }, {.internal = true});
  // Step 5: the buildSpec snapshot, before the TaskRun exists.
  write_run_status(ns, name, [&](json& status) { status["buildSpec"] = ctx.spec; });
  if (ctx.service_account == ".generate") {
    json sa = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"automountServiceAccountToken", false},
               {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"buildrun.shipwright.io/name", name}}},
                             {"ownerReferences", json::array({owner_ref(run, true)})}}}};
    (void)store_.create(serviceaccounts_, std::move(sa), {.internal = true});
    ctx.service_account = name;
  }
  const plan_inputs in{ns, name, name + "-" + random_suffix(), ctx.spec, ctx.strategy, ctx.knobs,
                       ctx.knobs.run_fails(st.index, brokkr_attempt(run), opts_.cluster_name), ctx.build["metadata"].value("generation", int64_t{1})};
  st.plan = make_plan(in);
  st.executing = true;
  (void)store_.create(pods_, make_pod(st.plan, run, ctx.service_account), {.internal = true});
  // Step 8: executor, no condition yet; step 9: the TaskRun's conditions as they come.
  write_run_status(ns, name, [&](json& status) {
    status["executor"] = {{"name", st.plan.taskrun}, {"kind", "TaskRun"}};
    status["taskRunName"] = st.plan.taskrun;
  });
  const auto d = st.plan.duration;
  const std::string key = run_key(ns, name);
  schedule_phase(key, std::chrono::milliseconds(0), "Started", "");
  schedule_phase(key, std::min(d / 10, std::chrono::milliseconds(100)), "Pending", "Pending");
  schedule_phase(key, std::min(d / 4, std::chrono::milliseconds(300)), "Running",
                 "Not all Steps in the Task have finished executing");
  st.timers.push_back(sched_.after(d, [this, key] { finish_run(key); }));
}

void shipwright_controller::schedule_phase(const std::string& key, std::chrono::milliseconds at,
                                           const std::string& reason, const std::string& message) {
  auto& st = runs_[key];
  st.timers.push_back(sched_.after(at, [this, key, at, reason, message] {
    const auto it = runs_.find(key);
    if (it == runs_.end() || it->second.cancel_handled) return;
    const auto& p = it->second.plan;
    write_run_status(p.ns, p.buildrun, [&](json& status) {
      set_condition(status, "Unknown", reason, message);
      if (!status.contains("startTime")) status["startTime"] = now_text();
    });
    if (reason == "Running") {
      (void)store_.modify(pods_, p.ns, p.pod, write_target::status, [](const json& cur) -> expected<json, api_status> {
        json next = cur;
        next["status"]["phase"] = "Running";
        next["status"]["startTime"] = now_text();
        return next;
      }, {.internal = true});
      // The source step is quick: its log is there at once. The build step's lines appear one by
      // one over the rest of the run, as a real step prints them (a follower sees them arrive);
      // finish_run appends whatever is left.
      const auto logs = step_logs(p);
      const std::string front = p.containers.empty() ? std::string() : p.containers.front();
      if (logs.count(front)) logs_.append(p.ns, p.pod, front, logs.at(front));
      if (p.build_container != front && logs.count(p.build_container)) {
        const auto& text = logs.at(p.build_container);
        std::vector<std::string> lines;
        for (size_t start = 0; start < text.size();) {
          const auto nl = text.find('\n', start);
          const auto end = nl == std::string::npos ? text.size() : nl + 1;
          lines.push_back(text.substr(start, end - start));
          start = end;
        }
        const auto rest = p.duration > at ? p.duration - at : std::chrono::milliseconds(0);
        for (size_t i = 0; i < lines.size(); ++i) {
          const auto delay = rest * static_cast<int64_t>(i) / static_cast<int64_t>(lines.size() + 1);
          it->second.timers.push_back(sched_.after(delay, [this, ns = p.ns, pod = p.pod, c = p.build_container,
                                                           line = lines[i]] { logs_.append(ns, pod, c, line); }));
        }
      }
    }
  }));
}

void shipwright_controller::finish_run(const std::string& key) {
  const auto it = runs_.find(key);
  if (it == runs_.end()) return;
  const run_plan& p = it->second.plan;
  const auto now = std::chrono::system_clock::now();
  // Logs first: a client that sees the terminal condition can read them at once.
  const auto logs = step_logs(p);
  for (const auto& [container, text] : logs) {
    const auto already = logs_.get(p.ns, p.pod, container);
    logs_.append(p.ns, p.pod, container, already ? text.substr(std::min(already->size(), text.size())) : text);
  }
  for (const auto& entry : logs) logs_.finish(p.ns, p.pod, entry.first);
  const bool pod_gone = !store_.get(pods_, p.ns, p.pod);
  (void)store_.modify(pods_, p.ns, p.pod, write_target::status, [&](const json& cur) -> expected<json, api_status> {
    json next = cur;
    next["status"] = terminal_pod_status(p, now);
    return next;
  }, {.internal = true});
  json final_status = terminal_status(p, now);
  if (pod_gone) {  // someone deleted the TaskRun's pod while it ran
    final_status = {{"completionTime", format_rfc3339(now)}};
    set_condition(final_status, "False", "Failed", "buildrun failed, pod " + p.ns + "/" + p.pod + " not found");
  }
  write_run_status(p.ns, p.buildrun, [&](json& status) { status.update(final_status); });
  auto run = store_.get(buildruns_, p.ns, p.buildrun);
  if (run) apply_retention(*run, !p.fail && !pod_gone);
}

void shipwright_controller::cancel_run(const std::string& key, const json& run) {
  auto& st = runs_[key];
  st.cancel_handled = true;
  for (const auto id : st.timers) sched_.cancel(id);
  st.timers.clear();
  const std::string ns = namespace_of(run);
  const std::string name = name_of(run);
  // Unknown while the TaskRun is being cancelled, then False once it is.
  write_run_status(ns, name, [](json& status) { set_condition(status, "Unknown", "BuildRunCanceled", "the BuildRun is marked canceled."); });
  st.timers.push_back(sched_.after(opts_.cancel_delay, [this, key] {
    const auto it = runs_.find(key);
    if (it == runs_.end()) return;
    const run_plan& p = it->second.plan;
    (void)store_.modify(pods_, p.ns, p.pod, write_target::status, [](const json& cur) -> expected<json, api_status> {
      json next = cur;
      next["status"]["phase"] = "Failed";
      next["status"]["reason"] = "TaskRunCancelled";
      return next;
    }, {.internal = true});
    for (const auto& c : p.containers)  // the steps were killed: log followers end
      if (logs_.get(p.ns, p.pod, c)) logs_.finish(p.ns, p.pod, c);
    write_run_status(p.ns, p.buildrun, [](json& status) {
      set_condition(status, "False", "BuildRunCanceled", "The BuildRun and underlying TaskRun were canceled successfully.");
      status["completionTime"] = now_text();
    });
    if (auto cur = store_.get(buildruns_, p.ns, p.buildrun)) apply_retention(*cur, false);
  }));
}

void shipwright_controller::apply_retention(const json& run, bool succeeded) {
  const std::string ns = namespace_of(run);
  const std::string name = name_of(run);
  if (string_at(run, "spec.serviceAccount") == ".generate")  // the generated account goes with the run
    (void)store_.remove(serviceaccounts_, ns, name);
  // The BuildRun's TTLs beat the Build's (the buildSpec snapshot holds the Build's).
  auto t = ttl(run.value("spec", json::object()), succeeded);
  if (!t) t = ttl(at_path(run, "status.buildSpec") ? run["status"]["buildSpec"] : json::object(), succeeded);
  const std::string uid = uid_of(run);
  if (t) {
    sched_.after(*t, [this, ns, name, uid] {
      (void)store_.remove(buildruns_, ns, name, {.precondition_uid = uid});
    });
  }
  const std::string build = string_at(run, "spec.build.name");
  if (!build.empty()) enforce_limits(ns, build);
}

void shipwright_controller::enforce_limits(const std::string& ns, const std::string& build_name) {
  auto build = store_.get(builds_, ns, build_name);
  if (!build) return;
  for (const bool succeeded : {true, false}) {
    const json* limit = at_path(*build, succeeded ? "spec.retention.succeededLimit" : "spec.retention.failedLimit");
    if (!limit || !limit->is_number_integer()) continue;
    std::vector<std::pair<std::string, std::string>> done;  // completionTime, name
    for (const auto& r : store_.snapshot(buildruns_, ns)) {
      if (string_at(r, "spec.build.name") != build_name || !at_path(r, "status.completionTime")) continue;
      const json* c = at_path(r, "status.conditions");
      const bool ok = c && c->is_array() && !c->empty() && (*c)[0].value("status", "") == "True";
      if (ok == succeeded) done.emplace_back(string_at(r, "status.completionTime"), name_of(r));
    }
    std::sort(done.begin(), done.end());
    const auto keep = static_cast<size_t>(limit->get<int64_t>());
    for (size_t i = 0; i + keep < done.size(); ++i) (void)store_.remove(buildruns_, ns, done[i].second);
  }
}

}  // namespace brokkr::k8s::sim
