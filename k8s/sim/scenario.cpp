#include "k8s/sim/scenario.hpp"

#include <cstdlib>

#include "common/time.hpp"

namespace brokkr::k8s::sim {
namespace {

std::string severity_of(char code) {
  switch (code) {
    case 'C': return "critical";
    case 'H': return "high";
    case 'M': return "medium";
    case 'L': return "low";
    default: return "unknown";
  }
}

// "CVE-1:H,CVE-2:L"; false when an entry is malformed.
bool parse_vulnerabilities(const std::string& text, std::vector<shipwright::vulnerability>& out) {
  size_t start = 0;
  while (start < text.size()) {
    const auto comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 2 != item.size()) return false;
    const char code = item[colon + 1];
    if (std::string("CHMLU").find(code) == std::string::npos) return false;
    out.push_back({item.substr(0, colon), severity_of(code)});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

}  // namespace

expected<scenario, std::vector<status_cause>> read_scenario(const nlohmann::json& obj,
                                                            std::chrono::milliseconds default_duration) {
  scenario s;
  s.duration = default_duration;
  std::vector<status_cause> bad;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object() || !meta->contains("annotations")) return s;
  const auto& ann = (*meta)["annotations"];
  if (!ann.is_object()) return s;
  auto knob = [&](const char* name) -> std::string {
    const auto it = ann.find(std::string(knob_prefix) + name);
    return it != ann.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto reject = [&](const char* name, const std::string& value, const std::string& why) {
    bad.push_back({"FieldValueInvalid", "Invalid value: \"" + value + "\": " + why,
                   "metadata.annotations[" + std::string(knob_prefix) + name + "]"});
  };
  if (const auto d = knob("duration"); !d.empty()) {
    if (const auto parsed = parse_duration(d)) s.duration = *parsed;
    else reject("duration", d, "must be a duration such as 2s or 500ms");
  }
  const auto outcome = knob("outcome");
  if (!outcome.empty() && outcome != "succeed" && outcome != "fail") reject("outcome", outcome, "must be succeed or fail");
  s.reason = knob("reason");
  s.fail = outcome == "fail" || (outcome.empty() && !s.reason.empty());
  s.failed_step = knob("failed-step");
  if (s.failed_step.rfind("step-", 0) == 0) s.failed_step = s.failed_step.substr(5);
  auto count = [&](const char* name, int& out) {
    const auto n = knob(name);
    if (n.empty()) return;
    char* end = nullptr;
    const long v = std::strtol(n.c_str(), &end, 10);
    if (*end != '\0' || v < 0 || v > 1000) reject(name, n, "must be an integer between 0 and 1000");
    else out = static_cast<int>(v);
  };
  count("fail-times", s.fail_times);
  count("fail-attempts", s.fail_attempts);
  s.fail_in = knob("fail-in");
  if (const auto v = knob("vulnerabilities"); !v.empty() && !parse_vulnerabilities(v, s.vulnerabilities))
    reject("vulnerabilities", v, "must look like CVE-1:H,CVE-2:L (severity C, H, M, L or U)");
  if (!bad.empty()) return unexpected(std::move(bad));
  return s;
}

int brokkr_attempt(const nlohmann::json& run) {
  const auto labels = run.value("/metadata/labels"_json_pointer, nlohmann::json::object());
  const auto text = labels.value("brokkr.io/attempt", std::string());
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  return text.empty() || *end != '\0' || v < 0 || v > 1000000 ? 0 : static_cast<int>(v);
}

}  // namespace brokkr::k8s::sim
