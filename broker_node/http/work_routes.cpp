// /api/v1/ephemeral-work and the agent-scoped work endpoints (DESIGN.md sections 5 and 10): JSON in,
// an operation of broker_node/work_service, JSON out.
#include <limits>

#include "broker_node/http/errors.hpp"
#include "broker_node/http/json_codec.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"
#include "common/json_limits.hpp"
#include "k8s/apply_manifest.hpp"
#include "common/time.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;

json items_json(const std::vector<work_item>& items) {
  json out = json::array();
  for (const auto& w : items) out.push_back(to_json(w));
  return out;
}

json page_json(const std::vector<work_item>& items, const std::string& next) {
  return {{"items", items_json(items)}, {"next_cursor", next.empty() ? json(nullptr) : json(next)}};
}

const work_service& work(request_context& c) { return *c.svc().work; }

void create_work(request_context& c) {
  auto req = parse_work_request(c.req().body);
  if (!req) return c.fail(req.error());
  c.run(work(c).submit(c.who(), std::move(*req)),
        [&c](persistence::create_result res) { c.reply(res.created ? 201 : 200, to_json(res.item)); });
}

// ?status=PENDING,CLAIMED: a comma list of statuses.
bool read_statuses(request_context& c, std::vector<work_status>& out) {
  const auto statuses = c.req().query.get("status");
  if (!statuses) return true;
  size_t start = 0;
  while (start <= statuses->size()) {
    const auto comma = statuses->find(',', start);
    const auto one = statuses->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto s = parse_work_status(one);
    if (!s) {
      c.fail(400, "invalid_argument", "status: unknown status '" + one.substr(0, 32) + "'", {{"field", "status"}});
      return false;
    }
    out.push_back(*s);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

void list_work(request_context& c) {
  work_list_params p;
  if (!c.query_int("limit", 1, 500, p.limit) || !read_statuses(c, p.statuses)) return;
  p.work_type = c.req().query.get("work_type").value_or("");
  p.agent_id = c.req().query.get("agent_id").value_or("");
  p.after = c.req().query.get("cursor").value_or("");
  p.label_selector = c.req().query.get("labelSelector").value_or("");
  // Malformed query parameters are the request's fault (400); the service's 422 is for bodies.
  if (!p.agent_id.empty() && !is_uuid(p.agent_id))
    return c.fail(400, "invalid_argument", "agent_id must be a UUID", {{"field", "agent_id"}});
  if (!p.after.empty() && !is_uuid(p.after))
    return c.fail(400, "invalid_argument", "cursor must be a cursor returned by a previous page", {{"field", "cursor"}});
  if (auto sel = persistence::check_label_selector(p.label_selector); !sel)
    return c.fail(400, "invalid_argument", sel.error().message, {{"field", "labelSelector"}});
  c.run(work(c).list(c.who(), std::move(p)), [&c](work_page page) { c.reply(200, page_json(page.items, page.next)); });
}

void get_work(request_context& c) {
  c.run(work(c).get(c.who(), c.param("id")), [&c](work_item w) { c.reply(200, to_json(w)); });
}

// The log tail the claimer stored with its report (result_details.log_tail, and log_container), or
// with follow=true the live log of a claimed item, through the log hub and its claimer.
void work_logs(request_context& c) {
  const auto follow = c.req().query.get("follow");
  const bool live = follow && (*follow == "1" || *follow == "true");
  const auto step = c.req().query.get("step").value_or("");
  if (!step.empty() && !k8s::apply::is_dns_label(step))
    return c.fail(400, "invalid_argument", "step must be a step name (a DNS label, e.g. build-and-push)",
                  {{"field", "step"}});
  c.run(work(c).get(c.who(), c.param("id")), [&c, live, step](work_item w) {
    json details = json::object();
    if (!w.result_details.empty())
      if (auto parsed = json_limits::parse(w.result_details, "result_details"); parsed && parsed->is_object())
        details = std::move(*parsed);
    const auto text = [&details](const char* key) {
      return details.contains(key) && details[key].is_string() ? details[key].get<std::string>() : std::string();
    };
    const bool finished = is_terminal(w.status);
    if (live && w.status == work_status::claimed && !w.claimed_by.empty()) return c.follow_logs(w, step);
    if (live && !finished)
      return c.fail(409, code_for(errc::conflict),
                    "item " + w.id + " is " + std::string(to_string(w.status)) + ": its log can be followed once it is claimed",
                    {{"field", "status"}, {"status", to_string(w.status)}});
    if (live) {
      // A finished run: its stored tail, as the live stream would have ended with it.
      auto tail = text("log_tail");
      if (!tail.empty() && tail.back() != '\n') tail += '\n';
      return c.reply_raw(200, "text/plain; charset=utf-8", std::move(tail));
    }
    std::string note;
    if (text("log_tail").empty())
      note = finished ? "the claimer reported no log for this run"
                      : "the log tail is stored when the run ends; follow=true streams the live log (brokkr work logs -f)";
    c.reply(200, {{"work_id", w.id},
                  {"status", to_string(w.status)},
                  {"attempt", w.attempt},
                  {"container", text("log_container")},
                  {"log", text("log_tail")},
                  {"note", note.empty() ? json(nullptr) : json(note)}});
  });
}

void cancel_work(request_context& c) {
  c.run(work(c).cancel(c.who(), c.param("id")), [&c](persistence::cancel_result res) {
    c.reply(res.action == persistence::cancel_action::cancel_requested ? 202 : 200, to_json(res.item));
  });
}

void retry_work(request_context& c) {
  c.run(work(c).retry(c.who(), c.param("id")),
        [&c](persistence::create_result res) { c.reply(201, to_json(res.item)); });
}

void claim_work(request_context& c) {
  auto body = parse_claim(c.req().body);
  if (!body) return c.fail(body.error());
  c.run(work(c).claim(c.who(), c.param("id"), body->agent_id), [&c](work_item w) { c.reply(200, to_json(w)); });
}

void heartbeat_work(request_context& c) {
  auto body = parse_heartbeat(c.req().body);
  if (!body) return c.fail(body.error());
  const auto agent = c.who().is_admin() ? body->agent_id : c.who().agent_id;
  c.run(work(c).heartbeat(c.who(), c.param("id"), body->agent_id, body->attempt),
        [&c, agent](persistence::heartbeat_result h) {
          // Live-log requests ride on the heartbeat's answer: an HTTP agent has no other channel.
          c.log_requests(agent, c.param("id"), [&c, h](std::vector<log_stream_request> wanted) {
            json logs = json::array();
            for (const auto& r : wanted) logs.push_back(to_json(r));
            c.reply(200, {{"cancel_requested", h.cancel_requested},
                          {"lease_expires_at", format_rfc3339_millis(h.lease_expires_at)},
                          {"logs", std::move(logs)}});
          });
        });
}

// A chunk of a live log from the claiming agent (HTTP transport). The item is read with the caller's
// rights first (another agent's item is 403, as everywhere); the hub then takes it only from the
// agent it asked, for the generation it asked.
void push_work_log(request_context& c) {
  auto chunk = parse_log_chunk(c.req().body, c.param("id"));
  if (!chunk) return c.fail(chunk.error());
  c.run(work(c).get(c.who(), c.param("id")), [&c, chunk = std::move(*chunk)](work_item w) mutable {
    if (c.who().is_admin() || w.status != work_status::claimed || w.claimed_by != c.who().agent_id)
      return c.fail(409, code_for(errc::conflict), "only the agent that holds the claim streams its log",
                    {{"field", "status"}, {"status", to_string(w.status)}});
    c.push_log_chunk(c.who().agent_id, std::move(chunk), [&c](bool more) { c.reply(200, {{"more", more}}); });
  });
}

void complete_work(request_context& c) {
  auto report = parse_completion(c.req().body, c.param("id"));
  if (!report) return c.fail(report.error());
  c.run(work(c).complete(c.who(), std::move(*report)), [&c](work_item w) { c.reply(200, to_json(w)); });
}

void work_events(request_context& c) {
  int64_t after = 0;
  int limit = 1000;
  if (!c.query_int("after", int64_t{0}, std::numeric_limits<int64_t>::max(), after)) return;
  if (!c.query_int("limit", 1, 1000, limit)) return;
  const auto follow = c.req().query.get("follow");
  const bool streaming = follow && (*follow == "1" || *follow == "true");
  const bool sse = c.req().headers.get("accept").value_or("").find("text/event-stream") != std::string::npos;
  if (streaming) {
    // Reading the item first answers 404/403 before the stream starts.
    return c.run(work(c).get(c.who(), c.param("id")),
                 [&c, after, sse](work_item w) { c.follow_events(w.id, after, sse); });
  }
  c.run(work(c).events(c.who(), c.param("id"), after, limit), [&c](std::vector<work_event> events) {
    json items = json::array();
    for (const auto& e : events) items.push_back(to_json(e));
    c.reply(200, {{"items", items}});
  });
}

json summary_json(const std::vector<work_summary_row>& rows) {
  json by_status = json::object(), by_type = json::object(), last_hour = json::object();
  int64_t total = 0;
  for (auto s : {work_status::pending, work_status::claimed, work_status::failed_retryable, work_status::completed,
                 work_status::failed_permanent, work_status::canceled})
    by_status[std::string(to_string(s))] = 0;
  for (const auto& r : rows) {
    const std::string status(to_string(r.status));
    by_status[status] = by_status[status].get<int64_t>() + r.count;
    by_type[r.work_type][status] = r.count;
    if (is_terminal(r.status))
      last_hour[status] = (last_hour.contains(status) ? last_hour[status].get<int64_t>() : 0) + r.last_hour;
    total += r.count;
  }
  return {{"total", total}, {"by_status", by_status}, {"by_type", by_type}, {"finished_last_hour", last_hour}};
}

void work_summary(request_context& c) {
  c.run(work(c).summary(c.who()), [&c](std::vector<work_summary_row> rows) { c.reply(200, summary_json(rows)); });
}

// Every item's transitions: a page after `after`, or with follow=1 a stream from `after` (default:
// from now on) until the client leaves or the follow limit ends it.
void all_events(request_context& c) {
  int64_t after = -1;
  int limit = 1000;
  if (!c.query_int("after", int64_t{0}, std::numeric_limits<int64_t>::max(), after)) return;
  if (!c.query_int("limit", 1, 1000, limit)) return;
  const auto follow = c.req().query.get("follow");
  const bool sse = c.req().headers.get("accept").value_or("").find("text/event-stream") != std::string::npos;
  if (follow && (*follow == "1" || *follow == "true")) {
    return c.follow_events("", after, sse);
  }
  c.run(work(c).all_events(c.who(), std::max<int64_t>(after, 0), limit), [&c](std::vector<work_event> events) {
    json items = json::array();
    for (const auto& e : events) items.push_back(to_json(e));
    c.reply(200, {{"items", items}});
  });
}

void pending_for_agent(request_context& c) {
  int limit = 50;
  if (!c.query_int("limit", 1, 500, limit)) return;
  c.run(work(c).pending(c.who(), c.param("id"), limit),
        [&c](std::vector<work_item> items) { c.reply(200, {{"items", items_json(items)}}); });
}

// The path names the agent; a body agent_id, when given, must agree.
bool same_agent(request_context& c, const std::string& from_body) {
  if (from_body.empty() || from_body == c.param("id")) return true;
  c.fail(422, "invalid_argument", "agent_id in the body differs from the path", {{"field", "agent_id"}});
  return false;
}

void claim_next_for_agent(request_context& c) {
  auto body = parse_claim_next(c.req().body);
  if (!body) return c.fail(body.error());
  if (!same_agent(c, body->agent_id)) return;
  const bool batch = body->limit.has_value();
  c.run(work(c).claim_next(c.who(), c.param("id"), std::move(body->work_types), body->limit.value_or(1)),
        [&c, batch](std::vector<work_item> items) {
          // Without "limit" the seed's shape: the one item, or 204.
          if (batch) return c.reply(200, {{"items", items_json(items)}});
          if (items.empty()) return c.reply_raw(204, "", "");
          c.reply(200, to_json(items.front()));
        });
}

void complete_batch_for_agent(request_context& c) {
  auto reports = parse_completion_batch(c.req().body);
  if (!reports) return c.fail(reports.error());
  for (auto& r : *reports) {
    if (!same_agent(c, r.agent_id)) return;
    r.agent_id = c.param("id");
  }
  c.run(work(c).complete_many(c.who(), std::move(*reports)), [&c](std::vector<completion_ack> acks) {
    json results = json::array();
    for (const auto& a : acks) results.push_back(to_json(a));
    c.reply(200, {{"results", results}});
  });
}

void claimed_by_agent(request_context& c) {
  c.run(work(c).held(c.who(), c.param("id")),
        [&c](std::vector<work_item> items) { c.reply(200, {{"items", items_json(items)}}); });
}

}  // namespace

std::vector<route> work_routes() {
  const std::string base = "/api/v1/ephemeral-work";
  const std::string agent = "/api/v1/agents/{id}/ephemeral-work";
  return {
      {"POST", base, access::admin, create_work},
      {"GET", base, access::agent_or_admin, list_work},
      {"GET", base + "/{id}", access::agent_or_admin, get_work},
      {"DELETE", base + "/{id}", access::admin, cancel_work},
      {"POST", base + "/{id}/retry", access::admin, retry_work},
      {"POST", base + "/{id}/claim", access::agent_or_admin, claim_work},
      {"POST", base + "/{id}/heartbeat", access::agent_or_admin, heartbeat_work},
      {"POST", base + "/{id}/logs", access::agent_or_admin, push_work_log},
      {"POST", base + "/{id}/complete", access::agent_or_admin, complete_work},
      {"GET", base + "/{id}/events", access::agent_or_admin, work_events},
      {"GET", base + "/{id}/logs", access::agent_or_admin, work_logs},
      {"GET", "/api/v1/summary", access::admin, work_summary},
      {"GET", "/api/v1/events", access::admin, all_events},
      {"GET", agent + "/pending", access::agent_or_admin, pending_for_agent},
      {"POST", agent + "/claim-next", access::agent_or_admin, claim_next_for_agent},
      {"POST", agent + "/complete", access::agent_or_admin, complete_batch_for_agent},
      {"GET", agent + "/claimed", access::agent_or_admin, claimed_by_agent},
  };
}

}  // namespace brokkr::broker::http
