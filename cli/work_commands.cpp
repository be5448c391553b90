#include "cli/work_commands.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <thread>

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

agent_names names_for(api_client& api, const json& items, const char* field);

// The names of the agents a followed stream mentions, each looked up once, when it first appears
// (a miss stays a miss). Lookups go through a second client: the first is busy with the stream.
struct name_cache {
  const api_client& stream_client;
  agent_names names;
  std::optional<api_client> lookups;
  const agent_names& with(const json& x, const char* field) {
    if (auto id = field_text(x, field); !id.empty() && !names.count(id)) {
      names[id] = "";
      if (!lookups) lookups.emplace(stream_client.settings());
      for (auto& [k, v] : names_for(*lookups, json::array({x}), field)) names[k] = v;
    }
    return names;
  }
};

// Waits until the item is terminal, printing each transition to stderr, then prints the item.
result<int> wait_for(command_context& c, const std::string& id) {
  name_cache names{c.api, {}, {}};
  auto final_status = follow_work(events_of(c.api, id), [&c, &names](const json& event) {
    c.err << progress_line(event, names.with(event, "agent_id")) << "\n";
    c.err.flush();
  });
  if (!final_status) return unexpected(final_status.error());
  auto item = c.api.get(work_path(id));
  if (!item) return unexpected(item.error());
  print_result(c, *item, work_summary(*item, names.with(*item, "claimed_by")) + "\n");
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

// Past this many distinct agents one listing of every agent is cheaper than a GET per agent.
constexpr std::size_t names_by_id_up_to = 20;

// Names of the agents these items (or events) name, for the person reading the table. Best
// effort: an agent key may not read other agents, and a deleted agent has no name, so any id the
// broker does not answer for stays bare.
agent_names names_for(api_client& api, const json& items, const char* field) {
  std::set<std::string> ids;
  for (const auto& w : items)
    if (auto id = field_text(w, field); !id.empty()) ids.insert(std::move(id));
  agent_names names;
  if (ids.empty()) return names;
  if (ids.size() <= names_by_id_up_to) {
    for (const auto& id : ids) {
      auto agent = api.get(agent_path(id));
      if (!agent) {
        const auto code = agent.error().exit_code;
        if (code == exit_code::auth || code == exit_code::unreachable) break;  // the same for every other id
        continue;
      }
      names[id] = field_text(*agent, "name");
    }
    return names;
  }
  auto all = list_pages(api, "/api/v1/agents", {{"limit", "500"}}, true);
  if (!all) return names;
  for (const auto& a : member(*all, "items"))
    if (ids.count(field_text(a, "id"))) names[field_text(a, "id")] = field_text(a, "name");
  return names;
}

agent_names names_for_item(api_client& api, const json& item) {
  return names_for(api, json::array({item}), "claimed_by");
}

// What a watch compares: a listed item counts as changed when any of these moved.
std::string watch_signature(const json& item) {
  return field_text(item, "status") + "|" + field_text(item, "attempt") + "|" + field_text(item, "updated_at") +
         "|" + field_text(item, "cancel_requested");
}

// `work list -w`: the first page again every interval; every item that is new or changed since
// the last look is printed (oldest change first), like `kubectl get -w`. Polling the page keeps the
// filters exactly those of the list (labels, status, type, agent), with no stream to hold.
result<int> watch_list(command_context& c, const query_list& query, json first_items) {
  const auto every = c.values.is_set("watch-interval") ? c.values.duration("watch-interval")
                                                        : std::chrono::milliseconds(1000);
  if (every.count() < 100) return unexpected(usage_error("--watch-interval must be at least 100ms"));
  std::map<std::string, std::string> seen;
  for (const auto& w : first_items) seen[field_text(w, "id")] = watch_signature(w);
  for (;;) {
    std::this_thread::sleep_for(every);
    auto page = list_pages(c.api, "/api/v1/ephemeral-work", query, false);
    if (!page) return unexpected(page.error());
    json changed = json::array();
    const auto& items = member(*page, "items");
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      auto& last = seen[field_text(*it, "id")];
      const auto now = watch_signature(*it);
      if (last == now) continue;
      last = now;
      changed.push_back(*it);
    }
    if (changed.empty()) continue;
    if (c.format == output_format::table) c.out << work_list_rows(changed, names_for(c.api, changed, "claimed_by"));
    else
      for (const auto& w : changed) write_stream_item(c.out, c.format, w);
    c.out.flush();
  }
}

// Live statuses: what a bulk cancel acts on.
constexpr const char* unfinished_statuses = "PENDING,CLAIMED,FAILED_RETRYABLE";

// `work cancel -l SELECTOR`: every unfinished matching item, one DELETE each, a line per item.
result<int> cancel_matching(command_context& c, const std::string& selector) {
  auto page = list_pages(c.api, "/api/v1/ephemeral-work",
                         {{"labelSelector", selector}, {"status", unfinished_statuses}, {"limit", "500"}}, true);
  if (!page) return unexpected(page.error());
  json results = json::array();
  std::string lines;
  int failed = 0;
  for (const auto& item : member(*page, "items")) {
    const auto id = field_text(item, "id");
    auto reply = c.api.call("DELETE", work_path(id));
    if (!reply) {
      ++failed;
      lines += "work " + id + ": " + reply.error().message + "\n";
      results.push_back({{"id", id}, {"error", reply.error().message}});
      continue;
    }
    lines += cancel_text(reply->status, field_text(item, "status"), reply->body);
    results.push_back(reply->body);
  }
  const auto count = member(*page, "items").size();
  if (count == 0) lines = "no unfinished work item matches " + selector + "\n";
  print_result(c, {{"items", results}}, lines);
  if (failed > 0) {
    c.err << failed << " of " << count << " cancels failed\n";
    return exit_code::api_error;
  }
  return exit_code::success;
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
  if (c.format != output_format::table) {
    print_result(c, *item, "");
    return exit_code::success;
  }
  print_result(c, *item, work_detail(*item, names_for_item(c.api, *item)));
  return exit_code::success;
}

// -f: waits (polling the item) until it is claimed, then streams its live log as it comes; a run
// that is over prints its stored tail instead. Ends when the followed step ends.
result<int> follow_logs(command_context& c) {
  const auto& id = c.args[0];
  auto step = c.values.str("step");
  const auto path = work_path(id, "/logs") + "?follow=true" + (step.empty() ? "" : "&step=" + http::percent_encode(step));
  bool waited = false;
  for (;;) {
    auto item = c.api.get(work_path(id));
    if (!item) return unexpected(item.error());
    const auto status = field_text(*item, "status");
    if (status == "CLAIMED" || is_terminal_status(status)) {
      auto streamed = c.api.stream_bytes(path, "text/plain", [&c](std::string_view bytes) {
        c.out << bytes;
        c.out.flush();
        return true;
      });
      if (streamed) return exit_code::success;
      // The 409 naming `status`: it went back to PENDING (a retry) between the two calls; wait for
      // its next claim. Anything else is the answer.
      if (streamed.error().field != "status") return unexpected(streamed.error());
    } else if (!waited) {
      c.err << "waiting for work " << id << " to be claimed (" << status << ")\n";
      waited = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

result<int> work_logs(command_context& c) {
  if (c.values.boolean("follow")) return follow_logs(c);
  if (!c.values.str("step").empty()) return unexpected(usage_error("--step needs -f (the stored tail is of one container)"));
  auto logs = c.api.get(work_path(c.args[0], "/logs"));
  if (!logs) return unexpected(logs.error());
  // The lines as they are (field_text would fold them onto one); the output stream is terminal-safe.
  const auto& log = member(*logs, "log");
  auto text = log.is_string() ? log.get<std::string>() : std::string();
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (c.format == output_format::table) {
    if (const auto note = field_text(*logs, "note"); !note.empty()) c.err << "note: " << note << "\n";
    else if (const auto container = field_text(*logs, "container"); !container.empty())
      c.err << "log tail of container " << container << ", attempt " << field_text(*logs, "attempt") << "\n";
  }
  print_result(c, *logs, text);
  return exit_code::success;
}

result<int> work_retry(command_context& c) {
  auto reply = c.api.call("POST", work_path(c.args[0], "/retry"));
  if (!reply) return unexpected(reply.error());
  const auto text = "work " + field_text(reply->body, "id") + " submitted as a retry of " + c.args[0] + " (" +
                    field_text(reply->body, "status") + ")\n";
  if (!c.values.boolean("wait")) {
    print_result(c, reply->body, text);
    return exit_code::success;
  }
  c.err << text;
  return wait_for(c, field_text(reply->body, "id"));
}

result<int> work_list(command_context& c) {
  const bool all = c.values.boolean("all");
  query_list query;
  if (c.values.is_set("status")) query.emplace_back("status", upper_case(c.values.str("status")));
  if (c.values.is_set("type")) query.emplace_back("work_type", c.values.str("type"));
  if (c.values.is_set("agent")) query.emplace_back("agent_id", c.values.str("agent"));
  if (c.values.is_set("selector")) query.emplace_back("labelSelector", c.values.str("selector"));
  if (c.values.is_set("limit")) query.emplace_back("limit", std::to_string(c.values.integer("limit")));
  else if (all) query.emplace_back("limit", "500");  // fewer round trips; the broker's largest page
  const bool watch = c.values.boolean("watch");
  if (watch && all) return unexpected(usage_error("--watch shows the first page; it cannot be combined with --all"));
  auto page = list_pages(c.api, "/api/v1/ephemeral-work", query, all);
  if (!page) return unexpected(page.error());
  const auto& items = (*page)["items"];
  if (watch && c.format != output_format::table) {
    for (const auto& w : items) write_stream_item(c.out, c.format, w);
    c.out.flush();
  } else {
    print_result(c, *page, c.format == output_format::table ? work_list_table(items, names_for(c.api, items, "claimed_by"))
                                                            : std::string());
  }
  if (c.format == output_format::table && !(*page)["next_cursor"].is_null() && !watch)
    c.err << "more items: use --all, or a larger --limit\n";
  if (watch) {
    c.out.flush();
    return watch_list(c, query, items);
  }
  return exit_code::success;
}

result<int> work_events(command_context& c) {
  const auto& id = c.args[0];
  if (c.values.boolean("follow")) {
    name_cache names{c.api, {}, {}};
    auto done = follow_work(events_of(c.api, id), [&c, &names](const json& event) {
      if (c.format == output_format::table) c.out << progress_line(event, names.with(event, "agent_id")) << std::endl;
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
  const auto names = c.format == output_format::table ? names_for(c.api, items, "agent_id") : agent_names{};
  for (const auto& e : items) lines += progress_line(e, names) + "\n";
  print_result(c, {{"items", items}}, lines);
  return exit_code::success;
}

result<int> work_cancel(command_context& c) {
  const bool by_selector = c.values.is_set("selector");
  if (by_selector == !c.args.empty())
    return unexpected(usage_error("brokkr work cancel needs an ID or -l SELECTOR, not both (see 'brokkr work cancel --help')"));
  if (by_selector) {
    if (c.values.str("selector").empty())
      return unexpected(usage_error("-l needs a selector; an empty one would cancel every unfinished item"));
    return cancel_matching(c, c.values.str("selector"));
  }
  auto before = c.api.get(work_path(c.args[0]));
  if (!before) return unexpected(before.error());
  auto reply = c.api.call("DELETE", work_path(c.args[0]));
  if (!reply) return unexpected(reply.error());
  print_result(c, reply->body, cancel_text(reply->status, field_text(*before, "status"), reply->body));
  return exit_code::success;
}

}  // namespace brokkr::cli
