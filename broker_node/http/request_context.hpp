#pragma once
// One HTTP request being answered. Routes read the request, ask a service for an operation, run it
// on the persistence pool and render the result; they never block and never build a repository job
// themselves (broker_node/work_service.hpp, agent_service.hpp). CAF stays out of this header.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/work_request.hpp"
#include "broker_node/auth/identity.hpp"
#include "broker_node/http/services.hpp"
#include "common/http_server.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker::http {

class request_context {
 public:
  virtual ~request_context() = default;

  virtual const brokkr::http::request& req() const = 0;
  virtual const std::string& param(const std::string& name) const = 0;
  virtual const auth::identity& who() const = 0;
  virtual const services& svc() const = 0;

  // Answers (the first answer wins).
  virtual void reply(int status, const nlohmann::json& body) = 0;
  virtual void reply_raw(int status, std::string content_type, std::string body,
                         brokkr::http::header_list headers = {}) = 0;
  virtual void fail(int status, const std::string& code, const std::string& message,
                    nlohmann::json details = nlohmann::json::object()) = 0;
  void fail(const persistence::db_error& e);
  void fail(const validation_error& e);  // 422, naming the field

  // Runs a service's operation: a refusal is answered at once; otherwise the job runs on the pool
  // and `ok` gets its T (its failure is answered with its code). `ok` runs on the request's thread
  // of control, never concurrently with anything else of this request.
  template <class T, class Ok>
  void run(op<T> o, Ok ok) {
    run(std::move(o), std::move(ok), [this](const persistence::db_error& e) { fail(e); });
  }
  // The same, with the failure handled by `err` instead of answered.
  template <class T, class Ok, class Err>
  void run(op<T> o, Ok ok, Err err) {
    if (!o) return err(o.error());
    submit(std::move(o->untyped), [ok = std::move(ok), err = std::move(err)](persistence::db_reply& r) mutable {
      auto v = brokkr::detail::take_reply<T>(r);
      if (!v) return err(v.error());
      ok(std::move(*v));
    });
  }

  // Live work-item actors, live items held without one (ADR 0066) and connected agents (for /metrics).
  virtual void actor_stats(std::function<void(uint64_t items, uint64_t idle, uint64_t sessions)> done) = 0;

  // Streams the item's events after `after` as NDJSON (or SSE) until it is terminal; with an empty
  // work id, every item's events (after -1: from now on) until the client leaves.
  virtual void follow_events(const std::string& work_id, int64_t after, bool sse) = 0;

  // Streams the live log of claimed item `w`'s step ("" = the build step) as text/plain until it
  // ends, through the log hub and the claiming agent.
  virtual void follow_logs(const work_item& w, const std::string& step) = 0;
  // Live-log requests waiting for agent `agent_id`'s heartbeat of item `work_id` (none without a hub).
  virtual void log_requests(const std::string& agent_id, const std::string& work_id,
                            std::function<void(std::vector<log_stream_request>)> done) = 0;
  // A chunk from agent `agent_id` (HTTP transport) -> whether to go on streaming.
  virtual void push_log_chunk(const std::string& agent_id, log_chunk chunk, std::function<void(bool)> done) = 0;

  // Query parameter `name` as a whole decimal integer in [lo, hi] (no sign tricks, no trailing
  // text); absent leaves `out` as it is. Otherwise answers 400 naming the parameter and returns false.
  bool query_int(const char* name, int64_t lo, int64_t hi, int64_t& out);
  bool query_int(const char* name, int lo, int hi, int& out);

 protected:
  // Hands a job to the persistence pool; `done` runs when it ended (see run()).
  virtual void submit(persistence::db_job job, std::function<void(persistence::db_reply&)> done) = 0;
};

}  // namespace brokkr::broker::http
