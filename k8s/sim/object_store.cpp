#include "k8s/sim/object_store.hpp"

#include "common/json_limits.hpp"
#include "common/time.hpp"
#include "k8s/base64.hpp"
#include "k8s/shipwright_manifest.hpp"
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/managed_fields.hpp"
#include "k8s/sim/object_meta.hpp"

namespace brokkr::k8s::sim {
namespace {

constexpr int generate_name_tries = 8;

std::string now_text() { return format_rfc3339(std::chrono::system_clock::now()); }

// True when anything but metadata and status differs: what bumps metadata.generation.
bool spec_changed(const json& a, const json& b) {
  for (const auto* from : {&a, &b}) {
    const auto* other = from == &a ? &b : &a;
    for (const auto& [k, v] : from->items()) {
      if (k == "metadata" || k == "status") continue;
      const auto it = other->find(k);
      if (it == other->end() || *it != v) return true;
    }
  }
  return false;
}

// Equality that ignores when managedFields were last written: a write that changes nothing else is a no-op.
bool same_ignoring_times(json a, json b) {
  for (json* o : {&a, &b}) {
    auto& meta = (*o)["metadata"];
    if (meta.is_object() && meta.contains("managedFields"))
      for (auto& e : meta["managedFields"])
        if (e.is_object()) e.erase("time");
  }
  return a == b;
}

api_status name_invalid(const served_resource& r, const std::string& name, std::string why) {
  return invalid(r, name, {{"FieldValueInvalid", "Invalid value: \"" + name + "\": " + std::move(why), "metadata.name"}});
}

}  // namespace

bool selector_query::matches(const json& obj) const {
  if (!ns.empty() && namespace_of(obj) != ns) return false;
  if (!labels.empty() && !labels.matches(labels_of(obj))) return false;
  for (const auto& f : fields) {
    const bool equal = string_at(obj, f.field) == f.value;
    if (equal == f.negated) return false;
  }
  return true;
}

object_store::object_store(const resource_registry& registry, size_t history_limit)
    : registry_(registry), namespaces_(registry.find(resources::namespaces)), history_limit_(history_limit) {}

json* object_store::find_locked(const served_resource& r, std::string_view ns, std::string_view name) {
  auto& objects = objects_[&r];
  const auto it = objects.find(key_of(r.res.namespaced ? ns : std::string_view{}, name));
  return it == objects.end() ? nullptr : &it->second;
}

expected<json, api_status> object_store::get(const served_resource& r, std::string_view ns,
                                              std::string_view name) const {
  std::lock_guard lock(mu_);
  const auto& objects = objects_.count(&r) ? objects_.at(&r) : object_map{};
  const auto it = objects.find(key_of(r.res.namespaced ? ns : std::string_view{}, name));
  if (it == objects.end()) return unexpected(not_found(r, name));
  return it->second;
}

std::vector<json> object_store::snapshot(const served_resource& r, std::string_view ns) const {
  std::lock_guard lock(mu_);
  std::vector<json> out;
  const auto found = objects_.find(&r);
  if (found == objects_.end()) return out;
  for (const auto& [key, obj] : found->second)
    if (ns.empty() || namespace_of(obj) == ns) out.push_back(obj);
  return out;
}

expected<list_page, api_status> object_store::list(const served_resource& r, const selector_query& q, int64_t limit,
                                                   const std::string& continue_token) const {
  std::lock_guard lock(mu_);
  std::string start;
  if (!continue_token.empty()) {
    const auto decoded = base64_decode(continue_token);
    const auto token = decoded ? json_limits::parse_or_discarded(*decoded) : json();
    if (!token.is_object() || !token.contains("start") || !token.contains("rv"))
      return unexpected(bad_request("invalid continue token"));
    if (token["rv"].get<uint64_t>() < floor_rv_)
      return unexpected(expired("The provided continue parameter is too old to display a consistent list result. "
                                "You can start a new list without the continue parameter."));
    start = token["start"].get<std::string>();
  }
  list_page page;
  page.resource_version = std::to_string(rv_);
  const auto found = objects_.find(&r);
  if (found == objects_.end()) return page;
  for (auto it = start.empty() ? found->second.begin() : found->second.lower_bound(start); it != found->second.end();
       ++it) {
    if (!q.matches(it->second)) continue;
    if (limit > 0 && static_cast<int64_t>(page.items.size()) == limit) {
      page.continue_token = base64_encode(json{{"rv", rv_}, {"start", it->first}}.dump());
      break;
    }
    page.items.push_back(it->second);
  }
  return page;
}

expected<json, api_status> object_store::create(const served_resource& r, json obj, const write_context& ctx) {
  std::lock_guard lock(mu_);
  return create_locked(r, std::move(obj), ctx);
}

expected<json, api_status> object_store::create_locked(const served_resource& r, json obj, const write_context& ctx) {
  auto& meta = obj["metadata"];
  if (!meta.is_object()) meta = json::object();
  const std::string ns = r.res.namespaced ? namespace_of(obj) : std::string();
  if (!r.res.namespaced) meta.erase("namespace");
  if (r.res.namespaced && namespaces_ && !find_locked(*namespaces_, {}, ns))
    return unexpected(not_found(*namespaces_, ns));
  std::string name = name_of(obj);
  if (name.empty()) {
    const std::string prefix = meta_string(obj, "generateName");
    if (prefix.empty())
      return unexpected(invalid(r, "", {{"FieldValueRequired", "Required value: name or generateName is required",
                                         "metadata.name"}}));
    for (int i = 0; i < generate_name_tries && (name.empty() || find_locked(r, ns, name)); ++i)
      name = prefix.substr(0, 58) + random_suffix();
  }
  if (!shipwright::is_dns_subdomain(name))
    return unexpected(name_invalid(r, name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                            "characters, '-' or '.', and must start and end with an alphanumeric "
                                            "character"));
  if (find_locked(r, ns, name)) return unexpected(already_exists(r, name));
  for (const char* k : {"resourceVersion", "uid", "deletionTimestamp", "selfLink"}) meta.erase(k);
  if (!ctx.apply) meta.erase("managedFields");  // server-side apply computed its own
  if (r.has_status && !ctx.internal) obj.erase("status");
  meta["name"] = name;
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = now_text();
  meta["generation"] = 1;
  if (!ctx.field_manager.empty() && !ctx.apply) record_update(nullptr, obj, ctx.field_manager);
  if (ctx.dry_run) {
    meta["resourceVersion"] = std::to_string(rv_);
    return obj;
  }
  obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
  objects_[&r][key_of(ns, name)] = obj;
  publish({event_type::added, &r, obj, nullptr, rv_});
  return obj;
}

expected<json, api_status> object_store::modify(const served_resource& r, std::string_view ns, std::string_view name,
                                                write_target target, const mutation& change,
                                                const write_context& ctx) {
  std::lock_guard lock(mu_);
  json* cur = find_locked(r, ns, name);
  if (!cur) return unexpected(not_found(r, name));
  auto desired = change(*cur);
  if (!desired) return unexpected(std::move(desired.error()));
  const std::string want_rv = meta_string(*desired, "resourceVersion");
  if (!want_rv.empty() && want_rv != meta_string(*cur, "resourceVersion")) return unexpected(conflict(r, name));
  json next;
  if (target == write_target::status) {
    next = *cur;
    if (desired->contains("status")) next["status"] = (*desired)["status"];
    else next.erase("status");
  } else {
    next = std::move(*desired);
    if (r.has_status && !ctx.internal) {
      if (cur->contains("status")) next["status"] = (*cur)["status"];
      else next.erase("status");
    }
  }
  return commit_update(r, *cur, std::move(next), ctx);
}

expected<json, api_status> object_store::upsert(const served_resource& r, std::string_view ns, std::string_view name,
                                                const mutation& change, const write_context& ctx) {
  std::lock_guard lock(mu_);
  json* cur = find_locked(r, ns, name);
  if (cur) {
    auto desired = change(*cur);
    if (!desired) return unexpected(std::move(desired.error()));
    if (r.has_status && cur->contains("status")) (*desired)["status"] = (*cur)["status"];
    return commit_update(r, *cur, std::move(*desired), ctx);
  }
  auto created = change(json());
  if (!created) return unexpected(std::move(created.error()));
  return create_locked(r, std::move(*created), ctx);
}

expected<json, api_status> object_store::commit_update(const served_resource& r, json& cur, json next,
                                                       const write_context& ctx) {
  auto& meta = next["metadata"];
  if (!meta.is_object()) meta = json::object();
  const auto& old_meta = cur["metadata"];
  for (const char* k : {"name", "namespace", "uid", "creationTimestamp"}) {
    if (old_meta.contains(k)) meta[k] = old_meta[k];
    else meta.erase(k);
  }
  // Only the store's own deletion path (internal) starts a deletion; once started it stays.
  if (old_meta.contains("deletionTimestamp")) meta["deletionTimestamp"] = old_meta["deletionTimestamp"];
  else if (!ctx.internal) meta.erase("deletionTimestamp");
  meta["resourceVersion"] = old_meta.value("resourceVersion", "");
  meta["generation"] = old_meta.value("generation", 1) + (spec_changed(cur, next) ? 1 : 0);
  if (!ctx.apply) {
    if (old_meta.contains("managedFields")) meta["managedFields"] = old_meta["managedFields"];
    else meta.erase("managedFields");
    if (!ctx.field_manager.empty()) record_update(&cur, next, ctx.field_manager);
  }
  if (same_ignoring_times(next, cur)) return cur;  // a no-op write changes nothing, not even the version
  if (ctx.dry_run) return next;
  const bool finalized = next["metadata"].contains("deletionTimestamp") &&
                         next["metadata"].value("finalizers", json::array()).empty();
  next["metadata"]["resourceVersion"] = std::to_string(++rv_);
  json previous = std::move(cur);
  cur = next;
  if (finalized) {
    erase_locked(r, key_of(namespace_of(next), name_of(next)));
    collect_garbage_locked();
  } else {
    publish({event_type::modified, &r, next, std::move(previous), rv_});
  }
  return next;
}

expected<uint64_t, api_status> object_store::watch(const served_resource& r, const selector_query& q,
                                                   std::optional<uint64_t> from_rv, watch_sink sink) {
  std::lock_guard lock(mu_);
  watcher w{next_watch_++, &r, q, std::move(sink)};
  if (from_rv) {
    if (*from_rv < floor_rv_)
      return unexpected(expired("too old resource version: " + std::to_string(*from_rv) + " (" +
                                std::to_string(floor_rv_ + 1) + ")"));
    for (const auto& ev : history_)
      if (ev.rv > *from_rv && !deliver(w, ev)) return w.id;
  } else {
    const auto found = objects_.find(&r);
    if (found != objects_.end())
      for (const auto& [key, obj] : found->second)
        if (q.matches(obj) && !w.sink(event_type::added, obj)) return w.id;
  }
  watchers_.push_back(std::move(w));
  return watchers_.back().id;
}

void object_store::unwatch(uint64_t id) {
  std::lock_guard lock(mu_);
  std::erase_if(watchers_, [id](const watcher& w) { return w.id == id; });
}

void object_store::bookmark(uint64_t id) {
  std::lock_guard lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end(); ++it) {
    if (it->id != id) continue;
    const json mark = {{"kind", it->res->res.kind},
                       {"apiVersion", it->res->res.api_version()},
                       {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
    if (!it->sink(event_type::bookmark, mark)) watchers_.erase(it);
    return;
  }
}

void object_store::add_listener(std::function<void(const store_event&)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

uint64_t object_store::current_rv() const {
  std::lock_guard lock(mu_);
  return rv_;
}

void object_store::compact() {
  std::lock_guard lock(mu_);
  history_.clear();
  floor_rv_ = rv_;
}

bool object_store::deliver(const watcher& w, const store_event& ev) {
  if (w.res != ev.res) return true;
  const bool now = w.q.matches(ev.object);
  const bool before = !ev.previous.is_null() && w.q.matches(ev.previous);
  switch (ev.type) {
    case event_type::added:
      return now ? w.sink(event_type::added, ev.object) : true;
    case event_type::modified:
      // With a selector, starting to match is ADDED and ceasing to match is DELETED.
      if (now) return w.sink(before ? event_type::modified : event_type::added, ev.object);
      return before ? w.sink(event_type::deleted, ev.object) : true;
    case event_type::deleted:
      return now ? w.sink(event_type::deleted, ev.object) : true;
    default:
      return true;
  }
}

void object_store::publish(store_event ev) {
  history_.push_back(ev);
  while (history_.size() > history_limit_) {
    floor_rv_ = history_.front().rv;
    history_.pop_front();
  }
  std::erase_if(watchers_, [&ev](const watcher& w) { return !deliver(w, ev); });
  for (const auto& l : listeners_) l(ev);
}

}  // namespace brokkr::k8s::sim
