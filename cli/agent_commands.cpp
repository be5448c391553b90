#include "cli/agent_commands.hpp"

#include "cli/agent_view.hpp"
#include "cli/api_client.hpp"
#include "cli/command_support.hpp"
#include "cli/json_fields.hpp"
#include "cli/key_values.hpp"
#include "cli/list_pages.hpp"
#include "common/http_url.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

std::vector<std::string> args_after_id(const command_context& c) { return {c.args.begin() + 1, c.args.end()}; }

result<int> show_agent(command_context& c, const result<json>& agent) {
  if (!agent) return unexpected(agent.error());
  print_result(c, *agent, agent_detail(*agent));
  return exit_code::success;
}

result<int> set_status(command_context& c, const char* status) {
  auto reply = c.api.call("PATCH", agent_path(c.args[0]), {{"status", status}});
  if (!reply) return unexpected(reply.error());
  return show_agent(c, reply->body);
}

// One DELETE per item (the API removes one label or annotation per call); the last reply is the
// agent as it ends up.
result<json> remove_each(command_context& c, const std::string& collection, const std::vector<std::string>& names) {
  json agent;
  for (const auto& name : names) {
    auto reply = c.api.call("DELETE", agent_path(c.args[0], "/" + collection + "/" + http::percent_encode(name)));
    if (!reply) return unexpected(reply.error());
    agent = std::move(reply->body);
  }
  return agent;
}

}  // namespace

result<int> agents_create(command_context& c) {
  if (!c.values.is_set("cluster")) return unexpected(usage_error("agents create needs --cluster CLUSTER"));
  json body = {{"name", c.args[0]}, {"cluster_name", c.values.str("cluster")}, {"labels", c.values.list("label")}};
  auto annotations = parse_key_values(rejoin_comma_values(c.values.list("annotation")), "--annotation");
  if (!annotations) return unexpected(annotations.error());
  body["annotations"] = *annotations;
  if (c.values.boolean("inactive")) body["status"] = "INACTIVE";
  auto created = c.api.post("/api/v1/agents", body);
  if (!created) return unexpected(created.error());
  const auto& agent = member(*created, "agent");
  const auto headline = "agent " + field_text(agent, "name") + " created: id " + field_text(agent, "id") +
                        ", cluster " + field_text(agent, "cluster_name") + ", status " + field_text(agent, "status");
  print_result(c, *created, key_notice(headline, field_text(*created, "key")));
  return exit_code::success;
}

result<int> agents_list(command_context& c) {
  query_list query;
  if (c.values.is_set("label") && c.values.is_set("selector"))
    return unexpected(usage_error("--label and -l/--selector say the same for agents; give one"));
  // Agents carry plain labels, so -l (as in `work list -l`) names one label here.
  if (c.values.is_set("label")) query.emplace_back("label", c.values.str("label"));
  if (c.values.is_set("selector")) query.emplace_back("label", c.values.str("selector"));
  if (c.values.is_set("status")) query.emplace_back("status", upper_case(c.values.str("status")));
  auto page = list_pages(c.api, "/api/v1/agents", query, true);
  if (!page) return unexpected(page.error());
  print_result(c, *page, agent_list_table((*page)["items"]));
  return exit_code::success;
}

result<int> agents_get(command_context& c) { return show_agent(c, c.api.get(agent_path(c.args[0]))); }

result<int> agents_label(command_context& c) {
  return show_agent(c, c.api.post(agent_path(c.args[0], "/labels"), {{"labels", args_after_id(c)}}));
}

result<int> agents_unlabel(command_context& c) { return show_agent(c, remove_each(c, "labels", args_after_id(c))); }

result<int> agents_annotate(command_context& c) {
  const auto removed = c.values.list("remove");
  if (c.args.size() < 2 && removed.empty())
    return unexpected(usage_error("agents annotate needs KEY=VALUE arguments or --remove KEY"));
  auto added = parse_key_values(args_after_id(c), "agents annotate");
  if (!added) return unexpected(added.error());
  result<json> agent = json();
  if (!added->empty()) agent = c.api.post(agent_path(c.args[0], "/annotations"), {{"annotations", *added}});
  if (agent && !removed.empty()) agent = remove_each(c, "annotations", removed);
  return show_agent(c, agent);
}

result<int> agents_activate(command_context& c) { return set_status(c, "ACTIVE"); }
result<int> agents_deactivate(command_context& c) { return set_status(c, "INACTIVE"); }

result<int> agents_delete(command_context& c) {
  auto reply = c.api.call("DELETE", agent_path(c.args[0]));
  if (!reply) return unexpected(reply.error());
  print_result(c, {{"id", c.args[0]}, {"deleted", true}}, "agent " + c.args[0] + " deleted; its key no longer works\n");
  return exit_code::success;
}

result<int> agents_rotate_key(command_context& c) {
  auto reply = c.api.post(agent_path(c.args[0], "/rotate-key"), nullptr);
  if (!reply) return unexpected(reply.error());
  const json doc = {{"id", c.args[0]}, {"key", field_text(*reply, "key")}};
  print_result(c, doc, key_notice("new key for agent " + c.args[0] + "; the old key no longer works", doc["key"]));
  return exit_code::success;
}

}  // namespace brokkr::cli
