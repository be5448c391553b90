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
#include <vector>

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
  // Runs the payloads of several jobs of one group together (one statement, one transaction) and
  // answers each, in order.
  using group_fn = std::vector<job_reply<Error>> (*)(Resource&, const std::vector<std::shared_ptr<const void>>&);

  std::string name;  // for logs
  std::function<job_reply<Error>(Resource&)> run;
  // Group commit: jobs with the same `group` that wait in a pool's queue together are run by one
  // worker as one call of `group` (ADR 0059). Null: the job runs alone.
  group_fn group = nullptr;
  std::shared_ptr<const void> payload;
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

namespace detail {

template <class T, class Error>
job_reply<Error> to_reply(expected<T, Error> res) {
  if (!res) return job_reply<Error>{nullptr, std::move(res.error())};
  return job_reply<Error>{std::make_shared<T>(std::move(*res)), std::nullopt};
}

template <class T, class P, class Resource, class Error,
          std::vector<expected<T, Error>> (*Many)(Resource&, const std::vector<const P*>&)>
std::vector<job_reply<Error>> run_group(Resource& r, const std::vector<std::shared_ptr<const void>>& payloads) {
  std::vector<const P*> typed;
  typed.reserve(payloads.size());
  for (const auto& p : payloads) typed.push_back(static_cast<const P*>(p.get()));
  auto results = Many(r, typed);
  std::vector<job_reply<Error>> out;
  out.reserve(results.size());
  for (auto& res : results) out.push_back(to_reply<T, Error>(std::move(res)));
  return out;
}

}  // namespace detail

// A job that may share its worker's call with others of its kind: `Many` runs any number of
// payloads at once and answers each in order; alone, the job is a group of one.
template <class T, class P, class Resource, class Error,
          std::vector<expected<T, Error>> (*Many)(Resource&, const std::vector<const P*>&)>
typed_job<T, Resource, Error> make_grouped_job(std::string name, P payload) {
  auto p = std::make_shared<const P>(std::move(payload));
  job<Resource, Error> j;
  j.name = std::move(name);
  j.run = [p](Resource& r) -> job_reply<Error> {
    auto results = Many(r, {p.get()});
    return detail::to_reply<T, Error>(std::move(results.front()));
  };
  j.group = &detail::run_group<T, P, Resource, Error, Many>;
  j.payload = p;
  return {std::move(j)};
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
