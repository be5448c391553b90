#pragma once
// The simulated cluster's etcd and registry in one: objects in memory behind one mutex, a global
// resourceVersion counter, a bounded watch history, and the API server's write rules (generateName,
// uid, generation, status subresource, resourceVersion conflicts, finalizers, ownerReference garbage
// collection, namespace deletion).
//
// Threads: any. Watch sinks and listeners are called with the store lock held, in commit order, so
// they must not block and must not call back into the store (HTTP streams only queue bytes; the
// controllers only queue keys).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/api_status.hpp"
#include "k8s/selector.hpp"
#include "k8s/sim/resource_registry.hpp"
#include "k8s/watch_event.hpp"

namespace brokkr::k8s::sim {

using json = nlohmann::json;

struct store_event {
  event_type type = event_type::added;  // added, modified or deleted
  const served_resource* res = nullptr;
  json object;    // the new state; for deleted, the final state
  json previous;  // the state before (null for added)
  uint64_t rv = 0;
};

struct write_context {
  std::string field_manager;  // managedFields owner of an Update; "" keeps managedFields as they are
  bool dry_run = false;
  bool apply = false;         // the change set managedFields itself (server-side apply)
  bool internal = false;      // a controller's write: may set .status through the main resource
};

enum class write_target { main, status };

struct delete_request {
  std::string propagation;  // Background (default), Foreground or Orphan
  std::string precondition_uid;
  std::string precondition_rv;
  bool dry_run = false;
};

struct delete_result {
  bool removed = false;  // false: finalizers pending, `object` carries deletionTimestamp
  json object;
};

struct selector_query {
  std::string ns;  // "" = all namespaces
  label_selector labels;
  std::vector<field_requirement> fields;
  bool matches(const json& obj) const;
};

struct list_page {
  std::vector<json> items;
  std::string resource_version;
  std::string continue_token;
};

// Called for each event a watcher should see; returns false to unsubscribe.
using watch_sink = std::function<bool(event_type, const json& object)>;

class object_store {
 public:
  using mutation = std::function<expected<json, api_status>(const json& current)>;

  // `registry` must outlive the store; its namespaces type decides where namespaced objects may live.
  explicit object_store(const resource_registry& registry, size_t history_limit = 1000);

  expected<json, api_status> get(const served_resource& r, std::string_view ns, std::string_view name) const;
  expected<list_page, api_status> list(const served_resource& r, const selector_query& q, int64_t limit = 0,
                                       const std::string& continue_token = {}) const;
  std::vector<json> snapshot(const served_resource& r, std::string_view ns = {}) const;

  expected<json, api_status> create(const served_resource& r, json obj, const write_context& ctx = {});
  // Read-modify-write under the lock: `change` gets the current object and returns the desired one.
  expected<json, api_status> modify(const served_resource& r, std::string_view ns, std::string_view name,
                                    write_target target, const mutation& change, const write_context& ctx = {});
  // As modify, but creates the object when absent (`change` then gets null): server-side apply.
  expected<json, api_status> upsert(const served_resource& r, std::string_view ns, std::string_view name,
                                    const mutation& change, const write_context& ctx = {});
  expected<delete_result, api_status> remove(const served_resource& r, std::string_view ns, std::string_view name,
                                             const delete_request& req = {});

  // from_rv: nullopt starts with synthetic ADDED events for what exists; otherwise replays history
  // after that version (410 Expired when it is older than the history kept).
  expected<uint64_t, api_status> watch(const served_resource& r, const selector_query& q,
                                       std::optional<uint64_t> from_rv, watch_sink sink);
  void unwatch(uint64_t id);
  // Sends the watcher a BOOKMARK at the current resourceVersion (in order with its other events).
  void bookmark(uint64_t id);
  void add_listener(std::function<void(const store_event&)> listener);

  uint64_t current_rv() const;
  // Forgets the watch history: every older resourceVersion becomes "too old" (tests, fault injection).
  void compact();

 private:
  using object_map = std::map<std::string, json>;
  struct watcher {
    uint64_t id;
    const served_resource* res;
    selector_query q;
    watch_sink sink;
  };

  json* find_locked(const served_resource& r, std::string_view ns, std::string_view name);
  expected<json, api_status> create_locked(const served_resource& r, json obj, const write_context& ctx);
  expected<json, api_status> commit_update(const served_resource& r, json& cur, json next, const write_context& ctx);
  void erase_locked(const served_resource& r, const std::string& key);
  void collect_garbage_locked();
  void collect_locked(const served_resource& r, const std::string& key, json& obj);
  void orphan_dependents_locked(const std::string& uid);
  bool gc_pass_locked();
  void publish(store_event ev);
  static bool deliver(const watcher& w, const store_event& ev);

  const resource_registry& registry_;
  const served_resource* namespaces_;
  mutable std::mutex mu_;
  uint64_t rv_ = 1000;
  std::unordered_map<const served_resource*, object_map> objects_;
  std::deque<store_event> history_;
  size_t history_limit_;
  uint64_t floor_rv_ = 1000;  // every event after this version is still in history_
  std::vector<watcher> watchers_;
  uint64_t next_watch_ = 1;
  std::vector<std::function<void(const store_event&)>> listeners_;
};

}  // namespace brokkr::k8s::sim
