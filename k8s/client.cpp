#include "k8s/client.hpp"

#include "common/http_url.hpp"
#include "common/json_limits.hpp"
#include "common/line_splitter.hpp"

namespace brokkr::k8s {
namespace {

using json = nlohmann::json;
using query = std::vector<std::pair<std::string, std::string>>;

void add_write_params(query& q, const std::string& field_manager, bool dry_run, const std::string& validation) {
  if (!field_manager.empty()) q.emplace_back("fieldManager", field_manager);
  if (dry_run) q.emplace_back("dryRun", "All");
  if (!validation.empty()) q.emplace_back("fieldValidation", validation);
}

std::string_view propagation_name(propagation p) {
  switch (p) {
    case propagation::background: return "Background";
    case propagation::foreground: return "Foreground";
    case propagation::orphan: return "Orphan";
    case propagation::unset: break;
  }
  return {};
}

json delete_body(const delete_options& o) {
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (o.policy != propagation::unset) body["propagationPolicy"] = propagation_name(o.policy);
  if (!o.precondition_uid.empty()) body["preconditions"]["uid"] = o.precondition_uid;
  if (!o.precondition_resource_version.empty())
    body["preconditions"]["resourceVersion"] = o.precondition_resource_version;
  if (o.grace_period_seconds) body["gracePeriodSeconds"] = *o.grace_period_seconds;
  if (o.dry_run) body["dryRun"] = json::array({"All"});
  return body;
}

std::string object_name(const json& obj) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return {};
  return meta->value("name", "");
}

expected<json, api_status> decode(const http::client_response& res) {
  auto j = json_limits::parse_or_discarded(res.body);
  if (j.is_discarded())
    return unexpected(client_status(reason::decode_error, "the server answered " + std::to_string(res.status) +
                                                              " with a body that is not JSON"));
  return j;
}

query watch_query(const watch_options& opts) {
  query q{{"watch", "1"}};
  if (!opts.resource_version.empty()) q.emplace_back("resourceVersion", opts.resource_version);
  if (!opts.label_selector.empty()) q.emplace_back("labelSelector", opts.label_selector);
  if (!opts.field_selector.empty()) q.emplace_back("fieldSelector", opts.field_selector);
  if (opts.allow_bookmarks) q.emplace_back("allowWatchBookmarks", "true");
  if (opts.timeout.count() > 0) q.emplace_back("timeoutSeconds", std::to_string(opts.timeout.count()));
  return q;
}

}  // namespace

std::string_view content_type_of(patch_type t) {
  switch (t) {
    case patch_type::merge: return "application/merge-patch+json";
    case patch_type::json: return "application/json-patch+json";
    case patch_type::apply: return "application/apply-patch+yaml";
    case patch_type::strategic: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

struct client::impl {
  impl(cluster_config c, client_options o)
      : cfg(std::move(c)),
        opts(std::move(o)),
        http(cfg.tls),
        retry(opts.retry_backoff, opts.seed ? opts.seed : std::random_device{}()) {
    if (!opts.clock) opts.clock = system_clock();
    if (opts.max_attempts < 1) opts.max_attempts = 1;
  }

  expected<http::header_list, api_status> headers(std::string_view content_type, std::string_view accept);
  expected<http::client_response, api_status> send(const std::string& method, const std::string& path,
                                                   const query& q, const std::string& body,
                                                   std::string_view content_type, std::string_view accept);
  expected<json, api_status> send_json(const std::string& method, const std::string& path, const query& q,
                                       const json* body, std::string_view content_type = "application/json");
  std::chrono::milliseconds delay_for(const api_status& st);
  // One streamed GET (a watch, a followed log): a 200's bytes go to `on_bytes`; any other answer's
  // first 64 KiB become the error. `limit` 0: no overall time limit.
  expected<watch_end, api_status> stream_get(const std::string& path, const query& q, std::string_view accept,
                                             std::chrono::milliseconds limit,
                                             const std::function<bool(std::string_view)>& on_bytes,
                                             const std::atomic<bool>& stop);

  cluster_config cfg;
  client_options opts;
  http::client http;
  backoff retry;
  std::vector<std::string> warnings;
};

expected<http::header_list, api_status> client::impl::headers(std::string_view content_type, std::string_view accept) {
  http::header_list h{{"Accept", std::string(accept)}, {"User-Agent", opts.user_agent}};
  if (!content_type.empty()) h.emplace_back("Content-Type", std::string(content_type));
  auto token = read_bearer_token(cfg);
  if (!token) return unexpected(client_status(reason::invalid_argument, token.error().message));
  if (!token->empty()) h.emplace_back("Authorization", "Bearer " + *token);
  return h;
}

std::chrono::milliseconds client::impl::delay_for(const api_status& st) {
  if (st.retry_after.count() > 0)
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::min(st.retry_after, opts.retry_after_cap));
  return retry.next();
}

expected<http::client_response, api_status> client::impl::send(const std::string& method, const std::string& path,
                                                               const query& q, const std::string& body,
                                                               std::string_view content_type,
                                                               std::string_view accept) {
  auto fields = headers(content_type, accept);
  if (!fields) return unexpected(fields.error());
  const http::client_request req{method, cfg.server + path + http::build_query(q), std::move(*fields), body,
                                 opts.request_timeout, opts.connect_timeout};
  retry.reset();
  for (int attempt = 1;; ++attempt) {
    auto res = http.perform(req);
    api_status st;
    if (!res) {
      st = transport_status(res.error());
      // A write whose answer was lost may have happened: only reads are repeated after such failures.
      const bool maybe_applied = res.error().code == http::transport_errc::timeout ||
                                 res.error().code == http::transport_errc::connection_lost;
      if (maybe_applied && method != "GET") return unexpected(std::move(st));
    } else if (res->status < 400) {
      warnings = res->headers.get_all("Warning");
      return std::move(*res);
    } else {
      st = status_from_response(res->status, res->body, res->headers);
    }
    if (!is_retryable(st) || attempt >= opts.max_attempts) return unexpected(std::move(st));
    opts.clock->sleep_for(delay_for(st), nullptr);
  }
}

expected<json, api_status> client::impl::send_json(const std::string& method, const std::string& path, const query& q,
                                                   const json* body, std::string_view content_type) {
  auto res = send(method, path, q, body ? body->dump() : std::string(), body ? content_type : std::string_view(),
                  "application/json");
  if (!res) return unexpected(std::move(res.error()));
  return decode(*res);
}

client::client(cluster_config cfg, client_options opts) : impl_(std::make_unique<impl>(std::move(cfg), std::move(opts))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

const cluster_config& client::config() const { return impl_->cfg; }
const std::vector<std::string>& client::last_warnings() const { return impl_->warnings; }

expected<json, api_status> client::get(const resource& res, std::string_view ns, std::string_view name) {
  if (name.empty()) return unexpected(client_status(reason::invalid_argument, "get: a name is required"));
  return impl_->send_json("GET", res.path(ns, name), {}, nullptr);
}

expected<object_list, api_status> client::list(const resource& res, std::string_view ns, const list_options& opts) {
  query q;
  if (!opts.label_selector.empty()) q.emplace_back("labelSelector", opts.label_selector);
  if (!opts.field_selector.empty()) q.emplace_back("fieldSelector", opts.field_selector);
  if (opts.limit > 0) q.emplace_back("limit", std::to_string(opts.limit));
  if (!opts.continue_token.empty()) q.emplace_back("continue", opts.continue_token);
  if (!opts.resource_version.empty()) q.emplace_back("resourceVersion", opts.resource_version);
  auto j = impl_->send_json("GET", res.path(ns), q, nullptr);
  if (!j) return unexpected(std::move(j.error()));
  if (!j->is_object() || !j->contains("items") || !(*j)["items"].is_array())
    return unexpected(client_status(reason::decode_error, "a list answer has no items array"));
  object_list out;
  const auto meta = j->value("metadata", json::object());
  out.resource_version = meta.value("resourceVersion", "");
  out.continue_token = meta.value("continue", "");
  out.items = std::move((*j)["items"]).get<std::vector<json>>();
  return out;
}

expected<json, api_status> client::create(const resource& res, std::string_view ns, const json& obj,
                                          const write_options& opts) {
  query q;
  add_write_params(q, opts.field_manager, opts.dry_run, opts.field_validation);
  return impl_->send_json("POST", res.path(ns), q, &obj);
}

expected<json, api_status> client::update(const resource& res, std::string_view ns, const json& obj,
                                          const write_options& opts) {
  const auto name = object_name(obj);
  if (name.empty()) return unexpected(client_status(reason::invalid_argument, "update: metadata.name is required"));
  query q;
  add_write_params(q, opts.field_manager, opts.dry_run, opts.field_validation);
  return impl_->send_json("PUT", res.path(ns, name), q, &obj);
}

expected<json, api_status> client::update_status(const resource& res, std::string_view ns, const json& obj,
                                                 const write_options& opts) {
  const auto name = object_name(obj);
  if (name.empty())
    return unexpected(client_status(reason::invalid_argument, "update_status: metadata.name is required"));
  query q;
  add_write_params(q, opts.field_manager, opts.dry_run, opts.field_validation);
  return impl_->send_json("PUT", res.path(ns, name, "status"), q, &obj);
}

expected<json, api_status> client::patch(const resource& res, std::string_view ns, std::string_view name,
                                         patch_type type, const json& body, const patch_options& opts) {
  if (name.empty()) return unexpected(client_status(reason::invalid_argument, "patch: a name is required"));
  if (type == patch_type::apply && opts.field_manager.empty())
    return unexpected(client_status(reason::invalid_argument, "apply: a field manager is required"));
  query q;
  add_write_params(q, opts.field_manager, opts.dry_run, opts.field_validation);
  if (opts.force) q.emplace_back("force", "true");
  return impl_->send_json("PATCH", res.path(ns, name, opts.subresource), q, &body, content_type_of(type));
}

expected<json, api_status> client::apply(const resource& res, std::string_view ns, const json& obj,
                                         const std::string& field_manager, bool force) {
  return patch(res, ns, object_name(obj), patch_type::apply, obj,
               {.field_manager = field_manager, .force = force});
}

expected<json, api_status> client::remove(const resource& res, std::string_view ns, std::string_view name,
                                          const delete_options& opts) {
  if (name.empty()) return unexpected(client_status(reason::invalid_argument, "delete: a name is required"));
  const json body = delete_body(opts);
  return impl_->send_json("DELETE", res.path(ns, name), {}, &body);
}

namespace {

// pods/log's query, as the API server names it.
query log_query(const log_options& opts, bool follow) {
  query q;
  if (follow) q.emplace_back("follow", "true");
  if (!opts.container.empty()) q.emplace_back("container", opts.container);
  if (opts.tail_lines) q.emplace_back("tailLines", std::to_string(*opts.tail_lines));
  if (opts.limit_bytes) q.emplace_back("limitBytes", std::to_string(*opts.limit_bytes));
  if (opts.previous) q.emplace_back("previous", "true");
  if (opts.timestamps) q.emplace_back("timestamps", "true");
  return q;
}

}  // namespace

expected<std::string, api_status> client::logs(std::string_view ns, std::string_view pod, const log_options& opts) {
  const query q = log_query(opts, false);
  auto res = impl_->send("GET", resources::pods.path(ns, pod, "log"), q, {}, {}, "text/plain, */*");
  if (!res) return unexpected(std::move(res.error()));
  return std::move(res->body);
}

expected<watch_end, api_status> client::impl::stream_get(const std::string& path, const query& q,
                                                        std::string_view accept, std::chrono::milliseconds limit,
                                                        const std::function<bool(std::string_view)>& on_bytes,
                                                        const std::atomic<bool>& stop) {
  auto fields = headers({}, accept);
  if (!fields) return unexpected(fields.error());
  const http::client_request req{"GET", cfg.server + path + http::build_query(q), std::move(*fields), {}, limit,
                                 opts.connect_timeout};
  int status = 0;
  std::string error_body;
  auto result = http.perform_stream(
      req, [&](int st, const http::header_map&) { return (status = st), true; },
      [&](std::string_view chunk) {
        // An error body is a Status object; the first 64 KiB say everything it can.
        if (status != 200) return error_body.append(chunk.substr(0, 65536 - std::min<size_t>(error_body.size(), 65536))), true;
        return on_bytes(chunk);
      },
      &stop);
  if (!result) {
    if (result.error().code == http::transport_errc::aborted) return watch_end::stopped;
    return unexpected(transport_status(result.error()));
  }
  if (status != 200) return unexpected(status_from_response(status, error_body, result->headers));
  if (result->end == http::stream_end::aborted) return watch_end::stopped;
  if (result->end == http::stream_end::stopped_by_callback) return watch_end::callback_stopped;
  return watch_end::server_closed;
}

expected<watch_end, api_status> client::follow_logs(std::string_view ns, std::string_view pod, const log_options& opts,
                                                    const std::function<bool(std::string_view)>& on_bytes,
                                                    const std::atomic<bool>& stop) {
  const query q = log_query(opts, true);
  // A build may print nothing for a long time: no overall limit, only the connect timeout.
  return impl_->stream_get(resources::pods.path(ns, pod, "log"), q, "text/plain, */*", std::chrono::milliseconds(0),
                           on_bytes, stop);
}

expected<watch_end, api_status> client::watch(const resource& res, std::string_view ns, const watch_options& opts,
                                              const std::function<bool(watch_event&&)>& on_event,
                                              const std::atomic<bool>& stop) {
  // A stream that outlives its own server timeout by a minute is a hung connection.
  const auto limit = opts.timeout.count() > 0 ? std::chrono::milliseconds(opts.timeout + std::chrono::seconds(60))
                                              : std::chrono::milliseconds(0);
  std::optional<api_status> failure;
  line_splitter lines;
  auto on_line = [&](std::string_view line) {
    auto ev = parse_watch_line(line);
    if (!ev) {
      failure = client_status(reason::decode_error, "a watch event is not valid JSON: " + std::string(line.substr(0, 200)));
      return false;
    }
    if (ev->type == event_type::error) {
      failure = status_from_json(ev->object);
      return false;
    }
    return on_event(std::move(*ev));
  };
  auto end = impl_->stream_get(res.path(ns), watch_query(opts), "application/json", limit,
                               [&](std::string_view chunk) {
                                 switch (lines.feed(chunk, on_line)) {
                                   case line_splitter::fed::more: return true;
                                   case line_splitter::fed::stopped: return false;
                                   case line_splitter::fed::too_long: break;
                                 }
                                 failure = client_status(reason::decode_error, "a watch event is longer than 16 MiB");
                                 return false;
                               },
                               stop);
  if (end && failure) return unexpected(std::move(*failure));
  return end;
}

}  // namespace brokkr::k8s
