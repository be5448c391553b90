// object_store: deletion, finalizers and the garbage collector (reference/shipwright.md section 12).
#include <set>
#include <unordered_map>

#include "common/time.hpp"
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/object_store.hpp"

namespace brokkr::k8s::sim {
namespace {

constexpr std::string_view foreground_finalizer = "foregroundDeletion";

bool has_finalizer(const json& obj, std::string_view f) {
  const auto& meta = obj["metadata"];
  if (!meta.contains("finalizers")) return false;
  for (const auto& x : meta["finalizers"])
    if (x == f) return true;
  return false;
}

bool being_deleted(const json& obj) { return obj["metadata"].contains("deletionTimestamp"); }

const json& owner_refs(const json& obj) {
  static const json none = json::array();
  const auto& meta = obj["metadata"];
  const auto it = meta.find("ownerReferences");
  return it != meta.end() && it->is_array() ? *it : none;
}

}  // namespace

expected<delete_result, api_status> object_store::remove(const served_resource& r, std::string_view ns,
                                                         std::string_view name, const delete_request& req) {
  std::lock_guard lock(mu_);
  json* cur = find_locked(r, ns, name);
  if (!cur) return unexpected(not_found(r, name));
  if (!req.precondition_uid.empty() && req.precondition_uid != uid_of(*cur))
    return unexpected(conflict(r, name, "Precondition failed: UID in precondition: " + req.precondition_uid +
                                            ", UID in object meta: " + uid_of(*cur)));
  const std::string rv = meta_string(*cur, "resourceVersion");
  if (!req.precondition_rv.empty() && req.precondition_rv != rv)
    return unexpected(conflict(r, name, "Precondition failed: ResourceVersion in precondition: " +
                                            req.precondition_rv + ", ResourceVersion in object meta: " + rv));
  if (req.dry_run) return delete_result{true, *cur};
  if (req.propagation == "Orphan") {
    orphan_dependents_locked(uid_of(*cur));
    cur = find_locked(r, ns, name);
  }
  json next = *cur;
  if (req.propagation == "Foreground" && !has_finalizer(next, foreground_finalizer))
    next["metadata"]["finalizers"].push_back(foreground_finalizer);
  if (!next["metadata"].value("finalizers", json::array()).empty()) {
    if (!being_deleted(next)) next["metadata"]["deletionTimestamp"] = format_rfc3339(std::chrono::system_clock::now());
    auto updated = commit_update(r, *cur, std::move(next), {.internal = true});
    collect_garbage_locked();
    if (!updated) return unexpected(updated.error());
    return delete_result{false, *updated};
  }
  json final_state = *cur;
  erase_locked(r, key_of(r.res.namespaced ? ns : std::string_view{}, name));
  collect_garbage_locked();
  return delete_result{true, std::move(final_state)};
}

// Orphan propagation: dependents lose their reference to the owner instead of going with it.
void object_store::orphan_dependents_locked(const std::string& uid) {
  for (auto& [res, objects] : objects_) {
    for (auto& [key, obj] : objects) {
      json refs = json::array();
      for (const auto& ref : owner_refs(obj))
        if (ref.value("uid", "") != uid) refs.push_back(ref);
      if (refs.size() == owner_refs(obj).size()) continue;
      json next = obj;
      next["metadata"]["ownerReferences"] = refs;
      if (refs.empty()) next["metadata"].erase("ownerReferences");
      (void)commit_update(*res, obj, std::move(next), {.internal = true});
    }
  }
}

void object_store::erase_locked(const served_resource& r, const std::string& key) {
  auto& objects = objects_[&r];
  const auto it = objects.find(key);
  if (it == objects.end()) return;
  json final_state = std::move(it->second);
  objects.erase(it);
  json previous = final_state;
  final_state["metadata"]["resourceVersion"] = std::to_string(++rv_);
  publish({event_type::deleted, &r, std::move(final_state), std::move(previous), rv_});
}

// Deletes a dependent whose owners are gone: at once, or by starting its deletion when finalizers hold it.
void object_store::collect_locked(const served_resource& r, const std::string& key, json& obj) {
  if (obj["metadata"].value("finalizers", json::array()).empty()) return erase_locked(r, key);
  json next = obj;
  next["metadata"]["deletionTimestamp"] = format_rfc3339(std::chrono::system_clock::now());
  (void)commit_update(r, obj, std::move(next), {.internal = true});
}

void object_store::collect_garbage_locked() {
  // Each pass removes or marks one object, so the number of objects bounds the passes; the cap only
  // guards against a rule that keeps undoing another.
  for (int pass = 0; pass < 100000 && gc_pass_locked(); ++pass) {
  }
}

// One step of the garbage collector; true when it changed something (the maps then changed under
// the iteration, so the caller runs another pass).
bool object_store::gc_pass_locked() {
  std::unordered_map<std::string, const json*> by_uid;
  std::unordered_map<std::string, bool> blocked;  // uid -> has a dependent with blockOwnerDeletion
  for (const auto& [res, objects] : objects_) {
    for (const auto& [key, obj] : objects) {
      by_uid[uid_of(obj)] = &obj;
      for (const auto& ref : owner_refs(obj))
        if (ref.value("blockOwnerDeletion", false)) blocked[ref.value("uid", "")] = true;
    }
  }
  for (auto& [res, objects] : objects_) {
    for (auto& [key, obj] : objects) {
      const std::string ns = namespace_of(obj);
      const bool orphaned_by_namespace = res->res.namespaced && namespaces_ && !find_locked(*namespaces_, {}, ns);
      bool owners_gone = !owner_refs(obj).empty();
      bool owner_in_foreground = false;
      for (const auto& ref : owner_refs(obj)) {
        const auto owner = by_uid.find(ref.value("uid", ""));
        if (owner == by_uid.end()) continue;
        owners_gone = false;
        owner_in_foreground = owner_in_foreground || has_finalizer(*owner->second, foreground_finalizer);
      }
      if ((orphaned_by_namespace || owners_gone || owner_in_foreground) && !being_deleted(obj)) {
        collect_locked(*res, key, obj);
        return true;
      }
      if (being_deleted(obj) && has_finalizer(obj, foreground_finalizer) && !blocked[uid_of(obj)]) {
        json next = obj;
        json kept = json::array();
        for (const auto& f : next["metadata"]["finalizers"])
          if (f != foreground_finalizer) kept.push_back(f);
        next["metadata"]["finalizers"] = kept;
        (void)commit_update(*res, obj, std::move(next), {.internal = true});
        return true;
      }
    }
  }
  return false;
}

}  // namespace brokkr::k8s::sim
