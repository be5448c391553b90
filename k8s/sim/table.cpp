#include "k8s/sim/table.hpp"

#include "common/time.hpp"
#include "k8s/sim/object_meta.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

// One step of a path: a member name, an index, "*", or a filter "@.key==value".
struct step {
  std::string member;
  std::string index;  // "", "*", a number, or "?..." filter
};

std::vector<step> parse_path(std::string_view path) {
  std::vector<step> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t j = i + 1;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      out.push_back({std::string(path.substr(i + 1, j - i - 1)), ""});
      i = j;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) break;
      out.push_back({"", std::string(path.substr(i + 1, close - i - 1))});
      i = close + 1;
    } else {
      ++i;
    }
  }
  return out;
}

bool filter_matches(const json& item, const std::string& filter) {
  // ?(@.type=="Succeeded")
  const auto at = filter.find("@.");
  const auto eq = filter.find("==");
  if (at == std::string::npos || eq == std::string::npos) return false;
  const std::string key = filter.substr(at + 2, eq - at - 2);
  std::string value = filter.substr(eq + 2);
  while (!value.empty() && (value.back() == ')' || value.back() == ' ')) value.pop_back();
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
  const auto it = item.find(key);
  return it != item.end() && it->is_string() && *it == value;
}

void eval(const json& node, const std::vector<step>& steps, size_t i, std::vector<const json*>& out) {
  if (i == steps.size()) return out.push_back(&node);
  const auto& s = steps[i];
  if (!s.member.empty()) {
    if (node.is_object() && node.contains(s.member)) eval(node[s.member], steps, i + 1, out);
    return;
  }
  if (!node.is_array()) return;
  if (s.index == "*") {
    for (const auto& item : node) eval(item, steps, i + 1, out);
  } else if (!s.index.empty() && s.index[0] == '?') {
    for (const auto& item : node)
      if (filter_matches(item, s.index)) eval(item, steps, i + 1, out);
  } else if (!s.index.empty()) {
    const size_t idx = std::stoul(s.index);
    if (idx < node.size()) eval(node[idx], steps, i + 1, out);
  }
}

json cell(const json& obj, const json& column) {
  const json value = eval_json_path(obj, column.value("jsonPath", ""));
  if (column.value("type", "") == "date" && value.is_string()) {
    const auto t = parse_rfc3339(value.get<std::string>());
    if (!t) return value;
    return human_age(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *t).count());
  }
  return value;
}

json columns_of(const served_resource& r) {
  json cols = r.printer_columns;
  if (cols.empty())
    cols.push_back({{"name", "Age"}, {"type", "date"}, {"jsonPath", ".metadata.creationTimestamp"}});
  return cols;
}

}  // namespace

bool wants_table(std::string_view accept) { return accept.find("as=Table") != std::string_view::npos; }

json eval_json_path(const json& obj, std::string_view path) {
  std::vector<const json*> out;
  eval(obj, parse_path(path), 0, out);
  return out.empty() ? json() : *out.front();
}

std::string human_age(long long s) {
  if (s < 0) s = 0;
  const auto str = [](long long v) { return std::to_string(v); };
  if (s < 120) return str(s) + "s";
  const long long m = s / 60;
  if (m < 10) return s % 60 ? str(m) + "m" + str(s % 60) + "s" : str(m) + "m";
  if (m < 180) return str(m) + "m";
  const long long h = m / 60;
  if (h < 8) return m % 60 ? str(h) + "h" + str(m % 60) + "m" : str(h) + "h";
  if (h < 48) return str(h) + "h";
  const long long d = h / 24;
  if (d < 8) return h % 24 ? str(d) + "d" + str(h % 24) + "h" : str(d) + "d";
  return str(d) + "d";
}

json make_table(const served_resource& r, const std::vector<json>& objects, const std::string& resource_version) {
  const json cols = columns_of(r);
  json defs = json::array({{{"name", "Name"}, {"type", "string"}, {"format", "name"}, {"priority", 0},
                            {"description", "Name must be unique within a namespace."}}});
  for (const auto& c : cols)
    defs.push_back({{"name", c.value("name", "")}, {"type", c.value("type", "string")}, {"format", ""},
                    {"priority", c.value("priority", 0)}, {"description", c.value("description", "")}});
  json rows = json::array();
  for (const auto& obj : objects) {
    json cells = json::array({name_of(obj)});
    for (const auto& c : cols) cells.push_back(cell(obj, c));
    json partial = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"},
                    {"metadata", obj.value("metadata", json::object())}};
    rows.push_back({{"cells", cells}, {"object", partial}});
  }
  return {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", defs}, {"rows", rows}};
}

}  // namespace brokkr::k8s::sim
