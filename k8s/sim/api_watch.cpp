// api_server: watch streams and pod logs.
#include <atomic>

#include "common/json_limits.hpp"
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/api_server.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/query_values.hpp"
#include "k8s/sim/table.hpp"

namespace brokkr::k8s::sim {
namespace {

std::string event_line(event_type t, const json& object) {
  return json_limits::dump(json{{"type", std::string(to_string(t))}, {"object", object}}) + "\n";
}

}  // namespace

void api_server::watch_objects(const http::request& req, const route& rt, const reply& r) {
  auto q = parse_selectors(req, *rt.res, rt.ns);
  if (!q) return r->send(status_response(q.error()));
  bool bad = false;
  const auto rv = query_count(req.query, "resourceVersion", bad);
  const auto timeout_s = query_count(req.query, "timeoutSeconds", bad);
  if (bad) return r->send(status_response(bad_request("resourceVersion and timeoutSeconds must be non-negative integers")));
  const bool bookmarks = query_flag(req.query, "allowWatchBookmarks");
  const bool table = wants_table(req.headers.get("Accept").value_or(""));
  auto stream = r->begin_stream(200, {}, "application/json");
  track(stream);
  const served_resource* res = rt.res;
  auto sink = [stream, res, table](event_type t, const json& obj) {
    if (table && t != event_type::bookmark)
      return stream->write(event_line(t, make_table(*res, {obj}, meta_string(obj, "resourceVersion"))));
    return stream->write(event_line(t, obj));
  };
  // "" and "0" mean "start with what exists"; anything else replays history after that version.
  const std::optional<uint64_t> from = rv && *rv > 0 ? std::optional<uint64_t>(*rv) : std::nullopt;
  auto id = parts_.store.watch(*res, *q, from, sink);
  if (!id) {
    // The usual form of "too old": 200, then one ERROR event, then the end of the stream.
    stream->write(event_line(event_type::error, status_body(id.error())));
    return stream->finish();
  }
  auto& store = parts_.store;
  auto& sched = parts_.sched;
  const auto timeout = timeout_s ? std::chrono::seconds(*timeout_s) : opts_.default_watch_timeout;
  const uint64_t timeout_task = sched.after(timeout, [stream] { stream->finish(); });
  auto bookmark_task = std::make_shared<std::atomic<uint64_t>>(0);
  if (bookmarks) schedule_bookmarks(stream, *id, bookmark_task);
  // Called on whichever thread noticed the end, possibly inside a store callback: hand the
  // unsubscription to the controller thread rather than take the store lock here.
  stream->on_close([&store, &sched, id = *id, timeout_task, bookmark_task] {
    sched.post([&store, &sched, id, timeout_task, bookmark_task] {
      store.unwatch(id);
      sched.cancel(timeout_task);
      sched.cancel(bookmark_task->load());
    });
  });
}

void api_server::track(const std::shared_ptr<http::stream>& stream) {
  std::lock_guard lock(streams_mu_);
  std::erase_if(streams_, [](const std::weak_ptr<http::stream>& w) { return w.expired(); });
  streams_.push_back(stream);
}

// A BOOKMARK every interval while the stream is open; `task` always holds the pending timer's id.
void api_server::schedule_bookmarks(const std::shared_ptr<http::stream>& stream, uint64_t watch_id,
                                    const std::shared_ptr<std::atomic<uint64_t>>& task) {
  auto& store = parts_.store;
  auto& sched = parts_.sched;
  auto tick = std::make_shared<std::function<void()>>();
  const auto interval = opts_.bookmark_interval;
  *tick = [&store, &sched, stream, watch_id, task, interval, weak = std::weak_ptr(tick)] {
    if (stream->closed()) return;
    store.bookmark(watch_id);
    if (auto t = weak.lock()) *task = sched.after(interval, [t] { (*t)(); });
  };
  *task = sched.after(interval, [tick] { (*tick)(); });
}

void api_server::pod_log(const http::request& req, const route& rt, const reply& r) {
  auto pod = parts_.store.get(*rt.res, rt.ns, rt.name);
  if (!pod) return r->send(status_response(pod.error()));
  std::vector<std::string> containers;
  if (const json* list = at_path(*pod, "spec.containers"); list && list->is_array())
    for (const auto& c : *list) containers.push_back(c.value("name", ""));
  std::string container = req.query.get("container").value_or("");
  if (container.empty() && containers.size() == 1) container = containers.front();
  if (container.empty()) {
    std::string names;
    for (const auto& c : containers) names += (names.empty() ? "" : " ") + c;
    return r->send(status_response(bad_request("a container name must be specified for pod " + rt.name +
                                               ", choose one of: [" + names + "]")));
  }
  if (std::find(containers.begin(), containers.end(), container) == containers.end())
    return r->send(status_response(bad_request("container " + container + " is not valid for pod " + rt.name)));
  bool bad = false;
  const auto tail = query_count(req.query, "tailLines", bad);
  const auto limit = query_count(req.query, "limitBytes", bad);
  if (bad) return r->send(status_response(bad_request("tailLines and limitBytes must be non-negative integers")));
  const auto log = parts_.logs.get(rt.ns, rt.name, container);
  if (!log)
    return r->send(status_response(bad_request("container \"" + container + "\" in pod \"" + rt.name +
                                               "\" is waiting to start: PodInitializing")));
  if (!query_flag(req.query, "follow"))
    return r->send({.status = 200, .content_type = "text/plain", .body = tail_log(*log, tail, limit)});
  // follow: what is there (tailLines and limitBytes apply to it), then every append as it comes,
  // until the container terminates or the pod goes.
  auto stream = r->begin_stream(200, {}, "text/plain");
  track(stream);
  auto& logs = parts_.logs;
  auto start = logs.follow(rt.ns, rt.name, container, [stream](const std::string& text, bool ended) {
    if (ended) return stream->finish();
    stream->write(text);
  });
  if (start.text && !start.text->empty()) stream->write(tail_log(*start.text, tail, limit));
  if (start.id == 0) return stream->finish();
  stream->on_close([&logs, id = start.id] { logs.unfollow(id); });
}

}  // namespace brokkr::k8s::sim
