#pragma once
// One HTTP request being answered, inside its own short-lived actor (broker_node/http/
// request_actor.cpp). Handlers read the request, ask the persistence pool, and answer; they never
// block. CAF stays out of this header.
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

  // Answers (the first answer wins; the request actor then ends).
  virtual void reply(int status, const nlohmann::json& body) = 0;
  virtual void reply_raw(int status, std::string content_type, std::string body) = 0;
  virtual void fail(int status, const std::string& code, const std::string& message,
                    nlohmann::json details = nlohmann::json::object()) = 0;
  void fail(const persistence::db_error& e);
  void fail(const validation_error& e);  // 422, naming the field

  // Runs a job on the persistence pool; `done` runs back in this request's actor.
  virtual void run(persistence::db_job job, std::function<void(persistence::db_reply&)> done) = 0;

  template <class T, class Fn, class Ok>
  void query(std::string name, Fn fn, Ok ok) {
    run(persistence::make_job<T>(std::move(name), std::move(fn)), [this, ok = std::move(ok)](persistence::db_reply& r) mutable {
      auto v = persistence::take<T>(r);
      if (!v) return fail(v.error());
      ok(std::move(*v));
    });
  }

  // Live work-item actors and connected agents (for /metrics).
  virtual void actor_stats(std::function<void(uint64_t items, uint64_t sessions)> done) = 0;

  // Streams the item's events after `after` as NDJSON (or SSE) until it is terminal.
  virtual void follow_events(const std::string& work_id, int64_t after, bool sse) = 0;

  // The agent this call acts for: the body's agent_id, or the caller's own id for an agent key.
  // Refuses (403) an agent key acting for another agent and (422) an admin call without agent_id.
  bool acting_agent(const std::string& from_body, std::string& out);
  // Agents may only touch their own record.
  bool require_self_or_admin(const std::string& agent_id);

  // Query parameter `name` as a whole decimal integer in [lo, hi] (no sign tricks, no trailing
  // text); absent leaves `out` as it is. Otherwise answers 400 naming the parameter and returns false.
  bool query_int(const char* name, int64_t lo, int64_t hi, int64_t& out);
  bool query_int(const char* name, int lo, int hi, int& out);
};

}  // namespace brokkr::broker::http
