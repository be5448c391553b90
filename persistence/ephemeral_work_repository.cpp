#include "persistence/ephemeral_work_repository.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "actors/work_status.hpp"
#include "common/time.hpp"
#include "k8s/selector.hpp"
#include "persistence/connection.hpp"
#include "persistence/pg_types.hpp"
#include "persistence/rows.hpp"

namespace brokkr::persistence {
namespace {

using opt_text = std::optional<std::string>;

opt_text null_if_empty(const std::string& s) { return s.empty() ? opt_text{} : opt_text{s}; }

// PostgreSQL returns a UUID in lower case; where a statement's rows are matched back to what was
// asked (group commit), the ids asked for are compared in that form, so that an id sent in upper
// case is found as any other statement finds it.
std::string canonical_uuid(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<work_item> read_items(const pqxx::result& r) {
  std::vector<work_item> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_work_item(row));
  return out;
}

std::vector<std::string> read_ids(const pqxx::result& r) {
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(row[0].as<std::string>());
  return out;
}

claim_snapshot read_snapshot(const pqxx::row& r) {
  claim_snapshot s;
  s.status = parse_work_status(r["status"].as<std::string>()).value_or(work_status::pending);
  s.claimed_by = text_or_empty(r["claimed_by"]);
  s.attempt = r["attempt"].as<int>();
  s.retry_count = r["retry_count"].as<int>();
  s.max_retries = r["max_retries"].as<int>();
  s.backoff_base = seconds(r["backoff_base_seconds"].as<int>());
  s.cancel_requested = r["cancel_requested"].as<bool>();
  return s;
}

// Column arrays for ephemeral_work_apply_transitions.
struct transition_batch {
  std::vector<std::string> ids;
  std::vector<int> attempts;
  std::vector<opt_text> claimers;  // as decided on; NULL: the claimer's agent was deleted
  std::vector<std::string> statuses;
  std::vector<opt_text> retry_counts;  // NULL keeps the column
  std::vector<opt_text> retry_after;
  std::vector<bool> ends;
  std::vector<opt_text> reasons;
  std::vector<opt_text> messages;
  std::vector<opt_text> details;
  std::vector<opt_text> cancel_requested;  // as decided on (a request since voids the decision); NULL: not read

  void add(const std::string& id, const claim_snapshot& decided_on, const transition& t,
           const std::string& result_details) {
    push(id, decided_on.attempt, decided_on.claimed_by, t, result_details);
    cancel_requested.emplace_back(decided_on.cancel_requested ? "true" : "false");
  }

  // A decision made on the claim alone (decide_completion_on_claim): fenced by the reporter's claim
  // and by nothing it did not read.
  void add_on_claim(const completion_report& p, const transition& t) {
    push(p.work_id, p.attempt, p.agent_id, t, p.result_details);
    cancel_requested.emplace_back();
  }

  std::vector<work_item> apply(pqxx::transaction_base& tx) const {
    if (ids.empty()) return {};
    return read_items(tx.exec_prepared("ephemeral_work_apply_transitions", pg_array(ids),
                                       pg_array(attempts), pg_array(statuses), pg_array(retry_counts),
                                       pg_array(retry_after), pg_array(ends), pg_array(reasons),
                                       pg_array(messages), pg_array(details), pg_array(cancel_requested),
                                       pg_array(claimers)));
  }

 private:
  void push(const std::string& id, int attempt, const std::string& claimer, const transition& t,
            const std::string& result_details) {
    ids.push_back(id);
    attempts.push_back(attempt);
    claimers.push_back(null_if_empty(claimer));
    statuses.emplace_back(to_string(t.to));
    retry_counts.push_back(t.retry_count ? opt_text{std::to_string(*t.retry_count)} : opt_text{});
    retry_after.push_back(t.retry_after ? opt_text{std::to_string(t.retry_after->count())} : opt_text{});
    ends.push_back(t.ends_item);
    reasons.push_back(null_if_empty(t.failure_reason));
    messages.push_back(null_if_empty(t.result_message));
    details.push_back(null_if_empty(result_details));
  }
};

// Locks stale claims (skipping rows another broker holds), decides each with the database's
// clock, and writes the decisions; the caller commits.
// `why`, when given, replaces the message the row's deadlines would give.
std::vector<work_item> expire_locked(pqxx::transaction_base& tx, const std::vector<std::string>& only,
                                     int limit, seconds backoff_cap, const std::string& why = {}) {
  const opt_text filter = only.empty() ? opt_text{} : opt_text{pg_array(only)};
  const auto rows = tx.exec_prepared("ephemeral_work_lock_stale_claims", filter, limit);
  transition_batch batch;
  for (const auto& r : rows) {
    const auto now = parse_pg_timestamp(r["db_now"].as<std::string>());
    const auto cause = stale_claim_cause(optional_time(r["lease_expires_at"]),
                                         optional_time(r["claim_deadline"]), now);
    const auto message = !why.empty() ? why
                                      : stale_claim_message(cause, r["lease_seconds"].as<int>(),
                                                            r["claim_timeout_seconds"].as<int>());
    const auto snapshot = read_snapshot(r);
    const auto t = decide_failure(snapshot, reason_claim_expired, message, backoff_cap);
    batch.add(r["id"].as<std::string>(), snapshot, t, {});
  }
  return batch.apply(tx);
}

db_error refusal_error(completion_refusal why, const claim_snapshot& snapshot) {
  return db_error{why == completion_refusal::not_claimer ? db_errc::forbidden : db_errc::conflict,
                  std::string("completion refused: ") + to_string(why) + " (item is " +
                      std::string(to_string(snapshot.status)) + ", attempt " + std::to_string(snapshot.attempt) + ")",
                  {}};
}

// A completion alone in the pool's queue, without a transaction (ADR 0067, 0071): a success is
// written at once, fenced by the reporter's claim. Otherwise, or when that fence refuses it, read
// the decision's inputs, decide, and write fenced by what was read (status, attempt, claimer,
// cancel request) in one statement; a write the fence refuses means the item changed in between,
// and it is judged again.
// `p` has canonical ids; `asked` is the item's id as the report named it, for the messages.
void complete_alone(pqxx::transaction_base& n, const completion_report& p, const std::string& asked,
                    std::chrono::seconds backoff_cap, completion_result& res) {
  if (const auto on_claim = decide_completion_on_claim(p)) {
    transition_batch one;
    one.add_on_claim(p, *on_claim);
    if (auto written = one.apply(n); !written.empty()) {
      res.item = std::move(written.front());
      return;
    }
  }
  for (int round = 0; round < 10; ++round) {
    const auto rows = n.exec_prepared("ephemeral_work_completion_inputs", p.work_id);
    if (rows.empty()) {
      res.error = db_error{db_errc::not_found, "no work item " + asked, {}};
      return;
    }
    const auto snapshot = read_snapshot(rows[0]);
    const auto decision = decide_completion(snapshot, p, backoff_cap);
    if (!decision) {
      res.error = refusal_error(decision.error(), snapshot);
      return;
    }
    transition_batch one;
    one.add(p.work_id, snapshot, *decision, p.result_details);
    if (auto written = one.apply(n); !written.empty()) {
      res.item = std::move(written.front());
      return;
    }
  }
  res.error = db_error{db_errc::conflict, "work item " + asked + " kept changing; report again", {}};
}

db_result<ok_t> validate_completion(const completion_report& p) {
  if (auto v = validate(p); !v) return fail(db_errc::invalid_argument, v.error().message, v.error().field);
  return ok;
}

// A label selector as the two parameters of ephemeral_work_list: every term as JSON for
// ephemeral_work_labels_match, and the equality terms as one object for the GIN index's @>.
struct selector_sql {
  std::string terms;  // empty: no selector
  std::string equal;
};

db_result<selector_sql> selector_params(const std::string& text) {
  selector_sql out;
  if (text.empty()) return out;
  // Label keys and values are ASCII by definition; anything else cannot match, and must not reach
  // the JSON writer (invalid UTF-8) or libpq (NUL).
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      return fail(db_errc::invalid_argument, "labelSelector may only contain printable ASCII", "labelSelector");
  auto parsed = k8s::label_selector::parse(text);
  if (!parsed) return fail(db_errc::invalid_argument, "labelSelector: " + parsed.error(), "labelSelector");
  if (parsed->empty()) return out;
  using op = k8s::label_requirement::op;
  nlohmann::json terms = nlohmann::json::array(), equal = nlohmann::json::object();
  for (const auto& r : parsed->requirements()) {
    const char* name = "in";
    switch (r.operation) {
      case op::equals:
        equal[r.key] = r.values.front();
        break;
      case op::in: break;
      case op::not_equals:
      case op::not_in: name = "notin"; break;
      case op::exists: name = "exists"; break;
      case op::not_exists: name = "!exists"; break;
    }
    terms.push_back({{"key", r.key}, {"op", name}, {"values", r.values}});
  }
  out.terms = terms.dump();
  out.equal = equal.dump();
  return out;
}

}  // namespace

status<db_error> check_label_selector(const std::string& text) {
  if (auto s = selector_params(text); !s) return unexpected(s.error());
  return ok;
}

ephemeral_work_repository::ephemeral_work_repository(db_connection& conn, work_queue_config cfg)
    : conn_(conn), cfg_(cfg) {}

db_result<create_result> ephemeral_work_repository::create(const work_request& req) {
  if (auto v = validate(req); !v) return fail(db_errc::invalid_argument, v.error().message, v.error().field);
  std::vector<std::string> labels = req.targets.labels;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  std::vector<std::string> ids = req.targets.agent_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::string> ann_keys, ann_values;
  for (const auto& [k, v] : req.targets.annotations) {
    ann_keys.push_back(k);
    ann_values.push_back(v);
  }
  return guarded([&]() -> db_result<create_result> {
    // One statement, so one transaction: a refusal below wrote nothing (migration 0012).
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared1(
        "ephemeral_work_submit", req.work_type, req.crd_spec, req.max_retries, req.claim_timeout_seconds,
        req.ttl_seconds, req.backoff_base_seconds, effective_lease_seconds(req), req.priority,
        null_if_empty(req.idempotency_key), std::string(to_string(req.targets.match)), nlohmann::json(req.labels).dump(),
        null_if_empty(req.retry_of), pg_array(ids), pg_array(labels), pg_array(ann_keys), pg_array(ann_values));
    if (!r["unknown_agent"].is_null()) {
      const auto bad = r["unknown_agent"].as<std::string>();
      const auto pos = std::find(req.targets.agent_ids.begin(), req.targets.agent_ids.end(), bad) -
                       req.targets.agent_ids.begin();
      const auto field = "targets.agent_ids[" + std::to_string(pos) + "]";
      return fail(db_errc::invalid_argument, field + ": no agent with id " + bad, field);
    }
    if (r["id"].is_null())  // the key's holder was deleted between the function's two statements
      return fail(db_errc::conflict, "idempotency_key is in use; retry", "idempotency_key");
    return create_result{read_work_item(r), r["created"].as<bool>()};
  });
}

db_result<work_item> ephemeral_work_repository::get(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no work item " + id);
  return guarded([&]() -> db_result<work_item> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("ephemeral_work_get", id);
    if (r.empty()) return fail(db_errc::not_found, "no work item " + id);
    return read_work_item(r[0]);
  });
}

db_result<create_result> ephemeral_work_repository::retry(const std::string& id) {
  auto old = get(id);
  if (!old) return unexpected(old.error());
  if (old->status != work_status::failed_permanent && old->status != work_status::canceled)
    return fail(db_errc::conflict,
                "work item " + id + " is " + std::string(to_string(old->status)) +
                    "; only FAILED_PERMANENT or CANCELED items can be retried",
                "status");
  work_request req;
  req.work_type = old->work_type;
  req.crd_spec = old->crd_spec;
  req.targets = old->targets;
  req.max_retries = old->max_retries;
  req.claim_timeout_seconds = old->claim_timeout_seconds;
  req.ttl_seconds = old->ttl_seconds;
  req.backoff_base_seconds = old->backoff_base_seconds;
  req.lease_seconds = old->lease_seconds;
  req.priority = old->priority;
  req.labels = old->labels;
  req.retry_of = old->id;
  return create(req);
}

db_result<work_page> ephemeral_work_repository::list(const work_list_params& p) {
  if (!p.agent_id.empty() && !is_uuid(p.agent_id))
    return fail(db_errc::invalid_argument, "agent_id is not a UUID", "agent_id");
  if (!p.after.empty() && !is_uuid(p.after))
    return fail(db_errc::invalid_argument, "cursor is not valid", "cursor");
  const int limit = std::clamp(p.limit, 1, 500);
  std::vector<std::string> statuses;
  for (auto s : p.statuses) statuses.emplace_back(to_string(s));
  auto selector = selector_params(p.label_selector);
  if (!selector) return unexpected(selector.error());
  return guarded([&]() -> db_result<work_page> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("ephemeral_work_list", pg_array(statuses), null_if_empty(p.work_type),
                                   null_if_empty(p.agent_id), null_if_empty(p.after), limit + 1,
                                   null_if_empty(selector->terms), null_if_empty(selector->equal));
    work_page page;
    page.items = read_items(r);
    if (page.items.empty() && !p.after.empty() &&
        !n.exec_prepared1("ephemeral_work_cursor_known", p.after)["known"].as<bool>())
      return fail(db_errc::invalid_argument, "cursor names no work item (purged since?); list again without it", "cursor");
    if (static_cast<int>(page.items.size()) > limit) {
      page.items.pop_back();
      page.next = page.items.back().id;
    }
    return page;
  });
}

db_result<std::vector<work_item>> ephemeral_work_repository::pending_for_agent(const std::string& agent_id,
                                                                              int limit) {
  if (!is_uuid(agent_id)) return fail(db_errc::not_found, "no agent " + agent_id);
  return guarded([&]() -> db_result<std::vector<work_item>> {
    pqxx::nontransaction n{conn_.raw()};
    return read_items(n.exec_prepared("ephemeral_work_pending_for_agent", agent_id, std::clamp(limit, 1, 500),
                                     hold_seconds()));
  });
}

db_result<std::vector<work_item>> ephemeral_work_repository::claimed_by_agent(const std::string& agent_id) {
  if (!is_uuid(agent_id)) return fail(db_errc::not_found, "no agent " + agent_id);
  return guarded([&]() -> db_result<std::vector<work_item>> {
    pqxx::nontransaction n{conn_.raw()};
    return read_items(n.exec_prepared("ephemeral_work_claimed_by_agent", agent_id));
  });
}

db_result<work_item> ephemeral_work_repository::claim(const std::string& id, const std::string& agent_id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no work item " + id);
  if (!is_uuid(agent_id)) return fail(db_errc::invalid_argument, "agent_id is not a UUID", "agent_id");
  return guarded([&]() -> db_result<work_item> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("ephemeral_work_claim_by_id", id, agent_id, hold_seconds());
    if (!r.empty()) return read_work_item(r[0]);
    return explain_claim_refusal(n, id, agent_id);
  });
}

// The claim changed nothing; read the row to say why (a read after the write, never before it).
db_result<work_item> ephemeral_work_repository::explain_claim_refusal(pqxx::transaction_base& n,
                                                                     const std::string& id,
                                                                     const std::string& agent_id) {
  const auto r = n.exec_prepared("ephemeral_work_status_of", id, agent_id);
  if (r.empty() || r[0]["deleted"].as<bool>()) return fail(db_errc::not_found, "no work item " + id);
  const auto status = r[0]["status"].as<std::string>();
  const auto s = parse_work_status(status);
  if (s && is_terminal(*s))
    return fail(db_errc::conflict, "work item " + id + " is " + status + " and can no longer be claimed");
  if (!r[0]["targeted"].as<bool>())
    return fail(db_errc::forbidden, "agent " + agent_id + " is not a target of work item " + id);
  if (!r[0]["agent_active"].as<bool>())
    return fail(db_errc::conflict, "agent " + agent_id + " is INACTIVE and may not claim work");
  if (s == work_status::claimed)
    return fail(db_errc::conflict, "work item " + id + " is already claimed (attempt " +
                                       r[0]["attempt"].as<std::string>() + ")");
  if (s == work_status::failed_retryable && r[0]["retry_due"].as<bool>(false) && r[0]["claimed_by"].c_str() == agent_id)
    return fail(db_errc::conflict, "the retry of work item " + id + " is offered to its other targets first: attempt " +
                                       r[0]["attempt"].as<std::string>() + " failed on this agent");
  if (s == work_status::failed_retryable && !r[0]["next_retry_after"].is_null())
    return fail(db_errc::conflict, "work item " + id + " waits for its retry backoff until " +
                                       format_rfc3339(parse_pg_timestamp(r[0]["next_retry_after"].as<std::string>())));
  return fail(db_errc::conflict, "work item " + id + " is not claimable (" + status + ")");
}

db_result<std::vector<work_item>> ephemeral_work_repository::claim_next(
    const std::string& agent_id, const std::vector<std::string>& work_types, int limit) {
  if (!is_uuid(agent_id)) return fail(db_errc::invalid_argument, "agent_id is not a UUID", "agent_id");
  return guarded([&]() -> db_result<std::vector<work_item>> {
    pqxx::nontransaction n{conn_.raw()};
    return read_items(n.exec_prepared("ephemeral_work_claim_next", agent_id, pg_array(work_types), hold_seconds(),
                                      std::clamp(limit, 1, max_claim_batch)));
  });
}

db_result<heartbeat_result> ephemeral_work_repository::heartbeat(const std::string& id,
                                                                 const std::string& agent_id, int attempt) {
  auto results = heartbeat_many({{id, agent_id, attempt}});
  if (!results) return unexpected(results.error());
  return std::move(results->front());
}

db_result<std::vector<db_result<heartbeat_result>>> ephemeral_work_repository::heartbeat_many(
    const std::vector<heartbeat_request>& requests) {
  std::vector<db_result<heartbeat_result>> out;
  out.reserve(requests.size());
  std::vector<size_t> asked;
  std::vector<std::string> ids, agents;
  std::vector<int> attempts;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& q = requests[i];
    if (!is_uuid(q.id)) {
      out.push_back(fail(db_errc::not_found, "no work item " + q.id));
    } else if (!is_uuid(q.agent_id)) {
      out.push_back(fail(db_errc::invalid_argument, "agent_id is not a UUID", "agent_id"));
    } else {
      out.push_back(fail(db_errc::internal, "not written"));
      asked.push_back(i);
      ids.push_back(canonical_uuid(q.id));
      agents.push_back(canonical_uuid(q.agent_id));
      attempts.push_back(q.attempt);
    }
  }
  if (asked.empty()) return out;
  auto written = guarded([&]() -> db_result<ok_t> {
    pqxx::nontransaction n{conn_.raw()};
    // Keyed as the request asked: a renewed row answers every request for that very claim.
    std::map<std::tuple<std::string, std::string, int>, heartbeat_result> renewed;
    for (const auto& row : n.exec_prepared("ephemeral_work_heartbeat_many", pg_array(ids), pg_array(agents), pg_array(attempts)))
      renewed[{row["id"].as<std::string>(), row["claimed_by"].as<std::string>(), row["attempt"].as<int>()}] =
          heartbeat_result{row["cancel_requested"].as<bool>(), parse_pg_timestamp(row["lease_expires_at"].as<std::string>())};
    std::vector<size_t> refused;  // indexes into `asked`
    std::vector<std::string> refused_ids;
    for (size_t k = 0; k < asked.size(); ++k) {
      if (auto it = renewed.find({ids[k], agents[k], attempts[k]}); it != renewed.end()) {
        out[asked[k]] = it->second;
        continue;
      }
      refused.push_back(k);
      refused_ids.push_back(ids[k]);
    }
    if (refused.empty()) return ok;
    // Why each refused request was refused, for all of them in one read (a partition's worth of
    // stale heartbeats arrives together).
    std::map<std::string, std::pair<std::string, std::string>> state;  // live id -> (status, attempt)
    for (const auto& row : n.exec_prepared("ephemeral_work_states_of", pg_array(refused_ids)))
      if (!row["deleted"].as<bool>())
        state[row["id"].as<std::string>()] = {row["status"].as<std::string>(), row["attempt"].as<std::string>()};
    for (const auto k : refused) {
      const auto& q = requests[asked[k]];
      auto& answer = out[asked[k]];
      const auto it = state.find(ids[k]);
      if (it == state.end()) {
        answer = fail(db_errc::not_found, "no work item " + q.id);
        continue;
      }
      answer = fail(db_errc::conflict, "no current claim of work item " + q.id + " by agent " + q.agent_id +
                                           " with attempt " + std::to_string(q.attempt) + " (item is " +
                                           it->second.first + ", attempt " + it->second.second + ")");
    }
    return ok;
  });
  if (!written) return unexpected(written.error());
  return out;
}

db_result<work_item> ephemeral_work_repository::complete(const completion_report& p) {
  auto results = complete_many({p});
  if (!results) return unexpected(results.error());
  auto& r = results->front();
  if (r.error) return unexpected(std::move(*r.error));
  return std::move(r.item);
}

db_result<std::vector<completion_result>> ephemeral_work_repository::complete_many(
    const std::vector<completion_report>& reports) {
  std::vector<completion_result> out(reports.size());
  // The reports as the statements see them: ids in PostgreSQL's form, so that the rows locked and
  // written are found again for each report (and the claimer compares equal).
  std::vector<completion_report> canonical = reports;
  std::vector<std::string> ids;
  for (size_t i = 0; i < reports.size(); ++i) {
    auto& p = canonical[i];
    out[i].work_id = p.work_id;
    if (!is_uuid(p.work_id)) out[i].error = db_error{db_errc::not_found, "no work item " + p.work_id, {}};
    else if (!is_uuid(p.agent_id)) out[i].error = db_error{db_errc::invalid_argument, "agent_id is not a UUID", "agent_id"};
    else if (auto v = validate_completion(p); !v) out[i].error = v.error();
    else {
      p.work_id = canonical_uuid(std::move(p.work_id));
      p.agent_id = canonical_uuid(std::move(p.agent_id));
      ids.push_back(p.work_id);
    }
  }
  if (ids.empty()) return out;
  if (ids.size() == 1) {
    // One report (the common case) needs no transaction: two round trips instead of BEGIN, lock,
    // write, COMMIT.
    const auto i = static_cast<size_t>(std::find_if(out.begin(), out.end(), [](const auto& r) { return !r.error; }) -
                                       out.begin());
    return guarded([&]() -> db_result<std::vector<completion_result>> {
      auto results = out;
      pqxx::nontransaction n{conn_.raw()};
      complete_alone(n, canonical[i], reports[i].work_id, cfg_.backoff_cap, results[i]);
      return results;
    });
  }
  return guarded([&]() -> db_result<std::vector<completion_result>> {
    auto results = out;  // a retried transaction starts from the same verdicts
    pqxx::work tx{conn_.raw()};
    std::map<std::string, claim_snapshot> locked;
    for (const auto& row : tx.exec_prepared("ephemeral_work_lock_for_completion", pg_array(ids)))
      locked.emplace(row["id"].as<std::string>(), read_snapshot(row));
    transition_batch batch;
    std::map<std::string, size_t> decided;  // work id -> index of the report written
    for (size_t i = 0; i < reports.size(); ++i) {
      auto& res = results[i];
      if (res.error) continue;
      const auto& p = canonical[i];
      const auto it = locked.find(p.work_id);
      if (it == locked.end()) {
        res.error = db_error{db_errc::not_found, "no work item " + p.work_id, {}};
        continue;
      }
      if (decided.count(p.work_id)) {
        res.error = db_error{db_errc::conflict, "work item " + p.work_id + " is reported twice in this batch", {}};
        continue;
      }
      const auto& snapshot = it->second;
      const auto decision = decide_completion(snapshot, p, cfg_.backoff_cap);
      if (!decision) {
        res.error = refusal_error(decision.error(), snapshot);
        continue;
      }
      batch.add(p.work_id, snapshot, *decision, p.result_details);
      decided.emplace(p.work_id, i);
    }
    for (auto& item : batch.apply(tx)) {
      const auto at = decided.find(item.id);
      if (at == decided.end()) continue;  // not asked for: cannot happen, the batch is built from `decided`
      auto& res = results[at->second];
      res.item = std::move(item);
      decided.erase(at);
    }
    tx.commit();
    for (const auto& [id, i] : decided)  // locked and decided, yet the guarded write changed nothing
      results[i].error = db_error{db_errc::internal, "completion of a locked item changed nothing", {}};
    return results;
  });
}

db_result<cancel_result> ephemeral_work_repository::cancel(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no work item " + id);
  return guarded([&]() -> db_result<cancel_result> {
    pqxx::nontransaction n{conn_.raw()};
    auto r = n.exec_prepared("ephemeral_work_cancel", id);
    if (!r.empty()) {
      auto item = read_work_item(r[0]);
      const auto action = item.status == work_status::claimed ? cancel_action::cancel_requested
                                                              : cancel_action::canceled;
      return cancel_result{std::move(item), action};
    }
    r = n.exec_prepared("ephemeral_work_soft_delete_finished", id);
    if (!r.empty()) return cancel_result{read_work_item(r[0]), cancel_action::deleted};
    return fail(db_errc::not_found, "no work item " + id);
  });
}

db_result<expire_result> ephemeral_work_repository::expire_stale_claims(int limit,
                                                                       const std::vector<std::string>& only) {
  for (const auto& id : only)
    if (!is_uuid(id)) return fail(db_errc::invalid_argument, "not a UUID: " + id, "id");
  return guarded([&]() -> db_result<expire_result> {
    pqxx::work tx{conn_.raw()};
    auto expired = expire_locked(tx, only, std::max(limit, 1), cfg_.backoff_cap);
    tx.commit();
    return expire_result{std::move(expired)};
  });
}

db_result<expire_result> ephemeral_work_repository::expire_agent_claims(const std::string& agent_id,
                                                                       std::chrono::milliseconds grace) {
  if (!is_uuid(agent_id)) return fail(db_errc::invalid_argument, "agent_id is not a UUID", "agent_id");
  return guarded([&]() -> db_result<expire_result> {
    pqxx::work tx{conn_.raw()};
    const auto ids = read_ids(tx.exec_prepared("ephemeral_work_expire_agent_leases", agent_id));
    std::vector<work_item> expired;
    if (!ids.empty())
      expired = expire_locked(tx, ids, static_cast<int>(ids.size()), cfg_.backoff_cap, agent_gone_message(grace));
    tx.commit();
    return expire_result{std::move(expired)};
  });
}

db_result<std::vector<std::string>> ephemeral_work_repository::soft_delete_expired(int limit) {
  return guarded([&]() -> db_result<std::vector<std::string>> {
    pqxx::nontransaction n{conn_.raw()};
    return read_ids(n.exec_prepared("ephemeral_work_soft_delete_expired", std::max(limit, 1)));
  });
}

db_result<std::vector<std::string>> ephemeral_work_repository::purge_deleted(std::chrono::seconds older_than,
                                                                            int limit) {
  return guarded([&]() -> db_result<std::vector<std::string>> {
    pqxx::nontransaction n{conn_.raw()};
    return read_ids(n.exec_prepared("ephemeral_work_purge_deleted", static_cast<long long>(older_than.count()),
                                    std::max(limit, 1)));
  });
}

db_result<std::vector<work_event>> ephemeral_work_repository::events(const std::string& id,
                                                                    int64_t after_event_id, int limit) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no work item " + id);
  return guarded([&]() -> db_result<std::vector<work_event>> {
    pqxx::nontransaction n{conn_.raw()};
    std::vector<work_event> out;
    for (const auto& row : n.exec_prepared("ephemeral_work_events_list", id, after_event_id,
                                           std::clamp(limit, 1, 1000)))
      out.push_back(read_work_event(row));
    return out;
  });
}

namespace {

work_timing read_timing(const pqxx::row& row) {
  work_timing t;
  t.id = row["id"].as<std::string>();
  t.status = parse_work_status(row["status"].as<std::string>()).value_or(work_status::pending);
  t.attempt = row["attempt"].as<int>();
  t.claimed_by = text_or_empty(row["claimed_by"]);
  t.lease_expires_at = optional_time(row["lease_expires_at"]);
  t.claim_deadline = optional_time(row["claim_deadline"]);
  t.next_retry_after = optional_time(row["next_retry_after"]);
  t.cancel_requested = row["cancel_requested"].as<bool>();
  t.target_agents = nlohmann::json::parse(row["resolved"].as<std::string>()).get<std::vector<std::string>>();
  t.last_event_id = row["last_event_id"].as<int64_t>();
  t.db_now = parse_pg_timestamp(row["db_now"].as<std::string>());
  return t;
}

}  // namespace

db_result<work_timing> ephemeral_work_repository::timing(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no work item " + id);
  return guarded([&]() -> db_result<work_timing> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("ephemeral_work_timing", id);
    if (r.empty()) return fail(db_errc::not_found, "no work item " + id);
    return read_timing(r[0]);
  });
}

db_result<std::vector<work_timing>> ephemeral_work_repository::live_timings(const std::string& after_id, int limit) {
  return guarded([&]() -> db_result<std::vector<work_timing>> {
    pqxx::nontransaction n{conn_.raw()};
    const std::string after = after_id.empty() ? "00000000-0000-0000-0000-000000000000" : after_id;
    std::vector<work_timing> out;
    for (const auto& row : n.exec_prepared("ephemeral_work_live_timings", after, std::max(limit, 1)))
      out.push_back(read_timing(row));
    return out;
  });
}

db_result<std::vector<work_event>> ephemeral_work_repository::events_since(int64_t after_event_id, int limit) {
  return guarded([&]() -> db_result<std::vector<work_event>> {
    pqxx::nontransaction n{conn_.raw()};
    std::vector<work_event> out;
    for (const auto& row : n.exec_prepared("ephemeral_work_events_since", after_event_id, std::clamp(limit, 1, 1000)))
      out.push_back(read_work_event(row));
    return out;
  });
}

db_result<int64_t> ephemeral_work_repository::latest_event_id() {
  return guarded([&]() -> db_result<int64_t> {
    pqxx::nontransaction n{conn_.raw()};
    return n.exec_prepared1("ephemeral_work_latest_event_id")["id"].as<int64_t>();
  });
}

db_result<std::vector<work_summary_row>> ephemeral_work_repository::summary() {
  return guarded([&]() -> db_result<std::vector<work_summary_row>> {
    pqxx::nontransaction n{conn_.raw()};
    std::vector<work_summary_row> out;
    for (const auto& row : n.exec_prepared("ephemeral_work_summary")) {
      const auto status = parse_work_status(row["status"].as<std::string>());
      if (!status) continue;
      out.push_back({row["work_type"].as<std::string>(), *status, row["n"].as<int64_t>(), row["last_hour"].as<int64_t>()});
    }
    return out;
  });
}

db_result<std::map<work_status, int64_t>> ephemeral_work_repository::count_by_status() {
  return guarded([&]() -> db_result<std::map<work_status, int64_t>> {
    pqxx::nontransaction n{conn_.raw()};
    std::map<work_status, int64_t> out;
    for (const auto& row : n.exec_prepared("ephemeral_work_count_by_status"))
      if (auto s = parse_work_status(row["status"].as<std::string>())) out[*s] = row["n"].as<int64_t>();
    return out;
  });
}

}  // namespace brokkr::persistence
