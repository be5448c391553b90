#include "k8s/sim/job_controller.hpp"

#include "common/time.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/scenario.hpp"

namespace brokkr::k8s::sim {
namespace {

json condition(const std::string& type, const std::string& reason, const std::string& message) {
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  return {{"type", type}, {"status", "True"}, {"reason", reason}, {"message", message},
          {"lastProbeTime", now}, {"lastTransitionTime", now}};
}

}  // namespace

job_controller::job_controller(object_store& store, const resource_registry& registry, scheduler& sched,
                               std::chrono::milliseconds default_duration)
    : store_(store), sched_(sched), jobs_(registry.get(resources::jobs)), default_duration_(default_duration) {}

void job_controller::start() {
  store_.add_listener([this](const store_event& ev) {
    if (ev.res != &jobs_ || ev.type != event_type::added) return;
    sched_.post([this, ns = namespace_of(ev.object), name = name_of(ev.object), uid = uid_of(ev.object)] {
      begin(ns, name, uid);
    });
  });
}

void job_controller::begin(const std::string& ns, const std::string& name, const std::string& uid) {
  auto job = store_.get(jobs_, ns, name);
  if (!job || uid_of(*job) != uid) return;
  const auto knobs = read_scenario(*job, default_duration_);
  const auto duration = knobs ? knobs->duration : default_duration_;
  (void)store_.modify(jobs_, ns, name, write_target::status, [](const json& cur) -> expected<json, api_status> {
    json next = cur;
    next["status"] = {{"startTime", format_rfc3339(std::chrono::system_clock::now())}, {"active", 1}, {"ready", 0}};
    return next;
  }, {.internal = true});
  sched_.after(duration, [this, ns, name, uid] { finish(ns, name, uid); });
}

void job_controller::finish(const std::string& ns, const std::string& name, const std::string& uid) {
  auto job = store_.get(jobs_, ns, name);
  if (!job || uid_of(*job) != uid) return;
  const auto knobs = read_scenario(*job, default_duration_);
  const bool fail = knobs && knobs->fail;
  const std::string reason = knobs && !knobs->reason.empty() ? knobs->reason : "BackoffLimitExceeded";
  (void)store_.modify(jobs_, ns, name, write_target::status, [&](const json& cur) -> expected<json, api_status> {
    json next = cur;
    auto& st = next["status"];
    st["active"] = 0;
    if (fail) {
      st["failed"] = 1;
      st["conditions"] = json::array({condition("FailureTarget", reason, "Job has reached the specified backoff limit"),
                                      condition("Failed", reason, "Job has reached the specified backoff limit")});
    } else {
      st["succeeded"] = 1;
      st["completionTime"] = format_rfc3339(std::chrono::system_clock::now());
      st["conditions"] = json::array({condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
                                      condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods")});
    }
    return next;
  }, {.internal = true});
  const json* ttl = at_path(*job, "spec.ttlSecondsAfterFinished");
  if (ttl && ttl->is_number_integer()) {
    sched_.after(std::chrono::seconds(ttl->get<int64_t>()), [this, ns, name, uid] {
      (void)store_.remove(jobs_, ns, name, {.propagation = "Background", .precondition_uid = uid});
    });
  }
}

}  // namespace brokkr::k8s::sim
