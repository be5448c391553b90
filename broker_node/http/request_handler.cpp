// A request is routed and authenticated on the I/O thread that read it; its database jobs go
// straight to the pool's queue and their continuations run on the worker that ran them, so a
// request with one job costs one hand-off each way (ADR 0059). Only what talks to actors (the
// claim supervisor, the log hub, followed streams) spawns one. A request's steps run one after
// another, never concurrently: each continuation is the only thing of its request in flight.
#include <caf/all.hpp>

#include "actors/claim_protocol.hpp"
#include "broker_node/event_relay.hpp"
#include "broker_node/http/api_server.hpp"
#include "broker_node/http/errors.hpp"
#include "broker_node/http/json_body.hpp"
#include "broker_node/http/json_codec.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"
#include "broker_node/logs/log_reader.hpp"
#include "common/json_limits.hpp"
#include "common/log.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;
using brokkr::http::responder;

class direct_context final : public request_context, public std::enable_shared_from_this<direct_context> {
 public:
  direct_context(caf::actor_system& sys, brokkr::http::request req, std::shared_ptr<responder> resp,
                 std::shared_ptr<const services> svc)
      : sys_(sys), req_(std::move(req)), resp_(std::move(resp)), svc_(std::move(svc)),
        started_(std::chrono::steady_clock::now()), deadline_(started_ + svc_->request_timeout) {}

  const brokkr::http::request& req() const override { return req_; }
  const std::string& param(const std::string& name) const override {
    static const std::string none;
    auto it = params_.find(name);
    return it == params_.end() ? none : it->second;
  }
  const auth::identity& who() const override { return who_; }
  const services& svc() const override { return *svc_; }

  void reply(int status, const json& body) override {
    reply_raw(status, "application/json", json_limits::dump(body) + "\n", {});
  }

  void reply_raw(int status, std::string content_type, std::string body, brokkr::http::header_list headers) override {
    if (answered_) return;
    answered_ = true;
    record(status);
    resp_->send(brokkr::http::response{status, std::move(headers), std::move(content_type), std::move(body)});
  }

  void fail(int status, const std::string& code, const std::string& message,
            json details = json::object()) override {
    reply(status, {{"error", {{"code", code}, {"message", message}, {"details", std::move(details)}}}});
  }
  using request_context::fail;

  // A job still queued when the request's time is up is not run; it answers `timeout`.
  void submit(persistence::db_job job, std::function<void(persistence::db_reply&)> done) override {
    svc_->db_queue->submit(
        std::move(job), [self = shared_from_this(), done = std::move(done)](persistence::db_reply r) { done(r); },
        deadline_);
  }

  void follow_events(const std::string& work_id, int64_t after, bool sse) override;
  void follow_logs(const work_item& w, const std::string& step) override;

  void log_requests(const std::string& agent_id, const std::string& work_id,
                    std::function<void(std::vector<log_stream_request>)> done) override {
    // Nearly every heartbeat finds nothing waiting; it need not cross to CAF's threads to hear so.
    if (!svc_->logs || (svc_->logs_waiting && svc_->logs_waiting->load(std::memory_order_acquire) == 0))
      return done({});
    ask<std::vector<log_stream_request>>(svc_->logs, {}, std::move(done), caf::get_atom::value, agent_id, work_id);
  }

  void push_log_chunk(const std::string& agent_id, log_chunk chunk, std::function<void(bool)> done) override {
    if (!svc_->logs) return done(false);
    ask<bool>(svc_->logs, false, std::move(done), logs_atom::value, agent_id, std::move(chunk));
  }

  void actor_stats(std::function<void(uint64_t, uint64_t, uint64_t)> done) override {
    auto with_sessions = [self = shared_from_this(), done](uint64_t items, uint64_t idle) {
      if (!self->svc_->sessions) return done(items, idle, 0);
      self->ask<uint64_t>(self->svc_->sessions, 0,
                          [done, items, idle](uint64_t sessions) { done(items, idle, sessions); }, stats_atom::value);
    };
    ask_with(svc_->supervisor, [with_sessions](uint64_t items, uint64_t idle) { with_sessions(items, idle); },
             [with_sessions] { with_sessions(0, 0); }, stats_atom::value);
  }

  void start();

 private:
  // Asks actor `to` from outside CAF, through a short-lived actor: `then` gets its answer, or
  // `failed` runs if it fails or takes over 5 s. Both must hold the request (`self`), since CAF
  // drops the function that spawns an actor once it returned; `failed` is given it here, `then`
  // must capture it itself, as it needs a concrete signature for CAF to tell the answer's types.
  template <class To, class Then, class Failed, class... Ts>
  void ask_with(const To& to, Then then, Failed failed, Ts... xs) {
    sys_.spawn([to, then = std::move(then), failed = std::move(failed), self = shared_from_this(),
                xs...](caf::event_based_actor* a) mutable {
      a->request(to, std::chrono::seconds(5), std::move(xs)...)
          .then(std::move(then), [failed, self](caf::error&) { failed(); });
    });
  }

  // The same for an answer of one value, with `fallback` on failure.
  template <class R, class To, class... Ts>
  void ask(const To& to, R fallback, std::function<void(R)> done, Ts... xs) {
    ask_with(to, [done, self = shared_from_this()](R& r) { done(std::move(r)); },
             [done, fallback = std::move(fallback)] { done(fallback); }, std::move(xs)...);
  }

  void authenticate(const route& r);
  void dispatch(const route& r);
  void record(int status);

  caf::actor_system& sys_;
  brokkr::http::request req_;
  std::shared_ptr<responder> resp_;
  std::shared_ptr<const services> svc_;
  std::map<std::string, std::string> params_;
  auth::identity who_;
  std::string route_label_ = "unmatched";
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point deadline_;
  bool answered_ = false;
};

// A label value from the request would let any client mint series without bound: methods outside
// the known set count as "other" (routes are already the patterns, statuses a fixed set).
std::string method_label(const std::string& method) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == m) return method;
  return "other";
}

void direct_context::record(int status) {
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  svc_->metrics->inc("brokkr_http_requests_total",
                     {{"method", method_label(req_.method)}, {"route", route_label_}, {"status", std::to_string(status)}});
  svc_->metrics->observe("brokkr_http_request_duration_seconds", {{"route", route_label_}}, secs);
}

void direct_context::start() {
  const auto m = match(all_routes(), req_.method, req_.path);
  if (!m.found) {
    if (m.other_method) return fail(405, "method_not_allowed", req_.method + " is not allowed on " + req_.path);
    return fail(404, "not_found", "no route for " + req_.method + " " + req_.path);
  }
  route_label_ = m.found->pattern;
  params_ = m.params;
  // Path parameters reach SQL: ids are UUIDs (anything else names nothing), and no parameter may
  // carry NUL (a %00 would be cut by libpq and match another row).
  for (const auto& [name, value] : params_) {
    if (name == "id" && !is_uuid(value)) return fail(404, "not_found", "no resource with id " + value + " (ids are UUIDs)");
    if (auto bad = check_text(name, value); !bad) return request_context::fail(bad.error());
  }
  if (m.found->who == access::open) return dispatch(*m.found);
  authenticate(*m.found);
}

void direct_context::authenticate(const route& r) {
  std::string text;
  if (auto h = req_.headers.get("authorization"); h && h->rfind("Bearer ", 0) == 0) text = h->substr(7);
  else if (auto k = req_.headers.get("x-api-key")) text = *k;
  auto step = svc_->agents->authenticate(text);
  if (!step) return fail(step.error());
  if (step->cached) {
    who_ = *step->cached;
    return dispatch(r);
  }
  run(op<auth::identity>(std::move(*step->lookup)), [this, &r](auth::identity id) {
    who_ = std::move(id);
    dispatch(r);
  });
}

void direct_context::dispatch(const route& r) {
  if (!who_.is_admin() && svc_->presence) svc_->presence->seen_over_http(who_.agent_id);
  if (r.who == access::admin && !who_.is_admin()) return fail(403, "forbidden", "this call requires an admin key");
  r.handle(*this);
}

void direct_context::follow_events(const std::string& work_id, int64_t after, bool sse) {
  answered_ = true;
  record(200);
  auto stream = resp_->begin_stream(200, {{"Cache-Control", "no-cache"}}, sse ? "text/event-stream" : "application/x-ndjson");
  event_sink sink;
  sink.deliver = [stream, sse](const work_event& e) {
    const auto line = json_limits::dump(to_json(e));
    return sse ? stream->write("event: transition\nid: " + std::to_string(e.id) + "\ndata: " + line + "\n\n")
               : stream->write(line + "\n");
  };
  sink.finished = [stream](bool) {
    if (!stream->closed()) stream->finish();
  };
  // Every item's feed has no change notices to wake it, so it polls often.
  const auto poll = work_id.empty() ? std::min(svc_->follow_poll, std::chrono::milliseconds(500)) : svc_->follow_poll;
  event_relay_config cfg{work_id, after, poll, svc_->max_follow, svc_->request_timeout};
  auto relay = spawn_event_relay(sys_, cfg, std::move(sink), svc_->db, svc_->supervisor);
  // The client hanging up ends the relay; the relay ending ends the stream.
  stream->on_close([relay] { caf::anon_send_exit(relay, caf::exit_reason::user_shutdown); });
}

void direct_context::follow_logs(const work_item& w, const std::string& step) {
  if (!svc_->logs) return fail(503, "Unavailable", "live logs are not served by this broker");
  answered_ = true;
  record(200);
  auto stream = resp_->begin_stream(200, {{"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}},
                                    "text/plain; charset=utf-8");
  log_sink sink;
  sink.write = [stream](std::string text) { return stream->write(std::move(text)); };
  sink.queued = [stream] { return stream->queued(); };
  sink.finished = [stream](const std::string& note) {
    if (!note.empty()) stream->write("[brokkr: " + note + "]\n");
    if (!stream->closed()) stream->finish();
  };
  log_reader_config cfg{{}, w.id, w.claimed_by, step, 64 * 1024, svc_->max_follow};
  auto reader = spawn_log_reader(sys_, svc_->logs, std::move(cfg), std::move(sink));
  stream->on_close([reader] { caf::anon_send_exit(reader, caf::exit_reason::user_shutdown); });
}

}  // namespace

api_server::api_server(caf::actor_system& sys, brokkr::http::server_config cfg, std::shared_ptr<const services> svc)
    : server_(std::make_unique<brokkr::http::server>(
          std::move(cfg), [&sys, svc](brokkr::http::request req, std::shared_ptr<responder> resp) {
            std::make_shared<direct_context>(sys, std::move(req), std::move(resp), svc)->start();
          })) {}

expected<uint16_t, std::string> api_server::start() { return server_->start(); }
void api_server::stop(std::chrono::milliseconds timeout) { server_->stop(timeout); }
uint16_t api_server::port() const { return server_->port(); }

}  // namespace brokkr::broker::http
