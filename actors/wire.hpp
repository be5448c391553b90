#pragma once
// How the plain structs of actors/ cross the wire (CAF 0.17 inspect). Optional timestamps travel as
// nanoseconds since the epoch with INT64_MIN for "unset".
//
// Compatibility: these layouts are the wire protocol of actors/protocol_version.hpp. Any change to a
// field list, a message signature or the type-ID block is a new protocol version; the gateway
// refuses versions it does not speak with an error that says so (docs/integrations.md).
#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>

#include <climits>
#include <cstdint>
#include <optional>

#include "actors/agent_record.hpp"
#include "actors/work_item.hpp"
#include "actors/work_request.hpp"

namespace brokkr {

// The capability a session's owner presents on every message: 128 random bits issued at login and
// known only to the broker and that peer. CAF actor ids are sequential and node ids are whatever a
// peer writes into its handshake, so neither can carry authority (docs/security.md).
struct session_token {
  std::string value;
};

namespace wire {

inline int64_t to_ns(const std::optional<timestamp>& t) {
  return t ? static_cast<int64_t>(t->time_since_epoch().count()) : INT64_MIN;
}
inline std::optional<timestamp> from_ns(int64_t ns) {
  if (ns == INT64_MIN) return std::nullopt;
  return timestamp(timestamp::duration(ns));
}

}  // namespace wire

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_targets& x) {
  return f(caf::meta::type_name("work_targets"), x.agent_ids, x.labels, x.annotations, x.match);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_request& x) {
  return f(caf::meta::type_name("work_request"), x.work_type, x.crd_spec, x.targets, x.max_retries,
           x.claim_timeout_seconds, x.ttl_seconds, x.backoff_base_seconds, x.lease_seconds, x.priority,
           x.idempotency_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_item& x) {
  int64_t claimed_at = wire::to_ns(x.claimed_at), completed_at = wire::to_ns(x.completed_at),
          next_retry = wire::to_ns(x.next_retry_after), lease = wire::to_ns(x.lease_expires_at),
          deadline = wire::to_ns(x.claim_deadline), deleted = wire::to_ns(x.deleted_at);
  auto restore = caf::meta::load_callback([&]() -> caf::error {
    x.claimed_at = wire::from_ns(claimed_at);
    x.completed_at = wire::from_ns(completed_at);
    x.next_retry_after = wire::from_ns(next_retry);
    x.lease_expires_at = wire::from_ns(lease);
    x.claim_deadline = wire::from_ns(deadline);
    x.deleted_at = wire::from_ns(deleted);
    return caf::none;
  });
  return f(caf::meta::type_name("work_item"), x.id, x.work_type, x.crd_spec, x.status, x.claimed_by, claimed_at,
           completed_at, x.attempt, x.retry_count, x.max_retries, x.claim_timeout_seconds, x.ttl_seconds,
           x.backoff_base_seconds, x.lease_seconds, x.priority, next_retry, lease, deadline, x.cancel_requested,
           x.idempotency_key, x.result_message, x.failure_reason, x.result_details, x.targets, x.target_agents,
           x.created_at, x.updated_at, deleted, restore);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_event& x) {
  return f(caf::meta::type_name("work_event"), x.id, x.work_id, x.at, x.from_status, x.to_status, x.agent_id,
           x.attempt, x.retry_count, x.reason, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, completion_report& x) {
  return f(caf::meta::type_name("completion_report"), x.work_id, x.agent_id, x.attempt, x.outcome, x.failure_reason,
           x.result_message, x.result_details);
}

// Statuses travel as their uint8 values: CAF 0.17's deserializer of a vector of enums trips
// g++ 12's maybe-uninitialized analysis in every TU that instantiates it.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_list_params& x) {
  std::vector<uint8_t> statuses;
  for (auto s : x.statuses) statuses.push_back(static_cast<uint8_t>(s));
  auto restore = caf::meta::load_callback([&]() -> caf::error {
    x.statuses.clear();
    for (auto v : statuses) {
      if (v > static_cast<uint8_t>(work_status::canceled)) return caf::make_error(caf::sec::invalid_argument);
      x.statuses.push_back(static_cast<work_status>(v));
    }
    return caf::none;
  });
  return f(caf::meta::type_name("work_list_params"), statuses, x.work_type, x.agent_id, x.after, x.limit, restore);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_page& x) {
  return f(caf::meta::type_name("work_page"), x.items, x.next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_token& x) {
  return f(caf::meta::type_name("session_token"), x.value);
}

}  // namespace brokkr
