#include "broker_node/http/router.hpp"

namespace brokkr::broker::http {
namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool matches(const std::string& pattern, const std::vector<std::string>& parts,
             std::map<std::string, std::string>& params) {
  const auto pat = segments(pattern);
  if (pat.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pat.size(); ++i) {
    if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') {
      if (parts[i].empty()) return false;
      found[pat[i].substr(1, pat[i].size() - 2)] = parts[i];
    } else if (pat[i] != parts[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

route_match match(const std::vector<route>& routes, const std::string& method, const std::string& path) {
  route_match m;
  if (path.empty() || path[0] != '/') return m;
  const auto parts = segments(path);
  for (const auto& r : routes) {
    std::map<std::string, std::string> params;
    if (!matches(r.pattern, parts, params)) continue;
    if (r.method == method) {
      m.found = &r;
      m.params = std::move(params);
      return m;
    }
    m.other_method = true;
  }
  return m;
}

}  // namespace brokkr::broker::http
