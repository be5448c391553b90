// /api/v1/ephemeral-work and the agent-scoped work endpoints (DESIGN.md sections 5 and 10).
#include <limits>

#include "broker_node/http/json_codec.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"
#include "common/time.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;
using persistence::repositories;

// Agents see only work targeted at them or claimed by them.
bool visible_to(const auth::identity& who, const work_item& w) {
  if (who.is_admin()) return true;
  if (w.claimed_by == who.agent_id) return true;
  for (const auto& a : w.target_agents)
    if (a == who.agent_id) return true;
  return false;
}

json items_json(const std::vector<work_item>& items) {
  json out = json::array();
  for (const auto& w : items) out.push_back(to_json(w));
  return out;
}

void create_work(request_context& c) {
  auto req = parse_work_request(c.req().body);
  if (!req) return c.fail(req.error());
  c.query<persistence::create_result>("create", [r = *req](repositories& repos) { return repos.work.create(r); },
                                      [&c](persistence::create_result res) {
                                        if (res.created) c.svc().metrics->inc("brokkr_work_submitted_total", {{"work_type", res.item.work_type}});
                                        c.reply(res.created ? 201 : 200, to_json(res.item));
                                      });
}

void list_work(request_context& c) {
  persistence::work_list_params p;
  if (!c.query_int("limit", 1, 500, p.limit)) return;
  p.work_type = c.req().query.get("work_type").value_or("");
  p.agent_id = c.req().query.get("agent_id").value_or("");
  p.after = c.req().query.get("cursor").value_or("");
  if (!p.agent_id.empty() && !is_uuid(p.agent_id))
    return c.fail(400, "invalid_argument", "agent_id must be a UUID", {{"field", "agent_id"}});
  if (!p.after.empty() && !is_uuid(p.after))
    return c.fail(400, "invalid_argument", "cursor must be a cursor returned by a previous page", {{"field", "cursor"}});
  if (p.work_type.size() > 50 || p.work_type.find('\0') != std::string::npos)
    return c.fail(400, "invalid_argument", "work_type is not a work type", {{"field", "work_type"}});
  if (auto statuses = c.req().query.get("status")) {
    size_t start = 0;
    while (start <= statuses->size()) {
      const auto comma = statuses->find(',', start);
      const auto one = statuses->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const auto s = parse_work_status(one);
      if (!s) return c.fail(400, "invalid_argument", "status: unknown status '" + one + "'", {{"field", "status"}});
      p.statuses.push_back(*s);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!c.who().is_admin()) {
    if (!p.agent_id.empty() && p.agent_id != c.who().agent_id)
      return c.fail(403, "forbidden", "an agent may only list its own work");
    p.agent_id = c.who().agent_id;
  }
  c.query<persistence::work_page>("list", [p](repositories& r) { return r.work.list(p); },
                                  [&c](persistence::work_page page) {
                                    c.reply(200, {{"items", items_json(page.items)},
                                                  {"next_cursor", page.next.empty() ? json(nullptr) : json(page.next)}});
                                  });
}

// Reads the item, checks the caller may see it, then continues with it.
template <class Then>
void with_visible_item(request_context& c, Then then) {
  c.query<work_item>("get", [id = c.param("id")](repositories& r) { return r.work.get(id); },
                     [&c, then](work_item w) mutable {
                       if (!visible_to(c.who(), w))
                         return c.fail(403, "forbidden", "work item " + w.id + " is not targeted at this agent");
                       then(std::move(w));
                     });
}

void get_work(request_context& c) {
  with_visible_item(c, [&c](work_item w) { c.reply(200, to_json(w)); });
}

void cancel_work(request_context& c) {
  c.query<persistence::cancel_result>("cancel", [id = c.param("id")](repositories& r) { return r.work.cancel(id); },
                                      [&c](persistence::cancel_result res) {
                                        c.reply(res.action == persistence::cancel_action::cancel_requested ? 202 : 200,
                                                to_json(res.item));
                                      });
}

void claim_work(request_context& c) {
  auto body = parse_claim(c.req().body);
  if (!body) return c.fail(body.error());
  std::string agent;
  if (!c.acting_agent(body->agent_id, agent)) return;
  c.query<work_item>("claim", [id = c.param("id"), agent](repositories& r) { return r.work.claim(id, agent); },
                     [&c](work_item w) {
                       c.svc().metrics->inc("brokkr_claims_total");
                       c.reply(200, to_json(w));
                     });
}

void heartbeat_work(request_context& c) {
  auto body = parse_heartbeat(c.req().body);
  if (!body) return c.fail(body.error());
  std::string agent;
  if (!c.acting_agent(body->agent_id, agent)) return;
  c.query<persistence::heartbeat_result>(
      "heartbeat",
      [id = c.param("id"), agent, attempt = body->attempt](repositories& r) { return r.work.heartbeat(id, agent, attempt); },
      [&c](persistence::heartbeat_result h) {
        c.reply(200, {{"cancel_requested", h.cancel_requested},
                      {"lease_expires_at", format_rfc3339_millis(h.lease_expires_at)}});
      });
}

void complete_work(request_context& c) {
  auto body = parse_completion(c.req().body);
  if (!body) return c.fail(body.error());
  if (!c.acting_agent(body->agent_id, body->agent_id)) return;
  c.query<work_item>("complete", [id = c.param("id"), p = *body](repositories& r) { return r.work.complete(id, p); },
                     [&c, outcome = body->outcome](work_item w) {
                       c.svc().metrics->inc("brokkr_completions_total", {{"outcome", std::string(to_string(outcome))}});
                       if (w.status == work_status::failed_retryable) c.svc().metrics->inc("brokkr_retries_total");
                       c.reply(200, to_json(w));
                     });
}

void work_events(request_context& c) {
  int64_t after = 0;
  if (!c.query_int("after", int64_t{0}, std::numeric_limits<int64_t>::max(), after)) return;
  int limit = 1000;
  if (!c.query_int("limit", 1, 1000, limit)) return;
  const auto follow = c.req().query.get("follow");
  const bool streaming = follow && (*follow == "1" || *follow == "true");
  const auto accept = c.req().headers.get("accept").value_or("");
  const bool sse = accept.find("text/event-stream") != std::string::npos;
  with_visible_item(c, [&c, after, limit, streaming, sse](work_item w) {
    if (streaming) return c.follow_events(w.id, after, sse);
    c.query<std::vector<work_event>>("events",
                                     [id = w.id, after, limit](repositories& r) { return r.work.events(id, after, limit); },
                                     [&c](std::vector<work_event> events) {
                                       json items = json::array();
                                       for (const auto& e : events) items.push_back(to_json(e));
                                       c.reply(200, {{"items", items}});
                                     });
  });
}

void pending_for_agent(request_context& c) {
  const auto agent = c.param("id");
  if (!c.require_self_or_admin(agent)) return;
  int limit = 50;
  if (!c.query_int("limit", 1, 500, limit)) return;
  c.query<std::vector<work_item>>("pending", [agent, limit](repositories& r) { return r.work.pending_for_agent(agent, limit); },
                                  [&c](std::vector<work_item> items) { c.reply(200, {{"items", items_json(items)}}); });
}

void claim_next_for_agent(request_context& c) {
  const auto agent = c.param("id");
  if (!c.require_self_or_admin(agent)) return;
  auto body = parse_claim_next(c.req().body);
  if (!body) return c.fail(body.error());
  if (!body->agent_id.empty() && body->agent_id != agent)
    return c.fail(422, "invalid_argument", "agent_id in the body differs from the path", {{"field", "agent_id"}});
  c.query<std::optional<work_item>>(
      "claim_next", [agent, types = body->work_types](repositories& r) { return r.work.claim_next(agent, types); },
      [&c](std::optional<work_item> w) {
        if (!w) return c.reply_raw(204, "", "");
        c.svc().metrics->inc("brokkr_claims_total");
        c.reply(200, to_json(*w));
      });
}

void claimed_by_agent(request_context& c) {
  const auto agent = c.param("id");
  if (!c.require_self_or_admin(agent)) return;
  c.query<std::vector<work_item>>("held", [agent](repositories& r) { return r.work.claimed_by_agent(agent); },
                                  [&c](std::vector<work_item> items) { c.reply(200, {{"items", items_json(items)}}); });
}

}  // namespace

std::vector<route> work_routes() {
  const std::string base = "/api/v1/ephemeral-work";
  return {
      {"POST", base, access::admin, create_work},
      {"GET", base, access::agent_or_admin, list_work},
      {"GET", base + "/{id}", access::agent_or_admin, get_work},
      {"DELETE", base + "/{id}", access::admin, cancel_work},
      {"POST", base + "/{id}/claim", access::agent_or_admin, claim_work},
      {"POST", base + "/{id}/heartbeat", access::agent_or_admin, heartbeat_work},
      {"POST", base + "/{id}/complete", access::agent_or_admin, complete_work},
      {"GET", base + "/{id}/events", access::agent_or_admin, work_events, true},
      {"GET", "/api/v1/agents/{id}/ephemeral-work/pending", access::agent_or_admin, pending_for_agent},
      {"POST", "/api/v1/agents/{id}/ephemeral-work/claim-next", access::agent_or_admin, claim_next_for_agent},
      {"GET", "/api/v1/agents/{id}/ephemeral-work/claimed", access::agent_or_admin, claimed_by_agent},
  };
}

}  // namespace brokkr::broker::http
