#include "agent_node/link/http_link.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "actors/caf_errors.hpp"
#include "agent_node/link/work_json.hpp"
#include "common/backoff.hpp"
#include "common/http_client.hpp"
#include "common/json_limits.hpp"
#include "common/log.hpp"
#include "k8s/base64.hpp"

namespace brokkr::agent {
namespace {

using nlohmann::json;

struct link_state {
  static inline const char* name = "http_link";
  // A link that stopped holds no broker, whatever it last said (CAF destroys the state on exit).
  ~link_state() { *cfg.connected = false; }
  http_link_config cfg;
  std::unique_ptr<http::client> client;
  std::string agent_id;  // learned from GET /api/v1/whoami
  link_listener_actor listener;
  backoff retry_backoff;
  std::chrono::steady_clock::time_point retry_at{};
};

using self_ptr = broker_link_actor::stateful_pointer<link_state>;

// HTTP status -> error code: the one table the agent decides by.
errc code_for_status(int status) {
  switch (status) {
    case 400:
    case 422: return errc::invalid_argument;
    case 401: return errc::unauthenticated;
    case 403: return errc::forbidden;
    case 404: return errc::not_found;
    case 409: return errc::conflict;
    case 504: return errc::timeout;
    default: return status >= 500 ? errc::unavailable : errc::internal;
  }
}

expected<json, caf::error> call(self_ptr self, const std::string& method, const std::string& path, const json* body = nullptr) {
  auto& st = self->state;
  http::client_request req;
  req.method = method;
  req.url = st.cfg.base_url + path;
  req.timeout = st.cfg.request_timeout;
  req.headers = {{"Authorization", "Bearer " + st.cfg.key}, {"Accept", "application/json"}};
  if (body) {
    req.body = json_limits::dump(*body);  // a message or note may echo invalid UTF-8
    req.headers.emplace_back("Content-Type", "application/json");
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < st.retry_at) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(st.retry_at - now);
    return unexpected(make_error(errc::unavailable, "broker unreachable; next try in " + std::to_string(wait.count()) + " ms"));
  }
  auto r = st.client->perform(req);
  const bool was = *st.cfg.connected;
  // 502-504: a proxy without a broker behind it, a draining broker, or one without its database.
  const bool down = !r || r->status == 502 || r->status == 503 || r->status == 504;
  const bool now_connected = r.has_value() && r->status < 500;
  *st.cfg.connected = now_connected;
  if (down) {
    const bool first = st.retry_backoff.current().count() == 0;  // the first failure since the last answer
    st.retry_at = std::chrono::steady_clock::now() + st.retry_backoff.next();
    if (first)
      log::warn("link", "broker at ", st.cfg.base_url, " unreachable (",
                r ? "HTTP " + std::to_string(r->status) : r.error().message, "); retrying with backoff");
  } else {
    st.retry_backoff.reset();
  }
  if (!r) return unexpected(make_error(errc::unavailable, "broker unreachable: " + r.error().message));
  if (now_connected && !was && st.listener) caf::anon_send(st.listener, resync_atom::value);
  if (r->status == 204) return json(nullptr);
  auto j = json_limits::parse_or_discarded(r->body);
  if (r->status >= 300) {
    std::string message = "HTTP " + std::to_string(r->status);
    if (j.is_object() && j.contains("error")) message = j["error"].value("message", message);
    return unexpected(make_error(code_for_status(r->status), message));
  }
  if (j.is_discarded()) return unexpected(make_error(errc::internal, "the broker answered something that is not JSON"));
  return j;
}

// The agent id is implied by the key; the URLs of agent-scoped calls need it.
expected<std::string, caf::error> my_id(self_ptr self) {
  if (!self->state.agent_id.empty()) return self->state.agent_id;
  auto who = call(self, "GET", "/api/v1/whoami");
  if (!who) return unexpected(who.error());
  if (!(*who)["agent_id"].is_string()) return unexpected(make_error(errc::forbidden, "the key is not an agent key"));
  self->state.agent_id = (*who)["agent_id"];
  log::info("link", "talking to the broker at ", self->state.cfg.base_url, " over HTTP as agent ", self->state.agent_id);
  return self->state.agent_id;
}

caf::result<std::vector<work_item>> items_of(const expected<json, caf::error>& j) {
  if (!j) return j.error();
  std::vector<work_item> out;
  for (const auto& item : (*j)["items"]) {
    auto w = work_from_json(item);
    if (!w) return make_error(errc::internal, w.error());
    out.push_back(std::move(*w));
  }
  return out;
}

caf::result<work_item> item_of(const expected<json, caf::error>& j) {
  if (!j) return j.error();
  auto w = work_from_json(*j);
  if (!w) return make_error(errc::internal, w.error());
  return std::move(*w);
}

broker_link_actor::behavior_type http_link(self_ptr self, http_link_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.retry_backoff = reconnect_backoff(self->state.cfg.reconnect_min, self->state.cfg.reconnect_max, 0.2);
  self->state.client = std::make_unique<http::client>();
  return {
      [self](claimnext_atom, std::vector<std::string>& types, int32_t limit) -> caf::result<std::vector<work_item>> {
        auto id = my_id(self);
        if (!id) return id.error();
        auto pending = call(self, "GET", "/api/v1/agents/" + *id + "/ephemeral-work/pending?limit=" +
                                             std::to_string(self->state.cfg.pending_page));
        if (!pending) return pending.error();
        std::vector<work_item> claimed_items;
        for (const auto& item : (*pending)["items"]) {
          if (static_cast<int32_t>(claimed_items.size()) >= limit) break;
          const auto type = item.value("work_type", "");
          if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end()) continue;
          auto claimed = call(self, "POST", "/api/v1/ephemeral-work/" + item.value("id", "") + "/claim");
          if (claimed) {
            auto w = work_from_json(*claimed);
            if (!w) return make_error(errc::internal, w.error());
            claimed_items.push_back(std::move(*w));
            continue;
          }
          // Claimed by another agent, cancelled or deleted since the listing: the next one.
          const auto code = code_of(claimed.error());
          if (code != errc::conflict && code != errc::not_found) {
            if (claimed_items.empty()) return claimed.error();
            break;  // keep what is claimed: it must run
          }
        }
        return claimed_items;
      },
      [self](heartbeat_atom, std::string& id, int32_t attempt) -> caf::result<bool> {
        const json body = {{"attempt", attempt}};
        auto r = call(self, "POST", "/api/v1/ephemeral-work/" + id + "/heartbeat", &body);
        if (!r) return r.error();
        // Live-log requests come with the heartbeat of their item (ADR 58).
        if (const auto& logs = (*r)["logs"]; logs.is_array() && self->state.listener)
          for (const auto& l : logs)
            if (l.is_object() && l.value("generation", uint64_t{0}) > 0)
              caf::anon_send(self->state.listener, logs_atom::value,
                             log_stream_request{id, l.value("step", ""), l.value("offset", int64_t{0}),
                                                l.value("generation", uint64_t{0})});
        return (*r).value("cancel_requested", false);
      },
      [self](complete_atom, completion_report& c) -> caf::result<work_item> {
        json body = {{"attempt", c.attempt}, {"outcome", std::string(to_string(c.outcome))}};
        if (!c.failure_reason.empty()) body["failure_reason"] = c.failure_reason;
        if (!c.result_message.empty()) body["result_message"] = c.result_message;
        if (!c.result_details.empty()) body["result_details"] = json_limits::parse_or_discarded(c.result_details);
        return item_of(call(self, "POST", "/api/v1/ephemeral-work/" + c.work_id + "/complete", &body));
      },
      [self](held_atom) -> caf::result<std::vector<work_item>> {
        auto id = my_id(self);
        if (!id) return id.error();
        return items_of(call(self, "GET", "/api/v1/agents/" + *id + "/ephemeral-work/claimed"));
      },
      [self](logs_atom, log_chunk& c) -> caf::result<bool> {
        json body = {{"step", c.step},         {"generation", c.generation}, {"offset", c.offset},
                     {"text_base64", k8s::base64_encode(c.text)}, {"done", c.done}, {"note", c.note}};
        auto r = call(self, "POST", "/api/v1/ephemeral-work/" + c.work_id + "/logs", &body);
        if (!r) return r.error();
        return (*r).value("more", false);
      },
      [self](caf::subscribe_atom, link_listener_actor& listener) {
        self->state.listener = listener;
        if (my_id(self)) caf::anon_send(listener, resync_atom::value);
      },
  };
}

}  // namespace

broker_link_actor spawn_http_link(caf::actor_system& sys, http_link_config cfg) {
  return sys.spawn<caf::detached>(http_link, std::move(cfg));
}

}  // namespace brokkr::agent
