#include "cli/work_commands.hpp"

#include <ostream>

#include "cli/api_client.hpp"
#include "cli/command_support.hpp"
#include "cli/event_follower.hpp"
#include "cli/final_status.hpp"
#include "cli/json_fields.hpp"
#include "cli/list_pages.hpp"
#include "cli/submit_request.hpp"
#include "cli/work_view.hpp"
#include "common/http_url.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

// The broker's page limit for events.
constexpr std::size_t events_page = 1000;

std::string submitted_text(const json& item, bool existing) {
  std::string out = "work " + field_text(item, "id") +
                    (existing ? " already exists with this idempotency key (" : " submitted (") +
                    field_text(item, "status") + ")\n";
  if (member(member(item, "targets"), "resolved_agent_ids").empty())
    out += "note: no agent matches these targets yet; the work waits until one does\n";
  return out;
}

event_stream_fn events_of(api_client& api, const std::string& id) {
  return [&api, id](int64_t after, const std::function<bool(const json&)>& on_event) {
    return api.stream(work_path(id, "/events" + http::build_query({{"follow", "1"}, {"after", std::to_string(after)}})),
                      on_event);
  };
}

// Waits until the item is terminal, printing each transition to stderr, then prints the item.
result<int> wait_for(command_context& c, const std::string& id) {
  auto final_status = follow_work(events_of(c.api, id), [&c](const json& event) {
    c.err << progress_line(event) << "\n";
    c.err.flush();
  });
  if (!final_status) return unexpected(final_status.error());
  auto item = c.api.get(work_path(id));
  if (!item) return unexpected(item.error());
  print_result(c, *item, work_summary(*item) + "\n");
  return exit_code_for_final_status(field_text(*item, "status"));
}

// The answer does not say whether DELETE canceled the item or removed a finished one from view, so
// the status read just before tells (a race with the item finishing only changes this wording).
std::string cancel_text(int http_status, const std::string& status_before, const json& item) {
  const auto id = field_text(item, "id");
  if (http_status == 202)
    return "cancel requested for work " + id + ": its agent stops the work and reports CANCELED\n";
  if (is_terminal_status(status_before))
    return "work " + id + " had already finished (" + status_before + "); it is now removed from view\n";
  return "work " + id + " " + field_text(item, "status") + "\n";
}

}  // namespace

result<int> work_submit(command_context& c) {
  if (!c.values.is_set("file"))
    return unexpected(usage_error("work submit needs -f FILE (the spec; - reads standard input)"));
  auto spec = read_spec(c.values.str("file"), c.in);
  if (!spec) return unexpected(spec.error());
  auto body = submit_body(c.values, std::move(*spec));
  if (!body) return unexpected(body.error());
  auto reply = c.api.call("POST", "/api/v1/ephemeral-work", *body);
  if (!reply) return unexpected(reply.error());
  const auto text = submitted_text(reply->body, reply->status == 200);
  if (!c.values.boolean("wait")) {
    print_result(c, reply->body, text);
    return exit_code::success;
  }
  c.err << text;
  return wait_for(c, field_text(reply->body, "id"));
}

result<int> work_get(command_context& c) {
  auto item = c.api.get(work_path(c.args[0]));
  if (!item) return unexpected(item.error());
  print_result(c, *item, work_detail(*item));
  return exit_code::success;
}

result<int> work_list(command_context& c) {
  const bool all = c.values.boolean("all");
  query_list query;
  if (c.values.is_set("status")) query.emplace_back("status", upper_case(c.values.str("status")));
  if (c.values.is_set("type")) query.emplace_back("work_type", c.values.str("type"));
  if (c.values.is_set("agent")) query.emplace_back("agent_id", c.values.str("agent"));
  if (c.values.is_set("limit")) query.emplace_back("limit", std::to_string(c.values.integer("limit")));
  else if (all) query.emplace_back("limit", "500");  // fewer round trips; the broker's largest page
  auto page = list_pages(c.api, "/api/v1/ephemeral-work", query, all);
  if (!page) return unexpected(page.error());
  print_result(c, *page, work_list_table((*page)["items"]));
  if (c.format == output_format::table && !(*page)["next_cursor"].is_null())
    c.err << "more items: use --all, or a larger --limit\n";
  return exit_code::success;
}

result<int> work_events(command_context& c) {
  const auto& id = c.args[0];
  if (c.values.boolean("follow")) {
    auto done = follow_work(events_of(c.api, id), [&c](const json& event) {
      if (c.format == output_format::table) c.out << progress_line(event) << std::endl;
      else write_stream_item(c.out, c.format, event);
    });
    if (!done) return unexpected(done.error());
    return exit_code::success;
  }
  json items = json::array();
  for (int64_t after = 0;;) {
    auto page = c.api.get(work_path(id, "/events" + http::build_query({{"after", std::to_string(after)}})));
    if (!page) return unexpected(page.error());
    for (const auto& e : member(*page, "items")) items.push_back(e);
    if (member(*page, "items").size() < events_page || items.empty()) break;
    after = field_int(items.back(), "id", after);
  }
  std::string lines;
  for (const auto& e : items) lines += progress_line(e) + "\n";
  print_result(c, {{"items", items}}, lines);
  return exit_code::success;
}

result<int> work_cancel(command_context& c) {
  auto before = c.api.get(work_path(c.args[0]));
  if (!before) return unexpected(before.error());
  auto reply = c.api.call("DELETE", work_path(c.args[0]));
  if (!reply) return unexpected(reply.error());
  print_result(c, reply->body, cancel_text(reply->status, field_text(*before, "status"), reply->body));
  return exit_code::success;
}

}  // namespace brokkr::cli
