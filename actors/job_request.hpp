#pragma once
// Asking a job pool from an actor, typed: `ok` gets the T of the typed_job, `fail` the pool's
// Error (a failed job, or no reply in time). The one place replies are unpacked.
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <utility>

#include "actors/atoms.hpp"
#include "actors/job.hpp"

namespace brokkr {

template <class Self, class Pool, class T, class Resource, class Error, class Ok, class Fail>
void request_job(Self* self, const Pool& pool, std::chrono::milliseconds timeout, typed_job<T, Resource, Error> j,
                 Ok ok, Fail fail) {
  self->request(pool, timeout, run_atom::value, std::move(j.untyped))
      .then(
          [ok = std::move(ok), fail](job_reply<Error>& r) mutable {
            auto v = detail::take_reply<T>(r);
            if (v) ok(std::move(*v));
            else fail(std::move(v.error()));
          },
          [fail](caf::error& e) mutable { fail(job_errors<Error>::from(e)); });
}

}  // namespace brokkr
