#pragma once
// Answers a CAF request with a persistence job's result: the value, or a brokkr caf::error.
#include <caf/all.hpp>

#include "actors/caf_errors.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker {

inline caf::error to_caf(const persistence::db_error& e) { return make_error(e.code, e.message); }

// Runs `job` (built with make_job<T>) and delivers its result through a promise of `Out`, mapping
// the value with `map`.
template <class Out, class T, class Self, class Map>
caf::typed_response_promise<Out> forward_job(Self* self, const persistence::persistence_actor& db,
                                             persistence::db_job job, Map map,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto rp = self->template make_response_promise<Out>();
  self->request(db, timeout, persistence::run_atom::value, std::move(job))
      .then(
          [rp, map](persistence::db_reply& r) mutable {
            auto v = persistence::take<T>(r);
            if (!v) rp.deliver(to_caf(v.error()));
            else rp.deliver(map(std::move(*v)));
          },
          [rp](caf::error& e) mutable { rp.deliver(make_error(errc::unavailable, caf::to_string(e))); });
  return rp;
}

template <class T, class Self>
caf::typed_response_promise<T> forward_job(Self* self, const persistence::persistence_actor& db, persistence::db_job job) {
  return forward_job<T, T>(self, db, std::move(job), [](T v) { return v; });
}

}  // namespace brokkr::broker
