#include "k8s/reflector.hpp"

namespace brokkr::k8s {
namespace {

using json = nlohmann::json;

std::string rv_of(const json& obj) {
  const auto meta = obj.find("metadata");
  return meta != obj.end() && meta->is_object() ? meta->value("resourceVersion", "") : std::string();
}

}  // namespace

std::string object_key(const json& obj) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return {};
  const std::string ns = meta->value("namespace", "");
  const std::string name = meta->value("name", "");
  return ns.empty() ? name : ns + "/" + name;
}

reflector::reflector(client& c, resource res, std::string ns, reflector_options opts)
    : client_(c),
      res_(std::move(res)),
      ns_(std::move(ns)),
      opts_(std::move(opts)),
      backoff_(opts_.backoff, opts_.seed ? opts_.seed : std::random_device{}()) {
  if (!opts_.clock) opts_.clock = system_clock();
}

expected<ok_t, api_status> reflector::run(const std::function<bool(const reflector_event&)>& on_event,
                                          const std::atomic<bool>& stop) {
  std::optional<api_status> fatal;
  step next = step::relist;
  while (next != step::done && !stop.load()) {
    next = next == step::relist ? list_and_sync(on_event, stop, fatal) : watch_once(on_event, stop, fatal);
  }
  if (fatal) return unexpected(std::move(*fatal));
  return ok;
}

reflector::step reflector::after_failure(const api_status& st, step retry_step, const std::atomic<bool>& stop,
                                         std::optional<api_status>& fatal) {
  if (!is_retryable(st)) {
    fatal = st;
    return step::done;
  }
  ++stats_.errors;
  if (opts_.on_error) opts_.on_error(st);
  const auto delay = st.retry_after.count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(st.retry_after)
                                                : backoff_.next();
  return opts_.clock->sleep_for(delay, &stop) ? retry_step : step::done;
}

reflector::step reflector::list_and_sync(const std::function<bool(const reflector_event&)>& on_event,
                                         const std::atomic<bool>& stop, std::optional<api_status>& fatal) {
  std::map<std::string, json> fresh;
  std::string list_rv;
  list_options lo{opts_.label_selector, opts_.field_selector, opts_.page_size, {}, {}};
  do {
    auto page = client_.list(res_, ns_, lo);
    if (!page) {
      // An expired continue token means the snapshot is gone: start the list over.
      if (is_gone(page.error()) && !lo.continue_token.empty()) {
        ++stats_.expired;
        return step::relist;
      }
      return after_failure(page.error(), step::relist, stop, fatal);
    }
    for (auto& item : page->items) fresh.emplace(object_key(item), std::move(item));
    list_rv = page->resource_version;
    lo.continue_token = page->continue_token;
  } while (!lo.continue_token.empty() && !stop.load());
  ++stats_.lists;
  backoff_.reset();
  // Report the difference between what we knew and what the list says.
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (fresh.count(it->first)) continue;
    if (!on_event({reflector_event_type::deleted, it->second, rv_of(it->second)})) return step::done;
  }
  for (const auto& [key, obj] : fresh) {
    const auto old = items_.find(key);
    if (old != items_.end() && rv_of(old->second) == rv_of(obj)) continue;
    const auto type = old == items_.end() ? reflector_event_type::added : reflector_event_type::modified;
    if (!on_event({type, obj, rv_of(obj)})) return step::done;
  }
  items_ = std::move(fresh);
  rv_ = list_rv;
  return on_event({reflector_event_type::synced, nullptr, rv_}) ? step::watch : step::done;
}

reflector::step reflector::watch_once(const std::function<bool(const reflector_event&)>& on_event,
                                      const std::atomic<bool>& stop, std::optional<api_status>& fatal) {
  ++stats_.watches;
  bool got_event = false;
  auto handle = [&](watch_event&& ev) {
    got_event = true;
    const std::string rv = ev.resource_version();
    if (!rv.empty()) rv_ = rv;
    switch (ev.type) {
      case event_type::added:
      case event_type::modified: {
        const bool known = items_.count(object_key(ev.object)) > 0;
        items_[object_key(ev.object)] = ev.object;
        return on_event({known ? reflector_event_type::modified : reflector_event_type::added,
                         std::move(ev.object), rv});
      }
      case event_type::deleted:
        items_.erase(object_key(ev.object));
        return on_event({reflector_event_type::deleted, std::move(ev.object), rv});
      case event_type::bookmark:
        return on_event({reflector_event_type::bookmark, nullptr, rv});
      case event_type::error:
        break;  // client::watch turns ERROR events into its error result
    }
    return true;
  };
  const watch_options wo{rv_, opts_.label_selector, opts_.field_selector, true, opts_.watch_timeout};
  auto end = client_.watch(res_, ns_, wo, handle, stop);
  if (got_event) backoff_.reset();
  if (!end) {
    if (is_gone(end.error())) {
      ++stats_.expired;
      return step::relist;
    }
    return after_failure(end.error(), step::watch, stop, fatal);
  }
  if (*end != watch_end::server_closed) return step::done;
  // timeoutSeconds reached: resume from rv_. A server that closes at once, again and again, is
  // misbehaving: pause as for a failure rather than spin.
  if (got_event) return step::watch;
  return opts_.clock->sleep_for(backoff_.next(), &stop) ? step::watch : step::done;
}

}  // namespace brokkr::k8s
