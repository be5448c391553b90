// The command catalog: every `brokkr <group> <verb>`, its arguments, flags and handler. The
// parser, --help and docs/cli.md all follow this list.
#include "cli/agent_commands.hpp"
#include "cli/command_spec.hpp"
#include "cli/tool_commands.hpp"
#include "cli/work_commands.hpp"

namespace brokkr::cli {
namespace {

using config::kind;
using config::option;

option flag(std::string name, std::string help, kind type = kind::string) {
  return {.name = std::move(name), .help = std::move(help), .type = type};
}

command_spec submit_spec() {
  return {"work",
          "submit",
          "-f FILE --type TYPE",
          "Submit a work item (the spec file's text is its crd_spec)",
          0,
          0,
          {flag("file", "spec file (Shipwright Build manifest, YAML or JSON); - reads standard input"),
           flag("type", "work type, e.g. shipwright-build"),
           flag("label", "target agents having this label (all labels, or any with --match any)", kind::list),
           flag("annotation", "target agents having this annotation, KEY=VALUE", kind::list),
           flag("agent", "target this agent id", kind::list), flag("match", "label matching: all (default) or any"),
           flag("max-retries", "retries after a retryable failure (broker default 3)", kind::integer),
           flag("ttl", "keep the finished item this long, e.g. 3600 or 1h (broker default 1h)", kind::duration),
           flag("claim-timeout", "longest time one attempt may hold its claim (broker default 1h)", kind::duration),
           flag("backoff-base", "first retry delay; doubles per retry (broker default 30s)", kind::duration),
           flag("idempotency-key", "a second submit with this key returns the existing live item"),
           flag("priority", "higher is claimed first, -1000..1000 (default 0)", kind::integer),
           flag("work-label", "label the item itself, KEY=VALUE, to find it with -l (not used for targeting)",
                kind::list),
           flag("wait", "show each transition, then the final item; exit code tells the outcome", kind::boolean)},
          {{"work_type", "--type"},
           {"crd_spec", "-f"},
           {"targets.agent_ids", "--agent"},
           {"targets.labels", "--label"},
           {"targets.annotations", "--annotation"},
           {"targets.match", "--match"},
           {"targets", "--label, --annotation or --agent"},
           {"max_retries", "--max-retries"},
           {"ttl_seconds", "--ttl"},
           {"claim_timeout_seconds", "--claim-timeout"},
           {"backoff_base_seconds", "--backoff-base"},
           {"lease_seconds", "--claim-timeout"},
           {"idempotency_key", "--idempotency-key"},
           {"priority", "--priority"},
           {"labels", "--work-label"}},
          work_submit};
}

std::vector<command_spec> work_commands() {
  return {
      submit_spec(),
      {"work", "get", "ID", "Show a work item", 1, 1, {}, {}, work_get},
      {"work", "list", "", "List work items, newest first", 0, 0,
       {flag("status", "only these statuses, comma-separated (PENDING, CLAIMED, COMPLETED, ...)"),
        flag("type", "only this work type"), flag("agent", "only work claimed by or targeted at this agent id"),
        flag("selector", "-l: only items whose labels match, e.g. team=web,tier!=db,env in (a,b)"),
        flag("limit", "items per page, 1..500 (broker default 50)", kind::integer),
        flag("all", "read every page, not only the first", kind::boolean),
        flag("watch", "-w: after the list, print a row each time a listed item changes (until interrupted)",
             kind::boolean),
        flag("watch-interval", "how often -w asks the broker (default 1s)", kind::duration)},
       {{"status", "--status"},
        {"work_type", "--type"},
        {"agent_id", "--agent"},
        {"limit", "--limit"},
        {"labelSelector", "-l"}},
       work_list},
      {"work", "events", "ID", "Show a work item's transitions", 1, 1,
       {flag("follow", "keep streaming transitions until the item is finished", kind::boolean)}, {}, work_events},
      {"work", "cancel", "ID | -l SELECTOR",
       "Cancel a work item, or every unfinished item whose labels match (a claimed one is stopped by its agent)",
       0, 1, {flag("selector", "-l: cancel every unfinished item whose labels match this selector")},
       {{"labelSelector", "-l"}}, work_cancel},
      {"work", "logs", "ID", "Print a run's log: the stored tail, or with -f the live log while it runs", 1, 1,
       {flag("follow", "-f: stream the live log until the step ends (waits for a PENDING item to be claimed)",
             kind::boolean),
        flag("step", "with -f: the step to follow (default: the build step), e.g. source-default")},
       {}, work_logs},
      {"work", "retry", "ID", "Submit a FAILED_PERMANENT or CANCELED item again, as a new item linked to it", 1, 1,
       {flag("wait", "show each transition of the new item, then the item; exit code tells the outcome",
             kind::boolean)},
       {}, work_retry},
  };
}

std::vector<command_spec> agent_commands() {
  const std::vector<std::pair<std::string, std::string>> create_fields = {
      {"name", "NAME"}, {"cluster_name", "--cluster"}, {"labels", "--label"}, {"annotations", "--annotation"}};
  return {
      {"agents", "create", "NAME", "Register an agent and print its API key (shown once)", 1, 1,
       {flag("cluster", "name of the cluster the agent runs in"), flag("label", "agent label", kind::list),
        flag("annotation", "agent annotation, KEY=VALUE", kind::list),
        flag("inactive", "create it INACTIVE (offered no work until activated)", kind::boolean)},
       create_fields, agents_create},
      {"agents", "list", "", "List agents (every page)", 0, 0,
       {flag("label", "only agents having this label"),
        flag("selector", "-l: the same as --label (agents carry plain labels, not KEY=VALUE)"),
        flag("status", "only ACTIVE or INACTIVE agents")},
       {{"status", "--status"}, {"label", "--label"}}, agents_list},
      {"agents", "get", "ID", "Show an agent", 1, 1, {}, {}, agents_get},
      {"agents", "label", "ID LABEL...", "Add labels to an agent", 2, any_number, {}, {{"labels", "LABEL"}},
       agents_label},
      {"agents", "unlabel", "ID LABEL...", "Remove labels from an agent", 2, any_number, {}, {}, agents_unlabel},
      {"agents", "annotate", "ID [KEY=VALUE...]", "Set or remove (--remove KEY) an agent's annotations", 1,
       any_number, {flag("remove", "remove this annotation", kind::list)}, {{"annotations", "KEY=VALUE"}},
       agents_annotate},
      {"agents", "activate", "ID", "Let an agent claim work again", 1, 1, {}, {}, agents_activate},
      {"agents", "deactivate", "ID", "Stop offering work to an agent", 1, 1, {}, {}, agents_deactivate},
      {"agents", "delete", "ID", "Delete an agent; its key stops working", 1, 1, {}, {}, agents_delete},
      {"agents", "rotate-key", "ID", "Give an agent a new key (shown once); the old one stops working", 1, 1, {},
       {}, agents_rotate_key},
  };
}

std::vector<command_spec> tool_commands() {
  command_spec version{"version", "", "", "Show the client's version and the server's (GET /version)", 0, 0,
                       {}, {}, show_version};
  version.needs_server = false;
  version.needs_key = false;
  command_spec completion{"completion", "", "bash|zsh|fish", "Print a shell completion script", 1, 1, {}, {},
                          print_completion};
  completion.needs_server = false;
  completion.needs_key = false;
  return {version, completion};
}

}  // namespace

std::string command_name(const command_spec& spec) {
  return "brokkr " + spec.group + (spec.verb.empty() ? "" : " " + spec.verb);
}

const std::vector<command_spec>& command_catalog() {
  static const std::vector<command_spec> all = [] {
    auto out = work_commands();
    for (auto& c : agent_commands()) out.push_back(std::move(c));
    for (auto& c : tool_commands()) out.push_back(std::move(c));
    return out;
  }();
  return all;
}

}  // namespace brokkr::cli
