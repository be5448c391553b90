#include "broker_node/work_service.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "common/log.hpp"

namespace brokkr::broker {
namespace {

double seconds_between(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

void count_claim(metrics::registry& m, const work_item& w) {
  m.inc("brokkr_claims_total");
  if (w.claimed_at) m.observe("brokkr_queue_wait_seconds", {{"work_type", w.work_type}}, seconds_between(w.created_at, *w.claimed_at));
}

using persistence::fail;
using persistence::make_job;
using persistence::repositories;

unexpected<db_error> invalid(const validation_error& e) { return fail(errc::invalid_argument, e.message, e.field); }

// Work ids are UUIDs; anything else names no item (and must never reach SQL as text with a NUL).
status<db_error> known_id(const std::string& id) {
  if (!is_uuid(id)) return fail(errc::not_found, "no work item " + id.substr(0, 64) + " (ids are UUIDs)");
  return ok;
}

status<db_error> admin_only(const auth::identity& who) {
  if (!who.is_admin()) return fail(errc::forbidden, "this call requires an admin key");
  return ok;
}

bool visible_to(const auth::identity& who, const work_item& w) {
  if (who.is_admin() || w.claimed_by == who.agent_id) return true;
  for (const auto& a : w.target_agents)
    if (a == who.agent_id) return true;
  return false;
}

}  // namespace

work_service::work_service(std::shared_ptr<metrics::registry> metrics) : metrics_(std::move(metrics)) {}

void work_service::declare_metrics(metrics::registry& m) {
  using metrics::kind;
  m.declare("brokkr_work_items", kind::gauge, "Live (not deleted) work items by status, read at scrape time.");
  m.declare("brokkr_work_submitted_total", kind::counter, "Work items created through this broker, by work type.");
  m.declare("brokkr_claims_total", kind::counter, "Successful claims through this broker (HTTP and CAF alike).");
  m.declare("brokkr_completions_total", kind::counter, "Accepted completion reports, by reported outcome.");
  m.declare("brokkr_retries_total", kind::counter,
            "Runs that ended FAILED_RETRYABLE through this broker (reports and expiries).");
  m.declare("brokkr_queue_wait_seconds", kind::histogram,
            "From an item's creation to each claim of it, by work type (a retry's wait includes its earlier runs).",
            metrics::duration_buckets());
  m.declare("brokkr_run_duration_seconds", kind::histogram,
            "From a claim to its reported end, by work type and resulting status.", metrics::duration_buckets());
  m.declare("brokkr_end_to_end_seconds", kind::histogram,
            "From an item's creation to its final status, by work type and status.", metrics::duration_buckets());
  m.declare("brokkr_failures_total", kind::counter,
            "Failed runs by failure reason (reports and expiries); reasons beyond the first 100 count as Other.");
}

std::string failure_reason_label(const std::string& reason) {
  // Reasons come from the agents' decision tables (CamelCase words). The label set is bounded
  // anyway: a misbehaving agent inventing reasons must not grow the series without end.
  static std::mutex mutex;
  static std::set<std::string> seen;
  const bool shaped = !reason.empty() && reason.size() <= 64 &&
                      std::all_of(reason.begin(), reason.end(), [](unsigned char c) { return std::isalnum(c); });
  if (!shaped) return "Other";
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.count(reason) || seen.size() < max_failure_reasons) {
    seen.insert(reason);
    return reason;
  }
  return "Other";
}

expected<std::string, db_error> work_service::acting_agent(const auth::identity& who, const std::string& given) {
  if (who.is_admin()) {
    if (given.empty()) return fail(errc::invalid_argument, "agent_id is required with an admin key", "agent_id");
    if (!is_uuid(given)) return fail(errc::invalid_argument, "agent_id is not a UUID", "agent_id");
    return given;
  }
  if (!given.empty() && given != who.agent_id)
    return fail(errc::forbidden, "an agent key may only act as its own agent", "agent_id");
  return who.agent_id;
}

status<db_error> work_service::validate_report(const completion_report& r) {
  if (auto v = validate(r); !v) return invalid(v.error());
  return ok;
}

op<persistence::create_result> work_service::submit(const auth::identity& who, work_request req) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  if (auto v = validate(req); !v) return invalid(v.error());
  return make_job<persistence::create_result>("submit", [req = std::move(req), m = metrics_](repositories& r) {
    auto res = r.work.create(req);
    if (res && res->created) {
      m->inc("brokkr_work_submitted_total", {{"work_type", res->item.work_type}});
      log::debug("work", "submitted ", res->item.work_type, " ", res->item.id);
    }
    return res;
  });
}

op<work_item> work_service::get(const auth::identity& who, const std::string& id) const {
  if (auto k = known_id(id); !k) return unexpected(k.error());
  return make_job<work_item>("get", [who, id](repositories& r) -> persistence::db_result<work_item> {
    auto w = r.work.get(id);
    if (w && !visible_to(who, *w)) return fail(errc::forbidden, "work item " + id + " is not targeted at this agent");
    return w;
  });
}

op<work_page> work_service::list(const auth::identity& who, work_list_params p) const {
  if (!who.is_admin()) {
    if (!p.agent_id.empty() && p.agent_id != who.agent_id)
      return fail(errc::forbidden, "an agent may only list its own work", "agent_id");
    p.agent_id = who.agent_id;
  }
  if (!p.agent_id.empty() && !is_uuid(p.agent_id)) return fail(errc::invalid_argument, "agent_id is not a UUID", "agent_id");
  if (!p.after.empty() && !is_uuid(p.after))
    return fail(errc::invalid_argument, "cursor must be a cursor returned by a previous page", "cursor");
  if (p.limit < 1 || p.limit > 500) return fail(errc::invalid_argument, "limit must be between 1 and 500", "limit");
  if (auto t = validate_text("work_type", p.work_type); !t) return invalid(t.error());
  return make_job<work_page>("list", [p = std::move(p)](repositories& r) { return r.work.list(p); });
}

op<std::vector<work_event>> work_service::events(const auth::identity& who, const std::string& id, int64_t after,
                                                 int limit) const {
  if (auto k = known_id(id); !k) return unexpected(k.error());
  if (after < 0) return fail(errc::invalid_argument, "after must be an event id (0 or more)", "after");
  if (limit < 1 || limit > 1000) return fail(errc::invalid_argument, "limit must be between 1 and 1000", "limit");
  return make_job<std::vector<work_event>>(
      "events", [who, id, after, limit](repositories& r) -> persistence::db_result<std::vector<work_event>> {
        // The item first: an unknown (or purged) id is a 404, not an empty history.
        auto w = r.work.get(id);
        if (!w) return unexpected(w.error());
        if (!visible_to(who, *w)) return fail(errc::forbidden, "work item " + id + " is not targeted at this agent");
        return r.work.events(id, after, limit);
      });
}

op<persistence::cancel_result> work_service::cancel(const auth::identity& who, const std::string& id) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  if (auto k = known_id(id); !k) return unexpected(k.error());
  return make_job<persistence::cancel_result>("cancel", [id](repositories& r) { return r.work.cancel(id); });
}

op<persistence::create_result> work_service::retry(const auth::identity& who, const std::string& id) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  if (auto k = known_id(id); !k) return unexpected(k.error());
  return make_job<persistence::create_result>("retry", [id, m = metrics_](repositories& r) {
    auto res = r.work.retry(id);
    if (res) {
      m->inc("brokkr_work_submitted_total", {{"work_type", res->item.work_type}});
      log::info("work", "retry of ", id, " submitted as ", res->item.id);
    }
    return res;
  });
}

op<std::vector<work_item>> work_service::pending(const auth::identity& who, const std::string& agent_id,
                                                 int limit) const {
  auto agent = acting_agent(who, agent_id);
  if (!agent) return unexpected(agent.error());
  if (limit < 1 || limit > 500) return fail(errc::invalid_argument, "limit must be between 1 and 500", "limit");
  return make_job<std::vector<work_item>>(
      "pending", [agent = *agent, limit](repositories& r) { return r.work.pending_for_agent(agent, limit); });
}

op<std::vector<work_item>> work_service::held(const auth::identity& who, const std::string& agent_id) const {
  auto agent = acting_agent(who, agent_id);
  if (!agent) return unexpected(agent.error());
  return make_job<std::vector<work_item>>("held", [agent = *agent](repositories& r) { return r.work.claimed_by_agent(agent); });
}

op<work_item> work_service::claim(const auth::identity& who, const std::string& id, const std::string& agent_id) const {
  auto agent = acting_agent(who, agent_id);
  if (!agent) return unexpected(agent.error());
  if (auto k = known_id(id); !k) return unexpected(k.error());
  return make_job<work_item>("claim", [id, agent = *agent, m = metrics_](repositories& r) {
    auto w = r.work.claim(id, agent);
    if (w) count_claim(*m, *w);
    return w;
  });
}

op<std::vector<work_item>> work_service::claim_next(const auth::identity& who, const std::string& agent_id,
                                                    std::vector<std::string> work_types, int limit) const {
  auto agent = acting_agent(who, agent_id);
  if (!agent) return unexpected(agent.error());
  if (limit < 1 || limit > max_claim_batch)
    return fail(errc::invalid_argument, "limit must be between 1 and " + std::to_string(max_claim_batch), "limit");
  for (size_t i = 0; i < work_types.size(); ++i)
    if (auto t = validate_text("work_types[" + std::to_string(i) + "]", work_types[i]); !t) return invalid(t.error());
  return make_job<std::vector<work_item>>(
      "claim_next", [agent = *agent, types = std::move(work_types), limit, m = metrics_](repositories& r) {
        auto items = r.work.claim_next(agent, types, limit);
        if (items)
          for (const auto& w : *items) count_claim(*m, w);
        return items;
      });
}

namespace {

// Heartbeats waiting in the pool's queue together are written in one statement (group commit).
std::vector<persistence::db_result<persistence::heartbeat_result>> heartbeat_group(
    repositories& r, const std::vector<const persistence::heartbeat_request*>& jobs) {
  std::vector<persistence::heartbeat_request> requests;
  requests.reserve(jobs.size());
  for (const auto* j : jobs) requests.push_back(*j);
  auto results = r.work.heartbeat_many(requests);
  if (!results) return {jobs.size(), unexpected(results.error())};
  return std::move(*results);
}

}  // namespace

op<persistence::heartbeat_result> work_service::heartbeat(const auth::identity& who, const std::string& id,
                                                          const std::string& agent_id, int attempt) const {
  auto agent = acting_agent(who, agent_id);
  if (!agent) return unexpected(agent.error());
  if (auto k = known_id(id); !k) return unexpected(k.error());
  return brokkr::make_grouped_job<persistence::heartbeat_result, persistence::heartbeat_request, repositories, db_error,
                                  &heartbeat_group>("heartbeat", persistence::heartbeat_request{id, *agent, attempt});
}

namespace {

void count_completion(metrics::registry& m, const completion_report& report, const work_item& w) {
  m.inc("brokkr_completions_total", {{"outcome", std::string(to_string(report.outcome))}});
  if (w.status == work_status::failed_retryable) m.inc("brokkr_retries_total");
  const std::string status(to_string(w.status));
  const auto ended = w.completed_at.value_or(std::chrono::system_clock::now());
  if (w.claimed_at)
    m.observe("brokkr_run_duration_seconds", {{"work_type", w.work_type}, {"status", status}}, seconds_between(*w.claimed_at, ended));
  if (is_terminal(w.status) && w.completed_at)
    m.observe("brokkr_end_to_end_seconds", {{"work_type", w.work_type}, {"status", status}},
              seconds_between(w.created_at, *w.completed_at));
  if ((w.status == work_status::failed_retryable || w.status == work_status::failed_permanent) &&
      report.outcome != work_outcome::completed)
    m.inc("brokkr_failures_total", {{"reason", failure_reason_label(report.failure_reason.empty() ? "Failed" : report.failure_reason)}});
}

// One completion waiting in the pool's queue; concurrent ones are written together (group commit).
struct completion_job {
  completion_report report;
  std::shared_ptr<metrics::registry> metrics;
};

// Writes a group of completions in as few transactions as the repository's batch allows: one,
// unless the same item is reported twice, when the later report goes into a later round, so that
// it is judged after the first exactly as if they had come one after the other.
std::vector<persistence::db_result<work_item>> complete_group(repositories& r, const std::vector<const completion_job*>& jobs) {
  std::vector<persistence::db_result<work_item>> out(jobs.size(), unexpected(db_error{errc::internal, "not written", {}}));
  std::vector<size_t> left(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) left[i] = i;
  while (!left.empty()) {
    std::vector<size_t> round, later;
    std::set<std::string> ids;
    for (auto i : left) (ids.insert(jobs[i]->report.work_id).second ? round : later).push_back(i);
    std::vector<completion_report> reports;
    reports.reserve(round.size());
    for (auto i : round) reports.push_back(jobs[i]->report);
    auto results = r.work.complete_many(reports);
    for (size_t k = 0; k < round.size(); ++k) {
      const auto i = round[k];
      if (!results) {
        out[i] = unexpected(results.error());
        continue;
      }
      auto& res = (*results)[k];
      if (res.error) {
        out[i] = unexpected(std::move(*res.error));
        continue;
      }
      count_completion(*jobs[i]->metrics, jobs[i]->report, res.item);
      out[i] = std::move(res.item);
    }
    left = std::move(later);
  }
  return out;
}

}  // namespace

op<work_item> work_service::complete(const auth::identity& who, completion_report report) const {
  auto agent = acting_agent(who, report.agent_id);
  if (!agent) return unexpected(agent.error());
  report.agent_id = *agent;
  if (auto k = known_id(report.work_id); !k) return unexpected(k.error());
  if (auto v = validate_report(report); !v) return unexpected(v.error());
  return brokkr::make_grouped_job<work_item, completion_job, repositories, db_error, &complete_group>(
      "complete", completion_job{std::move(report), metrics_});
}

op<std::vector<completion_ack>> work_service::complete_many(const auth::identity& who,
                                                           std::vector<completion_report> reports) const {
  if (reports.empty()) return fail(errc::invalid_argument, "reports must hold at least one report", "reports");
  if (reports.size() > max_completion_batch)
    return fail(errc::invalid_argument, "at most " + std::to_string(max_completion_batch) + " reports per batch",
                  "reports");
  for (size_t i = 0; i < reports.size(); ++i) {
    auto agent = acting_agent(who, reports[i].agent_id);
    if (!agent) {
      auto e = agent.error();
      e.field = "reports[" + std::to_string(i) + "].agent_id";
      return unexpected(e);
    }
    reports[i].agent_id = *agent;
  }
  return make_job<std::vector<completion_ack>>(
      "complete_many", [reports = std::move(reports), m = metrics_](repositories& r)
                           -> persistence::db_result<std::vector<completion_ack>> {
        auto results = r.work.complete_many(reports);
        if (!results) return unexpected(results.error());
        std::vector<completion_ack> acks;
        acks.reserve(results->size());
        for (size_t i = 0; i < results->size(); ++i) {
          auto& res = (*results)[i];
          completion_ack a{res.work_id, 0, {}, res.item.status};
          if (res.error) {
            a.code = static_cast<uint8_t>(res.error->code);
            a.message = res.error->message;
          } else {
            count_completion(*m, reports[i], res.item);
          }
          acks.push_back(std::move(a));
        }
        return acks;
      });
}

op<std::vector<work_event>> work_service::all_events(const auth::identity& who, int64_t after, int limit) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  if (after < 0) return fail(errc::invalid_argument, "after must be an event id (0 or more)", "after");
  if (limit < 1 || limit > 1000) return fail(errc::invalid_argument, "limit must be between 1 and 1000", "limit");
  return make_job<std::vector<work_event>>(
      "events_since", [after, limit](repositories& r) { return r.work.events_since(after, limit); });
}

op<std::vector<work_summary_row>> work_service::summary(const auth::identity& who) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  return make_job<std::vector<work_summary_row>>("summary", [](repositories& r) { return r.work.summary(); });
}

op<std::map<work_status, int64_t>> work_service::counts() const {
  return make_job<std::map<work_status, int64_t>>("count_by_status", [](repositories& r) { return r.work.count_by_status(); });
}

}  // namespace brokkr::broker
