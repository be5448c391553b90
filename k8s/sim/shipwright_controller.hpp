#pragma once
// The simulated Shipwright controller (reference/shipwright.md section 11): Build registration, the
// BuildRun reconcile sequence, the TaskRun pod with its steps and logs, cancellation and retention.
//
// Store events arrive with the store lock held, so on_event only posts work to the scheduler; every
// reconcile runs on the scheduler thread, which is the only thread touching runs_ and started_.
//
//   BuildRun:  new --checks--> [failed early]
//                 \--> executing: Started -> Pending -> Running -> Succeeded | failed
//                          \-- spec.state=BuildRunCanceled --> Unknown/BuildRunCanceled -> False/BuildRunCanceled
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/sim/build_validation.hpp"
#include "k8s/sim/object_store.hpp"
#include "k8s/sim/pod_logs.hpp"
#include "k8s/sim/resource_registry.hpp"
#include "k8s/sim/run_plan.hpp"
#include "k8s/sim/scenario.hpp"
#include "k8s/sim/scheduler.hpp"

namespace brokkr::k8s::sim {

struct controller_options {
  std::chrono::milliseconds default_duration{1000};  // a BuildRun without sim.brokkr.io/duration
  std::chrono::milliseconds cancel_delay{100};       // from spec.state=BuildRunCanceled to the final state
  std::string cluster_name = "brokkr-sim";           // what sim.brokkr.io/fail-in is compared with
};

class shipwright_controller {
 public:
  shipwright_controller(object_store& store, const resource_registry& registry, scheduler& sched, pod_logs& logs,
                        controller_options opts = {});
  // Subscribes to the store. Call once, before anything is served.
  void start();
  // Admission for Builds and Jobs: bad scenario knobs are a 422 naming the annotation.
  std::vector<status_cause> admit(const served_resource& r, const json& obj) const;

 private:
  struct run_state {
    std::string uid;
    bool executing = false;
    bool cancel_handled = false;
    int index = -1;               // which run of its Build this is (fail-times); -1 until known
    run_plan plan;
    std::vector<uint64_t> timers;
  };
  // What the checks found for a BuildRun that may start.
  struct run_context {
    json build;                   // the Build (an object wrapping the embedded spec for build.spec runs)
    json spec;                    // effective spec: the Build's with the BuildRun's overrides
    json strategy;
    scenario knobs;
    std::string service_account;
  };
  enum class check_result { proceed, wait, failed };

  void on_event(const store_event& ev);
  void reconcile_build(const std::string& ns, const std::string& name);
  void revalidate_builds(const std::string& ns);
  void reconcile_waiting(const std::string& ns);
  void reconcile_run(const std::string& ns, const std::string& name);
  void forget_run(const std::string& key);
  void setup_namespace(const std::string& name);

  // buildrun_checks.cpp
  check_result check_run(const json& run, run_state& st, run_context& ctx);
  check_result find_build(const json& run, run_context& ctx);
  check_result fail_early(const json& run, const std::string& reason, const std::string& message);

  // buildrun_execution.cpp
  void start_execution(const json& run, run_state& st, run_context& ctx);
  void schedule_phase(const std::string& key, std::chrono::milliseconds at, const std::string& reason,
                      const std::string& message);
  void finish_run(const std::string& key);
  void cancel_run(const std::string& key, const json& run);
  void apply_retention(const json& run, bool succeeded);
  void enforce_limits(const std::string& ns, const std::string& build_name);

  // Status write of a BuildRun through the status subresource; no-op once completionTime is set.
  void write_run_status(const std::string& ns, const std::string& name, const std::function<void(json&)>& change);
  cluster_view view() const;

  object_store& store_;
  scheduler& sched_;
  pod_logs& logs_;
  controller_options opts_;
  const served_resource& builds_;
  const served_resource& buildruns_;
  const served_resource& pods_;
  const served_resource& secrets_;
  const served_resource& serviceaccounts_;
  const served_resource& namespaces_;
  const served_resource& strategies_;
  const served_resource& cluster_strategies_;
  std::map<std::string, run_state> runs_;   // "ns/name" -> state; scheduler thread only
  std::map<std::string, int> started_;      // Build uid -> runs started; scheduler thread only
};

// Key of a BuildRun in runs_.
inline std::string run_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

}  // namespace brokkr::k8s::sim
