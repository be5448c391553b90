#include "common/metrics.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace brokkr::metrics {
namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_labels(const labels& l, const std::string& extra_key = {}, const std::string& extra_value = {}) {
  if (l.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    out += (first ? "" : ",") + k + "=\"" + escape(v) + "\"";
    first = false;
  }
  if (!extra_key.empty()) out += (first ? "" : ",") + extra_key + "=\"" + extra_value + "\"";
  return out + "}";
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

const char* type_name(kind k) {
  switch (k) {
    case kind::counter: return "counter";
    case kind::gauge: return "gauge";
    case kind::histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

std::vector<double> duration_buckets() { return {0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200}; }

std::vector<std::string> registry::names() const {
  std::lock_guard<std::mutex> g(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, f] : families_) out.push_back(name);
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void registry::declare(const std::string& name, kind k, const std::string& help, std::vector<double> buckets) {
  std::lock_guard<std::mutex> g(mutex_);
  auto& f = families_[name];
  f.k = k;
  f.help = help;
  f.buckets = std::move(buckets);
}

registry::family& registry::at(const std::string& name) {
  auto it = families_.find(name);
  if (it == families_.end()) throw std::logic_error("metric not declared: " + name);
  return it->second;
}

void registry::inc(const std::string& name, const labels& l, double by) {
  std::lock_guard<std::mutex> g(mutex_);
  at(name).values[l] += by;
}

void registry::set(const std::string& name, const labels& l, double value) {
  std::lock_guard<std::mutex> g(mutex_);
  at(name).values[l] = value;
}

void registry::set_all(const std::string& name, const std::vector<std::pair<labels, double>>& series) {
  std::lock_guard<std::mutex> g(mutex_);
  auto& f = at(name);
  f.values.clear();
  for (const auto& [l, v] : series) f.values[l] = v;
}

void registry::observe(const std::string& name, const labels& l, double value) {
  std::lock_guard<std::mutex> g(mutex_);
  auto& f = at(name);
  auto& h = f.histograms[l];
  if (h.counts.empty()) h.counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i)
    if (value <= f.buckets[i]) {
      ++h.counts[i];
      break;
    }
  h.sum += value;
  ++h.count;
}

double registry::value(const std::string& name, const labels& l) const {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto v = it->second.values.find(l);
  return v == it->second.values.end() ? 0 : v->second;
}

std::string registry::render() const {
  std::lock_guard<std::mutex> g(mutex_);
  std::ostringstream os;
  for (const auto& [name, f] : families_) {
    os << "# HELP " << name << ' ' << f.help << "\n# TYPE " << name << ' ' << type_name(f.k) << '\n';
    if (f.k != kind::histogram) {
      for (const auto& [l, v] : f.values) os << name << render_labels(l) << ' ' << number(v) << '\n';
      continue;
    }
    for (const auto& [l, h] : f.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += h.counts[i];
        os << name << "_bucket" << render_labels(l, "le", number(f.buckets[i])) << ' ' << number(cumulative) << '\n';
      }
      os << name << "_bucket" << render_labels(l, "le", "+Inf") << ' ' << number(h.count) << '\n';
      os << name << "_sum" << render_labels(l) << ' ' << number(h.sum) << '\n';
      os << name << "_count" << render_labels(l) << ' ' << number(h.count) << '\n';
    }
  }
  return os.str();
}

}  // namespace brokkr::metrics
