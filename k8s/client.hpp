#pragma once
// The Kubernetes REST client: verbs on any resource by group/version/plural, pod logs, and one watch
// stream at a time. Objects are nlohmann::json (unstructured, like client-go's dynamic client).
//
// Every verb returns expected<..., api_status>. 429 and 5xx answers (and transient transport failures)
// are retried with exponential backoff and jitter, honouring Retry-After; other 4xx are returned at once.
// A client owns one connection (http::client): use one per thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "common/version.hpp"
#include "k8s/api_status.hpp"
#include "common/backoff.hpp"
#include "k8s/clock.hpp"
#include "k8s/cluster_config.hpp"
#include "k8s/resource.hpp"
#include "k8s/watch_event.hpp"

namespace brokkr::k8s {

struct client_options {
  int max_attempts = 5;                                // tries per call for retryable failures
  backoff_policy retry_backoff{std::chrono::milliseconds(200), std::chrono::milliseconds(10000), 2.0, 0.2};
  std::chrono::seconds retry_after_cap{60};            // a server asking for longer is waited on this long
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
  std::string user_agent = "brokkr/" + std::string(brokkr::version());
  std::shared_ptr<k8s::clock> clock;                   // default: system_clock()
  uint64_t seed = 0;                                   // jitter seed; 0 = random
};

struct list_options {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;             // 0: everything in one answer
  std::string continue_token;
  std::string resource_version;  // "" (most recent) or "0" (any cached)
};

struct object_list {
  std::string resource_version;  // the list's own RV: watch from here
  std::string continue_token;    // non-empty when more pages follow
  std::vector<nlohmann::json> items;
};

struct write_options {
  std::string field_manager;
  bool dry_run = false;
  std::string field_validation;  // "Strict", "Warn", "Ignore"; "" = server default
};

enum class patch_type {
  merge,       // application/merge-patch+json (RFC 7386)
  json,        // application/json-patch+json (RFC 6902)
  apply,       // application/apply-patch+yaml (server-side apply; needs a field manager)
  strategic,   // application/strategic-merge-patch+json (built-in types only: custom resources get 415)
};
std::string_view content_type_of(patch_type t);

struct patch_options {
  std::string field_manager;
  bool force = false;            // server-side apply: take fields owned by other managers
  bool dry_run = false;
  std::string field_validation;
  std::string subresource;       // "status" to patch the status subresource
};

enum class propagation { unset, background, foreground, orphan };

struct delete_options {
  propagation policy = propagation::unset;
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
  bool dry_run = false;
};

struct log_options {
  std::string container;
  std::optional<int64_t> tail_lines;
  std::optional<int64_t> limit_bytes;
  bool previous = false;
  bool timestamps = false;
};

struct watch_options {
  std::string resource_version;      // start after this RV; "" or "0": synthetic ADDED events first
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  std::chrono::seconds timeout{0};   // timeoutSeconds for the server; 0 = the server's default
};

// How one watch stream ended without an error.
enum class watch_end { server_closed, stopped, callback_stopped };

class client {
 public:
  explicit client(cluster_config cfg, client_options opts = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;

  // Cluster-scoped resources ignore `ns`.
  expected<nlohmann::json, api_status> get(const resource& res, std::string_view ns, std::string_view name);
  expected<object_list, api_status> list(const resource& res, std::string_view ns, const list_options& opts = {});
  // metadata.generateName is honoured when metadata.name is empty.
  expected<nlohmann::json, api_status> create(const resource& res, std::string_view ns, const nlohmann::json& obj,
                                              const write_options& opts = {});
  // PUT of the whole object; needs metadata.resourceVersion for custom resources (409 when stale).
  expected<nlohmann::json, api_status> update(const resource& res, std::string_view ns, const nlohmann::json& obj,
                                              const write_options& opts = {});
  expected<nlohmann::json, api_status> update_status(const resource& res, std::string_view ns,
                                                     const nlohmann::json& obj, const write_options& opts = {});
  expected<nlohmann::json, api_status> patch(const resource& res, std::string_view ns, std::string_view name,
                                             patch_type type, const nlohmann::json& body,
                                             const patch_options& opts = {});
  // Server-side apply of a whole object (name from metadata.name); creates it when absent.
  expected<nlohmann::json, api_status> apply(const resource& res, std::string_view ns, const nlohmann::json& obj,
                                             const std::string& field_manager, bool force = false);
  // The answer: a Status (removed at once) or the object (finalizers pending).
  expected<nlohmann::json, api_status> remove(const resource& res, std::string_view ns, std::string_view name,
                                              const delete_options& opts = {});
  expected<std::string, api_status> logs(std::string_view ns, std::string_view pod, const log_options& opts = {});
  // pods/log?follow=true: bytes go to `on_bytes` as the container prints them, until the container
  // ends (server_closed), `on_bytes` returns false, or `stop` is set (checked about every 100 ms).
  expected<watch_end, api_status> follow_logs(std::string_view ns, std::string_view pod, const log_options& opts,
                                              const std::function<bool(std::string_view)>& on_bytes,
                                              const std::atomic<bool>& stop);

  // One watch request. Events are handed to `on_event` as they arrive; returning false ends the stream.
  // An in-stream ERROR event and a non-200 answer both come back as the error (is_gone() for 410
  // Expired). `stop` ends the stream within about 100 ms. Not retried: the reflector does that.
  expected<watch_end, api_status> watch(const resource& res, std::string_view ns, const watch_options& opts,
                                        const std::function<bool(watch_event&&)>& on_event,
                                        const std::atomic<bool>& stop);

  const cluster_config& config() const;
  // Warning headers of the last answer (e.g. unknown fields pruned under fieldValidation=Warn).
  const std::vector<std::string>& last_warnings() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::k8s
