// /api/v1/agents: registration (the key is shown once), status, labels, annotations, keys. JSON in,
// an operation of broker_node/agent_service, JSON out.
#include "broker_node/http/json_codec.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"
#include "common/time.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;
using persistence::label_edit;

const agent_service& agents(request_context& c) { return *c.svc().agents; }

void reply_agent(request_context& c, const agent_record& a) { c.reply(200, to_json(a, c.svc().agent_ready_window)); }

void create_agent(request_context& c) {
  auto p = parse_agent_create(c.req().body);
  if (!p) return c.fail(p.error());
  c.run(agents(c).create(c.who(), std::move(*p)),
        [&c](created_agent a) { c.reply(201, {{"agent", to_json(a.agent, c.svc().agent_ready_window)}, {"key", a.key}}); });
}

void list_agents(request_context& c) {
  persistence::agent_list_params p;
  if (auto s = c.req().query.get("status")) {
    p.status = parse_agent_status(*s);
    if (!p.status) return c.fail(400, "invalid_argument", "status must be ACTIVE or INACTIVE", {{"field", "status"}});
  }
  p.label = c.req().query.get("label").value_or("");
  p.after = c.req().query.get("cursor").value_or("");
  if (!c.query_int("limit", 1, 500, p.limit)) return;
  if (!p.after.empty() && !is_uuid(p.after))
    return c.fail(400, "invalid_argument", "cursor must be a cursor returned by a previous page", {{"field", "cursor"}});
  if (!p.label.empty() && !validate_label("label", p.label))
    return c.fail(400, "invalid_argument", "label is not a valid label", {{"field", "label"}});
  c.run(agents(c).list(c.who(), std::move(p)), [&c](persistence::agent_page page) {
    json items = json::array();
    for (const auto& a : page.items) items.push_back(to_json(a, c.svc().agent_ready_window));
    c.reply(200, {{"items", items}, {"next_cursor", page.next.empty() ? json(nullptr) : json(page.next)}});
  });
}

void get_agent(request_context& c) {
  c.run(agents(c).get(c.who(), c.param("id")), [&c](agent_record a) { reply_agent(c, a); });
}

void patch_agent(request_context& c) {
  auto status = parse_agent_patch(c.req().body);
  if (!status) return c.fail(status.error());
  c.run(agents(c).set_status(c.who(), c.param("id"), *status), [&c](agent_record a) { reply_agent(c, a); });
}

void delete_agent(request_context& c) {
  c.run(agents(c).remove(c.who(), c.param("id")), [&c](ok_t) { c.reply_raw(204, "", ""); });
}

void agent_heartbeat(request_context& c) {
  c.run(agents(c).heartbeat(c.who(), c.param("id")),
        [&c](timestamp t) { c.reply(200, {{"last_heartbeat_at", format_rfc3339_millis(t)}}); });
}

void rotate_key(request_context& c) {
  c.run(agents(c).rotate_key(c.who(), c.param("id")), [&c](std::string key) { c.reply(200, {{"key", key}}); });
}

void edit_labels(request_context& c, label_edit edit) {
  std::vector<std::string> labels;
  if (edit == label_edit::remove) {
    labels = {c.param("label")};
  } else {
    auto parsed = parse_labels(c.req().body);
    if (!parsed) return c.fail(parsed.error());
    labels = std::move(*parsed);
  }
  c.run(agents(c).edit_labels(c.who(), c.param("id"), edit, std::move(labels)), [&c](agent_record a) { reply_agent(c, a); });
}

void edit_annotations(request_context& c, label_edit edit) {
  std::map<std::string, std::string> annotations;
  if (edit == label_edit::remove) {
    annotations = {{c.param("key"), ""}};
  } else {
    auto parsed = parse_annotations(c.req().body);
    if (!parsed) return c.fail(parsed.error());
    annotations = std::move(*parsed);
  }
  c.run(agents(c).edit_annotations(c.who(), c.param("id"), edit, std::move(annotations)),
        [&c](agent_record a) { reply_agent(c, a); });
}

// Who the key belongs to: lets an agent that only has its key learn its own id.
void whoami(request_context& c) {
  c.reply(200, {{"role", c.who().is_admin() ? "admin" : "agent"},
                {"agent_id", c.who().is_admin() ? json(nullptr) : json(c.who().agent_id)}});
}

}  // namespace

std::vector<route> agent_routes() {
  const std::string base = "/api/v1/agents";
  return {
      {"GET", "/api/v1/whoami", access::agent_or_admin, whoami},
      {"POST", base, access::admin, create_agent},
      {"GET", base, access::admin, list_agents},
      {"GET", base + "/{id}", access::agent_or_admin, get_agent},
      {"PATCH", base + "/{id}", access::admin, patch_agent},
      {"DELETE", base + "/{id}", access::admin, delete_agent},
      {"POST", base + "/{id}/heartbeat", access::agent_or_admin, agent_heartbeat},
      {"POST", base + "/{id}/rotate-key", access::agent_or_admin, rotate_key},
      {"PUT", base + "/{id}/labels", access::admin, [](request_context& c) { edit_labels(c, label_edit::replace); }},
      {"POST", base + "/{id}/labels", access::admin, [](request_context& c) { edit_labels(c, label_edit::add); }},
      {"DELETE", base + "/{id}/labels/{label}", access::admin,
       [](request_context& c) { edit_labels(c, label_edit::remove); }},
      {"PUT", base + "/{id}/annotations", access::admin,
       [](request_context& c) { edit_annotations(c, label_edit::replace); }},
      {"POST", base + "/{id}/annotations", access::admin,
       [](request_context& c) { edit_annotations(c, label_edit::add); }},
      {"DELETE", base + "/{id}/annotations/{key}", access::admin,
       [](request_context& c) { edit_annotations(c, label_edit::remove); }},
  };
}

}  // namespace brokkr::broker::http
