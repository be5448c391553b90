#pragma once
// A unit of blocking work for a job pool (actors/job_pool.hpp): a function over a worker's
// resource (a database connection's repositories, a Kubernetes client) whose typed result comes
// back as a type-erased reply. Jobs never leave the process.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"

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

// Wraps `fn` (Resource& -> expected<T, Error>) as a job.
template <class T, class Resource, class Error, class Fn>
job<Resource, Error> make_typed_job(std::string name, Fn fn) {
  return job<Resource, Error>{std::move(name), [fn = std::move(fn)](Resource& r) -> job_reply<Error> {
                                expected<T, Error> res = fn(r);
                                if (!res) return job_reply<Error>{nullptr, std::move(res.error())};
                                return job_reply<Error>{std::make_shared<T>(std::move(*res)), std::nullopt};
                              }};
}

// Unpacks the reply of a job made with make_typed_job<T>.
template <class T, class Error>
expected<T, Error> take_reply(job_reply<Error>& r) {
  if (r.error) return unexpected(std::move(*r.error));
  return std::move(*std::static_pointer_cast<T>(r.value));
}

}  // namespace brokkr
