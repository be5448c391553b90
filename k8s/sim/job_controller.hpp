#pragma once
// A batch/v1 Job controller for the kubernetes-apply work type: a Job starts at once and, after its
// sim.brokkr.io/duration, completes (SuccessCriteriaMet, Complete) or, with sim.brokkr.io/outcome: fail,
// fails (FailureTarget, Failed; reason from sim.brokkr.io/reason, default BackoffLimitExceeded).
// spec.ttlSecondsAfterFinished deletes it afterwards. No pods are simulated for Jobs.
#include <chrono>
#include <string>

#include "k8s/sim/object_store.hpp"
#include "k8s/sim/resource_registry.hpp"
#include "k8s/sim/scheduler.hpp"

namespace brokkr::k8s::sim {

class job_controller {
 public:
  job_controller(object_store& store, const resource_registry& registry, scheduler& sched,
                 std::chrono::milliseconds default_duration);
  void start();

 private:
  void begin(const std::string& ns, const std::string& name, const std::string& uid);
  void finish(const std::string& ns, const std::string& name, const std::string& uid);

  object_store& store_;
  scheduler& sched_;
  const served_resource& jobs_;
  std::chrono::milliseconds default_duration_;
};

}  // namespace brokkr::k8s::sim
