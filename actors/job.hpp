#pragma once
// A unit of blocking work for a job pool (actors/job_pool.hpp): a function over a worker's
// resource (a database connection's repositories, a Kubernetes client) whose typed result comes
// back as a type-erased reply. Jobs never leave the process.
//
// The result type is part of a typed_job's type, and only request_job (actors/job_request.hpp)
// unpacks a reply, with that type: asking for a T and reading a U cannot compile.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"

namespace caf {
class error;
}

namespace brokkr {

template <class Error>
struct job_reply {
  std::shared_ptr<void> value;
  std::optional<Error> error;
};

template <class Resource, class Error>
struct job {
  std::string name;  // for logs
  std::function<job_reply<Error>(Resource&)> run;
};

template <class T, class Resource, class Error>
struct typed_job {
  using value_type = T;
  job<Resource, Error> untyped;
};

// Wraps `fn` (Resource& -> expected<T, Error>) as a job.
template <class T, class Resource, class Error, class Fn>
typed_job<T, Resource, Error> make_typed_job(std::string name, Fn fn) {
  return {job<Resource, Error>{std::move(name), [fn = std::move(fn)](Resource& r) -> job_reply<Error> {
                                 expected<T, Error> res = fn(r);
                                 if (!res) return job_reply<Error>{nullptr, std::move(res.error())};
                                 return job_reply<Error>{std::make_shared<T>(std::move(*res)), std::nullopt};
                               }}};
}

// What a pool's caller gets, in the pool's own error type, when the job never produced a reply
// (no answer in time, the pool gone). Each error type specializes it next to its pool.
template <class Error>
struct job_errors;

namespace detail {

// Unpacks the reply of a typed_job<T, ...>; callers go through request_job or run_typed.
template <class T, class Error>
expected<T, Error> take_reply(job_reply<Error>& r) {
  if (r.error) return unexpected(std::move(*r.error));
  return std::move(*std::static_pointer_cast<T>(r.value));
}

}  // namespace detail

// Runs a typed job on the calling thread (tools, tests, a pool's own worker) and unpacks it.
template <class T, class Resource, class Error>
expected<T, Error> run_typed(const typed_job<T, Resource, Error>& j, Resource& r) {
  auto reply = j.untyped.run(r);
  return detail::take_reply<T>(reply);
}

}  // namespace brokkr
