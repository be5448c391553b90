#pragma once
// Answers a CAF request with a service operation's result: a refusal at once, else the job's
// value (mapped) or its error, as brokkr caf::errors. Sessions translate; the service decides.
#include <caf/all.hpp>

#include "actors/caf_errors.hpp"
#include "actors/job_request.hpp"
#include "broker_node/work_service.hpp"

namespace brokkr::broker {

inline caf::error to_caf(const persistence::db_error& e) { return make_error(e.code, e.message); }

inline constexpr std::chrono::seconds session_db_timeout{30};

template <class Out, class Self, class T, class Map>
caf::result<Out> forward(Self* self, const persistence::persistence_actor& db, op<T> o, Map map) {
  if (!o) return to_caf(o.error());
  auto rp = self->template make_response_promise<Out>();
  request_job(
      self, db, session_db_timeout, std::move(*o), [rp, map](T v) mutable { rp.deliver(map(std::move(v))); },
      [rp](const persistence::db_error& e) mutable { rp.deliver(to_caf(e)); });
  return rp;
}

template <class T, class Self>
caf::result<T> forward(Self* self, const persistence::persistence_actor& db, op<T> o) {
  return forward<T>(self, db, std::move(o), [](T v) { return v; });
}

// A session's capability check: constant time, and a refusal that names nothing secret.
bool token_matches(const std::string& expected, const session_token& presented);

}  // namespace brokkr::broker
