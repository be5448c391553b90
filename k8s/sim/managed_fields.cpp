#include "k8s/sim/managed_fields.hpp"

#include <map>

#include "common/time.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

// Metadata the server owns; never part of anyone's field set.
bool server_owned(const field_path& p) {
  if (p.empty()) return false;
  if (p[0] == "apiVersion" || p[0] == "kind" || p[0] == "status") return true;
  if (p[0] != "metadata" || p.size() < 2) return false;
  static const std::set<std::string> tracked = {"labels", "annotations", "finalizers", "ownerReferences"};
  return tracked.count(p[1]) == 0;
}

void collect(const json& node, field_path& path, field_set& out) {
  if (node.is_object() && !node.empty()) {
    for (const auto& [k, v] : node.items()) {
      path.push_back(k);
      if (!server_owned(path) && !v.is_null()) collect(v, path, out);
      path.pop_back();
    }
    return;
  }
  if (!path.empty()) out.insert(path);
}

const json* value_at(const json& obj, const field_path& p) {
  const json* cur = &obj;
  for (const auto& part : p) {
    if (!cur->is_object()) return nullptr;
    const auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

void erase_at(json& obj, const field_path& p) {
  json* cur = &obj;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (!cur->is_object() || !cur->contains(p[i])) return;
    cur = &(*cur)[p[i]];
  }
  if (cur->is_object()) cur->erase(p.back());
}

void merge_into(json& target, const json& applied) {
  for (const auto& [k, v] : applied.items()) {
    if (v.is_null()) continue;
    if (v.is_object() && target.contains(k) && target[k].is_object()) merge_into(target[k], v);
    else target[k] = v;
  }
}

struct manager_entry {
  std::string manager;
  std::string operation;  // Apply or Update
  std::string api_version;
  field_set fields;
};

std::vector<manager_entry> entries_of(const json& obj) {
  std::vector<manager_entry> out;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object() || !meta->contains("managedFields")) return out;
  for (const auto& e : (*meta)["managedFields"]) {
    if (!e.is_object()) continue;
    out.push_back({e.value("manager", ""), e.value("operation", "Update"), e.value("apiVersion", ""),
                   from_fields_v1(e.value("fieldsV1", json::object()))});
  }
  return out;
}

void write_entries(json& obj, std::vector<manager_entry> entries) {
  json list = json::array();
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  const field_set present = leaf_fields(obj);
  for (auto& e : entries) {
    field_set kept;
    for (const auto& p : e.fields)
      if (present.count(p)) kept.insert(p);
    if (kept.empty()) continue;
    list.push_back({{"manager", e.manager}, {"operation", e.operation}, {"apiVersion", e.api_version},
                    {"time", now}, {"fieldsType", "FieldsV1"}, {"fieldsV1", to_fields_v1(kept)}});
  }
  obj["metadata"]["managedFields"] = list;
}

manager_entry& entry_for(std::vector<manager_entry>& entries, const std::string& manager, const std::string& op,
                         const std::string& api_version) {
  for (auto& e : entries)
    if (e.manager == manager && e.operation == op) return e;
  entries.push_back({manager, op, api_version, {}});
  return entries.back();
}

}  // namespace

field_set leaf_fields(const json& obj) {
  field_set out;
  field_path path;
  if (obj.is_object()) collect(obj, path, out);
  return out;
}

json to_fields_v1(const field_set& fields) {
  json out = json::object();
  for (const auto& p : fields) {
    json* cur = &out;
    for (const auto& part : p) cur = &(*cur)["f:" + part];
    if (cur->is_null()) *cur = json::object();
  }
  return out;
}

field_set from_fields_v1(const json& fields_v1) {
  field_set out;
  std::function<void(const json&, field_path&)> walk = [&](const json& node, field_path& path) {
    bool child = false;
    for (const auto& [k, v] : node.items()) {
      if (k.rfind("f:", 0) != 0) continue;
      child = true;
      path.push_back(k.substr(2));
      walk(v, path);
      path.pop_back();
    }
    if (!child && !path.empty()) out.insert(path);
  };
  field_path path;
  if (fields_v1.is_object()) walk(fields_v1, path);
  return out;
}

std::string field_path_text(const field_path& p) {
  std::string out;
  for (const auto& part : p) out += "." + part;
  return out;
}

void record_update(const json* old_obj, json& next, const std::string& manager) {
  auto entries = old_obj ? entries_of(*old_obj) : std::vector<manager_entry>{};
  field_set changed;
  for (const auto& p : leaf_fields(next)) {
    const json* before = old_obj ? value_at(*old_obj, p) : nullptr;
    if (!before || *before != *value_at(next, p)) changed.insert(p);
  }
  for (auto& e : entries)
    for (const auto& p : changed) e.fields.erase(p);
  auto& mine = entry_for(entries, manager, "Update", next.value("apiVersion", ""));
  mine.fields.insert(changed.begin(), changed.end());
  write_entries(next, std::move(entries));
}

expected<json, api_status> server_side_apply(const json& live, const json& applied, const std::string& manager,
                                             bool force, const std::string& qualified_name) {
  auto entries = live.is_null() ? std::vector<manager_entry>{} : entries_of(live);
  const field_set wanted = leaf_fields(applied);
  std::vector<status_cause> causes;
  for (const auto& p : wanted) {
    const json* current = live.is_null() ? nullptr : value_at(live, p);
    if (!current || *current == *value_at(applied, p)) continue;
    for (auto& e : entries) {
      if (e.manager == manager || !e.fields.count(p)) continue;
      if (force) e.fields.erase(p);
      else causes.push_back({"FieldManagerConflict", "conflict with \"" + e.manager + "\"", field_path_text(p)});
    }
  }
  if (!causes.empty()) {
    api_status s;
    s.code = 409;
    s.reason = "Conflict";
    s.message = "Apply failed with " + std::to_string(causes.size()) + " conflict(s) on " + qualified_name + ":";
    for (const auto& c : causes) s.message += " " + c.message + ": " + c.field + ";";
    s.details.causes = std::move(causes);
    return unexpected(std::move(s));
  }
  json result = live.is_null() ? json::object() : live;
  auto& mine = entry_for(entries, manager, "Apply", applied.value("apiVersion", ""));
  for (const auto& p : mine.fields) {
    if (wanted.count(p)) continue;
    bool shared = false;
    for (const auto& e : entries) shared = shared || (&e != &mine && e.fields.count(p));
    if (!shared) erase_at(result, p);
  }
  merge_into(result, applied);
  mine.fields = wanted;
  write_entries(result, std::move(entries));
  return result;
}

}  // namespace brokkr::k8s::sim
