#pragma once
// Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and
// histograms with labels, safe to update from any thread.
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace brokkr::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

enum class kind { counter, gauge, histogram };

class registry {
 public:
  // Declares a metric family; a family must be declared before it is used.
  void declare(const std::string& name, kind k, const std::string& help,
               std::vector<double> buckets = {});  // histograms: upper bounds, ascending
  void inc(const std::string& name, const labels& l = {}, double by = 1);
  void set(const std::string& name, const labels& l, double value);
  // Replaces every series of a gauge family (for gauges read at scrape time, e.g. items by status).
  void set_all(const std::string& name, const std::vector<std::pair<labels, double>>& series);
  void observe(const std::string& name, const labels& l, double value);
  std::string render() const;

  // Every declared family, sorted (docs and alert rules are checked against it).
  std::vector<std::string> names() const;
  // For tests: the current value of a counter or gauge series (0 if absent).
  double value(const std::string& name, const labels& l = {}) const;

 private:
  struct histogram_data {
    std::vector<double> counts;  // per bucket, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct family {
    kind k = kind::counter;
    std::string help;
    std::vector<double> buckets;
    std::map<labels, double> values;
    std::map<labels, histogram_data> histograms;
  };
  family& at(const std::string& name);
  mutable std::mutex mutex_;
  std::map<std::string, family> families_;
};

// Latency buckets in seconds, for request durations.
std::vector<double> latency_buckets();
// Buckets in seconds for queue waits and build runs: 100 ms to 2 h.
std::vector<double> duration_buckets();

}  // namespace brokkr::metrics
