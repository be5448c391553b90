#include "agent_node/dispatcher.hpp"

#include <caf/all.hpp>

#include <utility>

#include <map>

#include "actors/caf_errors.hpp"
#include "common/backoff.hpp"
#include "common/log.hpp"

namespace brokkr::agent {
namespace {

struct running_item {
  handler_actor handler;
  int attempt = 0;
  std::string work_type;
  std::chrono::milliseconds heartbeat_every{10000};
  bool canceling = false;
  bool lost = false;  // the claim is gone: the handler stops and its report is dropped
};

struct pending_report {
  completion_report report;
  backoff retry;
};

struct dispatcher_state {
  static inline const char* name = "dispatcher";
  dispatcher_config cfg;
  broker_link_actor link;
  handler_context ctx;
  std::shared_ptr<metrics::registry> metrics;
  std::map<std::string, running_item> running;
  std::map<std::string, pending_report> reports;
  bool claiming = false;
  bool claim_again = false;
  // Until the first answer of `held`, a log request may be for work this (restarted) agent is
  // about to re-attach to; while a claim is in flight, for work the broker already counts as
  // claimed by us but whose handler starts only when the answer arrives. Such requests wait here
  // and are routed after it.
  bool synced = false;
  std::vector<log_stream_request> parked;
};

using self_ptr = dispatcher_actor::stateful_pointer<dispatcher_state>;

void fill(self_ptr self);
void release_parked(self_ptr self);
void report(self_ptr self, const std::string& id);

void update_gauge(self_ptr self) {
  self->state.metrics->set("brokkr_agent_running_work", {}, static_cast<double>(self->state.running.size()));
}

// Queues a report and sends it; it is retried with backoff until the broker answers for it.
void queue_report(self_ptr self, completion_report r) {
  auto& st = self->state;
  const auto id = r.work_id;
  st.reports.insert_or_assign(
      id, pending_report{std::move(r), reconnect_backoff(st.cfg.report_retry_min, st.cfg.report_retry_max)});
  report(self, id);
}

void start_handler(self_ptr self, const work_item& w) {
  auto& st = self->state;
  auto f = st.cfg.handlers.find(w.work_type);
  if (f == st.cfg.handlers.end()) {
    // Claimed work of a type this agent cannot run (its --work-types changed): hand it back as retryable.
    return queue_report(self, completion_report{w.id, {}, w.attempt, work_outcome::failed_retryable, "UnsupportedWorkType",
                                                "this agent does not run work type " + w.work_type, ""});
  }
  auto ctx = st.ctx;
  ctx.dispatcher = caf::actor_cast<handler_sink_actor>(self);
  auto h = f->second(self->system(), ctx, w);
  self->monitor(h);
  const auto every = std::chrono::milliseconds(std::max(1000, w.lease_seconds * 1000 / 3));
  st.running[w.id] = running_item{h, w.attempt, w.work_type, every};
  self->delayed_send(self, every, heartbeat_atom::value, w.id, static_cast<int32_t>(w.attempt));
  update_gauge(self);
  log::info("dispatcher", "running ", w.work_type, " ", w.id, " (attempt ", w.attempt, ")");
}

// Claims what the free slots hold, in one call, until they are full or nothing is claimable.
void fill(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.enabled) return;
  if (st.claiming) {
    st.claim_again = true;
    return;
  }
  const int free = st.cfg.max_concurrent - static_cast<int>(st.running.size());
  if (free <= 0) return;
  st.claiming = true;
  self->request(st.link, std::chrono::seconds(30), claimnext_atom::value, st.cfg.work_types,
                static_cast<int32_t>(std::min(free, max_claim_batch)))
      .then(
          [self](std::vector<work_item>& items) {
            auto& st = self->state;
            st.claiming = false;
            if (!items.empty()) {
              st.metrics->inc("brokkr_agent_claims_total", {}, static_cast<double>(items.size()));
              for (const auto& w : items) start_handler(self, w);
              release_parked(self);
              return fill(self);
            }
            release_parked(self);
            if (st.claim_again) {
              st.claim_again = false;
              fill(self);
            }
          },
          [self](caf::error& e) {
            // Said, because a claim the broker made but whose answer was lost shows up later only
            // as that item's claim expiring.
            log::warn("dispatcher", "claiming work failed (", message_of(e), "); the next offer or poll tries again");
            self->state.claiming = false;
            self->state.claim_again = false;
            release_parked(self);
          });
}

void cancel_running(self_ptr self, const std::string& id, bool lost) {
  auto it = self->state.running.find(id);
  if (it == self->state.running.end()) return;
  it->second.lost = it->second.lost || lost;
  if (it->second.canceling) return;
  it->second.canceling = true;
  // Said once per run: what follows (the handler's cancel, its report) is logged by the handler.
  log::info("dispatcher", lost ? "no longer holding " : "cancel requested for ", id, "; stopping its handler");
  self->send(it->second.handler, cancel_atom::value);
}

// A refusal for this claim means the broker took it back: stop, or drop the report.
bool claim_lost(const caf::error& e) {
  const auto code = code_of(e);
  return code == errc::conflict || code == errc::not_found || code == errc::forbidden;
}

void heartbeat(self_ptr self, const std::string& id, int32_t attempt) {
  auto it = self->state.running.find(id);
  if (it == self->state.running.end() || it->second.attempt != attempt) return;
  self->request(self->state.link, std::chrono::seconds(15), heartbeat_atom::value, id, attempt)
      .then(
          [self, id](bool cancel_requested) {
            if (cancel_requested) cancel_running(self, id, false);
          },
          [self, id](caf::error& e) {
            if (!claim_lost(e)) return;
            log::warn("dispatcher", "lost the claim of ", id, " (", message_of(e), "); stopping its handler");
            cancel_running(self, id, true);
          });
  self->delayed_send(self, it->second.heartbeat_every, heartbeat_atom::value, id, attempt);
}

void report(self_ptr self, const std::string& id) {
  auto it = self->state.reports.find(id);
  if (it == self->state.reports.end()) return;
  self->request(self->state.link, std::chrono::seconds(30), complete_atom::value, it->second.report)
      .then(
          [self, id](work_item& w) {
            self->state.reports.erase(id);
            self->state.metrics->inc("brokkr_agent_reports_total", {{"status", std::string(to_string(w.status))}});
            log::info("dispatcher", "reported ", id, ": ", to_string(w.status));
          },
          [self, id](caf::error& e) {
            auto& st = self->state;
            if (claim_lost(e)) {
              // A stale attempt: the broker took the claim back; nothing to report any more.
              log::info("dispatcher", "report for ", id, " refused (", message_of(e), "); dropping it");
              st.reports.erase(id);
              return;
            }
            auto r = st.reports.find(id);
            if (r == st.reports.end()) return;
            st.metrics->inc("brokkr_agent_report_retries_total");
            self->delayed_send(self, r->second.retry.next(), complete_atom::value, id);
          });
}

void route_log_request(self_ptr self, log_stream_request req) {
  auto& st = self->state;
  if (auto it = st.running.find(req.work_id); it != st.running.end() && !it->second.lost)
    return self->send(it->second.handler, logs_atom::value, std::move(req));
  if ((!st.synced || st.claiming) && st.parked.size() < 64) return st.parked.push_back(std::move(req));
  if (st.ctx.logs)
    self->send(st.ctx.logs, logend_atom::value, std::move(req),
               std::string("this agent does not run the item (it ended here, or was never started)"));
}

void release_parked(self_ptr self) {
  auto& st = self->state;
  if (!st.synced || st.claiming) return;
  for (auto& req : std::exchange(st.parked, {})) route_log_request(self, std::move(req));
}

void synced(self_ptr self) {
  self->state.synced = true;
  release_parked(self);
}

// After (re)connecting: run what the broker says we hold; stop what we run but no longer hold.
void resync(self_ptr self) {
  self->request(self->state.link, std::chrono::seconds(30), held_atom::value)
      .then(
          [self](std::vector<work_item>& held) {
            auto& st = self->state;
            std::map<std::string, const work_item*> by_id;
            for (const auto& w : held) by_id[w.id] = &w;
            for (auto& [id, r] : st.running) {
              auto it = by_id.find(id);
              if (it == by_id.end() || it->second->attempt != r.attempt) cancel_running(self, id, true);
            }
            for (const auto& w : held)
              if (!st.running.count(w.id) && !st.reports.count(w.id)) {
                log::info("dispatcher", "re-attaching to ", w.work_type, " ", w.id, " (attempt ", w.attempt, ")");
                start_handler(self, w);
              }
            synced(self);
            fill(self);
          },
          [self](caf::error&) {
            synced(self);
            fill(self);
          });
}

// A handler that died without reporting: the run is in an unknown state, so retry it.
void handler_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto it = st.running.begin(); it != st.running.end(); ++it) {
    if (it->second.handler.address() != dm.source) continue;
    log::error("dispatcher", "handler for ", it->first, " died: ", self->system().render(dm.reason));
    const auto id = it->first;
    const auto attempt = it->second.attempt;
    const bool lost = it->second.lost;
    st.running.erase(it);
    update_gauge(self);
    if (!lost)
      queue_report(self, completion_report{id, {}, attempt, work_outcome::failed_retryable, "AgentHandlerFailed",
                                           "the agent's handler failed: " + self->system().render(dm.reason), ""});
    fill(self);
    return;
  }
}

dispatcher_actor::behavior_type dispatcher(self_ptr self, dispatcher_config cfg, broker_link_actor link,
                                           handler_context ctx, std::shared_ptr<metrics::registry> metrics) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.link = std::move(link);
  st.ctx = std::move(ctx);
  st.metrics = std::move(metrics);
  self->set_down_handler([self](caf::down_msg& dm) { handler_down(self, dm); });
  // On shutdown the handlers stop with us; their BuildRuns keep running and a restarted agent
  // re-attaches to them.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [id, r] : self->state.running) self->send_exit(r.handler, em.reason);
    self->quit(em.reason);
  });
  self->send(st.link, caf::subscribe_atom::value, caf::actor_cast<link_listener_actor>(self));
  self->delayed_send(self, st.cfg.poll_interval, caf::tick_atom::value);
  return {
      [self](available_atom, std::string&) { fill(self); },
      [self](cancel_atom, std::string& id) { cancel_running(self, id, false); },
      [self](logs_atom, log_stream_request& req) { route_log_request(self, std::move(req)); },
      [self](resync_atom) { resync(self); },
      [self](caf::tick_atom) {
        fill(self);
        self->delayed_send(self, self->state.cfg.poll_interval, caf::tick_atom::value);
      },
      [self](heartbeat_atom, std::string& id, int32_t attempt) { heartbeat(self, id, attempt); },
      [self](done_atom, completion_report& r) {
        auto& st = self->state;
        auto it = st.running.find(r.work_id);
        if (it == st.running.end() || it->second.attempt != r.attempt) return;
        const bool lost = it->second.lost;
        self->demonitor(it->second.handler.address());
        st.running.erase(it);
        update_gauge(self);
        st.metrics->inc("brokkr_agent_outcomes_total", {{"outcome", std::string(to_string(r.outcome))}});
        if (!lost) queue_report(self, std::move(r));
        fill(self);
      },
      [self](complete_atom, std::string& id) { report(self, id); },
      [self](stats_atom) -> uint64_t { return self->state.running.size(); },
  };
}

}  // namespace

void declare_agent_metrics(metrics::registry& m) {
  using metrics::kind;
  m.declare("brokkr_agent_claims_total", kind::counter, "Work items this agent claimed.");
  m.declare("brokkr_agent_outcomes_total", kind::counter, "Runs finished by this agent, by outcome.");
  m.declare("brokkr_agent_reports_total", kind::counter, "Outcome reports the broker accepted, by resulting status.");
  m.declare("brokkr_agent_report_retries_total", kind::counter, "Outcome reports retried because the broker did not answer.");
  m.declare("brokkr_agent_running_work", kind::gauge, "Work items running on this agent now.");
  m.declare("brokkr_agent_broker_connected", kind::gauge, "1 while the broker is reachable.");
  m.declare("brokkr_agent_kubernetes_reachable", kind::gauge, "1 while the Kubernetes API answers.");
}

dispatcher_actor spawn_dispatcher(caf::actor_system& sys, dispatcher_config cfg, broker_link_actor link,
                                  handler_context ctx, std::shared_ptr<metrics::registry> metrics) {
  return sys.spawn(dispatcher, std::move(cfg), std::move(link), std::move(ctx), std::move(metrics));
}

}  // namespace brokkr::agent
