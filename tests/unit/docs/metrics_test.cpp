// docs/metrics.md lists every metric family the broker and the agent declare, and the alert rules
// and dashboard under deploy/monitoring/ name only families that exist.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "agent_node/dispatcher.hpp"
#include "broker_node/http/services.hpp"
#include "broker_node/work_service.hpp"
#include "common/metrics.hpp"
#include "tests/unit/docs/source_tree.hpp"

namespace {

using brokkr::docs_test::read_source;

std::set<std::string> declared() {
  brokkr::metrics::registry m;
  brokkr::broker::http::declare_metrics(m);
  brokkr::broker::work_service::declare_metrics(m);
  brokkr::agent::declare_agent_metrics(m);
  const auto names = m.names();
  return {names.begin(), names.end()};
}

// Every brokkr_* name in the text, with a histogram's _bucket/_sum/_count suffix taken off when the
// rest is a declared family.
std::set<std::string> named_in(const std::string& text, const std::set<std::string>& families) {
  // A plain scan: std::regex trips g++ 12's -Wmaybe-uninitialized in the sanitizer build.
  std::set<std::string> out;
  auto word_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  for (size_t at = text.find("brokkr_"); at != std::string::npos; at = text.find("brokkr_", at + 1)) {
    if (at > 0 && (word_char(text[at - 1]) || (text[at - 1] >= 'A' && text[at - 1] <= 'Z'))) continue;
    size_t end = at + 7;
    while (end < text.size() && word_char(text[end])) ++end;
    if (end == at + 7) continue;
    std::string n = text.substr(at, end - at);
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0 &&
          families.count(n.substr(0, n.size() - s.size())))
        n = n.substr(0, n.size() - s.size());
    }
    out.insert(n);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_declared_metric_is_documented) {
  const auto families = declared();
  BOOST_REQUIRE(families.size() >= 20u);
  const auto doc = read_source("docs/metrics.md");
  for (const auto& f : families)
    BOOST_TEST(doc.find("| `" + f + "` |") != std::string::npos, "docs/metrics.md has no row for " << f);
  for (const auto& n : named_in(doc, families))
    BOOST_TEST(families.count(n) == 1u, "docs/metrics.md names " << n << ", which nothing declares");
}

BOOST_AUTO_TEST_CASE(alerts_and_dashboard_name_only_existing_metrics) {
  const auto families = declared();
  for (const char* file : {"deploy/monitoring/prometheus-rule.yaml", "deploy/monitoring/grafana-dashboard.json"}) {
    const auto names = named_in(read_source(file), families);
    BOOST_TEST(names.size() >= 5u, file << " names almost no metrics");
    for (const auto& n : names) BOOST_TEST(families.count(n) == 1u, file << " names " << n << ", which nothing declares");
  }
  // The alerts the docs promise are in the rule file.
  const auto rules = read_source("deploy/monitoring/prometheus-rule.yaml");
  for (const char* alert : {"BrokkrDatabaseDown", "BrokkrQueueWaitHigh", "BrokkrPendingWorkNotClaimed",
                            "BrokkrFailureRateHigh", "BrokkrMaintenanceBehind", "BrokkrAgentBrokerUnreachable", "BrokkrAgentKubernetesUnreachable"})
    BOOST_TEST(rules.find("alert: " + std::string(alert)) != std::string::npos, alert);
}
