#pragma once
// Scenario knobs: annotations on a Build (or a Job) that tell the simulated controller how its runs
// behave (DESIGN.md section 10; docs/sim-cluster.md).
//   sim.brokkr.io/duration         how long a run takes ("2s", "500ms"); default: the sim's --default-duration
//   sim.brokkr.io/outcome          succeed | fail
//   sim.brokkr.io/reason           the failure reason: a BuildRun condition reason (section 5) or a git reason (section 6)
//   sim.brokkr.io/failed-step      which step fails for reason Failed: build, image-processing, source-default, ...
//   sim.brokkr.io/fail-times       the first N runs fail, later ones succeed
//   sim.brokkr.io/fail-attempts    BuildRuns labelled brokkr.io/attempt <= N fail, in whichever cluster: a
//                                  fault that passes with time, as the agents' retries see it
//   sim.brokkr.io/fail-in          the failures happen only in the sim of this --name (a cluster-local fault)
//   sim.brokkr.io/vulnerabilities  "CVE-1:H,CVE-2:L" reported by the vulnerability scan
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/api_status.hpp"
#include "k8s/shipwright_status.hpp"

namespace brokkr::k8s::sim {

inline constexpr std::string_view knob_prefix = "sim.brokkr.io/";

struct scenario {
  std::chrono::milliseconds duration{1000};
  bool fail = false;                 // outcome: fail, or a reason given without outcome: succeed
  std::string reason;                // "" = Failed
  std::string failed_step;           // "" = the reason's usual container
  int fail_times = -1;               // -1: not set
  int fail_attempts = -1;            // -1: not set
  std::string fail_in;               // "" = in every sim cluster
  std::vector<shipwright::vulnerability> vulnerabilities;

  // Whether run number `index` (0-based, per Build), of brokkr attempt `attempt` (0: not labelled),
  // fails in the sim named `cluster`.
  bool run_fails(int index, int attempt, std::string_view cluster) const {
    if (!fail_in.empty() && fail_in != cluster) return false;
    if (fail_attempts >= 0) return attempt >= 1 && attempt <= fail_attempts;
    return fail_times >= 0 ? index < fail_times : fail;
  }
};

// Reads the knobs from an object's annotations; the error lists each bad knob as a 422 cause naming
// metadata.annotations[sim.brokkr.io/...].
expected<scenario, std::vector<status_cause>> read_scenario(const nlohmann::json& obj,
                                                            std::chrono::milliseconds default_duration);

// The brokkr.io/attempt label of a BuildRun the agent created; 0 when absent or not a number.
int brokkr_attempt(const nlohmann::json& run);

}  // namespace brokkr::k8s::sim
