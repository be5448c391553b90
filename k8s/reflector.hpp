#pragma once
// A reflector in the client-go sense: LIST, then WATCH from the list's resourceVersion; resume each
// new watch from the last resourceVersion seen (events and BOOKMARKs); on 410 Expired, whether sent as
// the HTTP status or as an in-stream ERROR event, LIST again and report the difference as events.
// Transient failures back off exponentially with jitter on an injectable clock.
//
// run() blocks: call it on a dedicated thread (the agent runs it in a detached actor) and end it from
// any thread by setting `stop`, which takes effect within about 100 ms.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/api_status.hpp"
#include "common/backoff.hpp"
#include "k8s/client.hpp"
#include "k8s/clock.hpp"
#include "k8s/resource.hpp"

namespace brokkr::k8s {

enum class reflector_event_type {
  added,     // new object (from the watch, or found by a list)
  modified,  // changed object
  deleted,   // gone (from the watch: its final state; found missing by a re-list: the last state seen)
  bookmark,  // the server confirmed progress up to resource_version; no object
  synced,    // a list finished: every object of the list has been reported before this event
};

struct reflector_event {
  reflector_event_type type = reflector_event_type::added;
  nlohmann::json object;          // null for bookmark and synced
  std::string resource_version;   // of the object, or the list / bookmark RV
};

struct reflector_options {
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;                        // LIST pages (limit/continue)
  std::chrono::seconds watch_timeout{300};        // timeoutSeconds of each watch request
  backoff_policy backoff{};                       // 800 ms doubling to 30 s, 20 % jitter
  std::shared_ptr<k8s::clock> clock;              // default: system_clock()
  uint64_t seed = 0;                              // jitter seed; 0 = random
  std::function<void(const api_status&)> on_error;  // every failure before it is retried (for logs)
};

struct reflector_stats {
  int lists = 0;    // completed LISTs (the first one and every re-list)
  int watches = 0;  // watch requests started
  int expired = 0;  // 410 Expired seen (HTTP or in-stream)
  int errors = 0;   // other failures retried
};

class reflector {
 public:
  reflector(client& c, resource res, std::string ns, reflector_options opts = {});

  // Returns ok when `stop` turns true or on_event returns false; an error only for a failure that
  // retrying cannot fix (401, 403, 404, 400, 422, a client-side problem).
  expected<ok_t, api_status> run(const std::function<bool(const reflector_event&)>& on_event,
                                 const std::atomic<bool>& stop);

  const std::string& resource_version() const { return rv_; }
  const reflector_stats& stats() const { return stats_; }
  // Objects as last seen, keyed "namespace/name". Read on the run() thread, or after run() returned.
  const std::map<std::string, nlohmann::json>& items() const { return items_; }

 private:
  enum class step { relist, watch, done };
  step list_and_sync(const std::function<bool(const reflector_event&)>& on_event, const std::atomic<bool>& stop,
                     std::optional<api_status>& fatal);
  step watch_once(const std::function<bool(const reflector_event&)>& on_event, const std::atomic<bool>& stop,
                  std::optional<api_status>& fatal);
  step after_failure(const api_status& st, step retry_step, const std::atomic<bool>& stop,
                     std::optional<api_status>& fatal);

  client& client_;
  resource res_;
  std::string ns_;
  reflector_options opts_;
  backoff backoff_;
  std::string rv_;
  reflector_stats stats_;
  std::map<std::string, nlohmann::json> items_;
};

// "namespace/name" (or "name" for cluster-scoped objects).
std::string object_key(const nlohmann::json& obj);

}  // namespace brokkr::k8s
