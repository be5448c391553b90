// Each HTTP request runs in its own actor: route, authenticate, hand to the handler, and answer
// once; the actor then ends. Followed event streams keep their actor until the item is terminal.
#include <caf/all.hpp>

#include "actors/claim_protocol.hpp"
#include "broker_node/auth/authenticate.hpp"
#include "broker_node/http/api_server.hpp"
#include "broker_node/http/errors.hpp"
#include "broker_node/http/json_codec.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;
using brokkr::http::responder;

class actor_context final : public request_context, public std::enable_shared_from_this<actor_context> {
 public:
  actor_context(caf::event_based_actor* self, brokkr::http::request req, std::shared_ptr<responder> resp,
                std::shared_ptr<const services> svc)
      : self_(self), req_(std::move(req)), resp_(std::move(resp)), svc_(std::move(svc)),
        started_(std::chrono::steady_clock::now()) {}

  const brokkr::http::request& req() const override { return req_; }
  const std::string& param(const std::string& name) const override {
    static const std::string none;
    auto it = params_.find(name);
    return it == params_.end() ? none : it->second;
  }
  const auth::identity& who() const override { return who_; }
  const services& svc() const override { return *svc_; }

  void reply(int status, const json& body) override {
    reply_raw(status, "application/json", body.dump() + "\n");
  }

  void reply_raw(int status, std::string content_type, std::string body) override {
    if (answered_) return;
    answered_ = true;
    record(status);
    resp_->send(brokkr::http::response{status, {}, std::move(content_type), std::move(body)});
    self_->quit();
  }

  void fail(int status, const std::string& code, const std::string& message,
            json details = json::object()) override {
    reply(status, {{"error", {{"code", code}, {"message", message}, {"details", std::move(details)}}}});
  }
  using request_context::fail;

  void run(persistence::db_job job, std::function<void(persistence::db_reply&)> done) override {
    self_->request(svc_->db, svc_->request_timeout, persistence::run_atom::value, std::move(job))
        .then([done = std::move(done)](persistence::db_reply& r) mutable { done(r); },
              [this](caf::error& e) {
                fail(e == caf::sec::request_timeout ? 504 : 503, "unavailable",
                     "database request failed: " + self_->system().render(e));
              });
  }

  void follow_events(const std::string& work_id, int64_t after, bool sse) override;

  void start();
  void on_timeout() {
    if (!streaming_) fail(504, "timeout", "the request was not answered in time");
  }

 private:
  void authenticate(const route& r);
  void dispatch(const route& r);
  void record(int status);
  void load_events();
  void end_stream();

  caf::event_based_actor* self_;
  brokkr::http::request req_;
  std::shared_ptr<responder> resp_;
  std::shared_ptr<const services> svc_;
  std::map<std::string, std::string> params_;
  auth::identity who_;
  std::string route_label_ = "unmatched";
  std::chrono::steady_clock::time_point started_;
  bool answered_ = false;
  // Followed event streams.
  bool streaming_ = false;
  std::shared_ptr<brokkr::http::stream> stream_;
  std::string follow_id_;
  int64_t last_event_ = 0;
  bool sse_ = false;
  bool loading_ = false;
  bool reload_ = false;
};

void actor_context::record(int status) {
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  svc_->metrics->inc("brokkr_http_requests_total",
                     {{"method", req_.method}, {"route", route_label_}, {"status", std::to_string(status)}});
  svc_->metrics->observe("brokkr_http_request_duration_seconds", {{"route", route_label_}}, secs);
}

void actor_context::start() {
  const auto m = match(all_routes(), req_.method, req_.path);
  if (!m.found) {
    if (m.other_method) return fail(405, "method_not_allowed", req_.method + " is not allowed on " + req_.path);
    return fail(404, "not_found", "no route for " + req_.method + " " + req_.path);
  }
  route_label_ = m.found->pattern;
  params_ = m.params;
  if (m.found->who == access::open) return dispatch(*m.found);
  authenticate(*m.found);
}

void actor_context::authenticate(const route& r) {
  std::string text;
  if (auto h = req_.headers.get("authorization"); h && h->rfind("Bearer ", 0) == 0) text = h->substr(7);
  else if (auto k = req_.headers.get("x-api-key")) text = *k;
  if (text.empty())
    return fail(401, "unauthenticated", "an API key is required (Authorization: Bearer brokkr_BR...)");
  auto key = auth::parse_key(text);
  if (!key) return fail(401, "unauthenticated", key.error());
  const auto digest = auth::hash_secret(text);
  if (auto cached = svc_->keys->get(digest)) {
    who_ = *cached;
    return dispatch(r);
  }
  run(persistence::make_job<auth::identity>("auth", [k = *key](persistence::repositories& repos) {
        return auth::lookup(repos, k);
      }),
      [this, &r, digest](persistence::db_reply& reply) {
        auto id = persistence::take<auth::identity>(reply);
        if (!id) return request_context::fail(id.error());
        svc_->keys->put(digest, *id);
        who_ = *id;
        dispatch(r);
      });
}

void actor_context::dispatch(const route& r) {
  if (r.who == access::admin && !who_.is_admin()) return fail(403, "forbidden", "this call requires an admin key");
  r.handle(*this);
}

bool is_terminal_status(const std::string& s) {
  const auto st = parse_work_status(s);
  return st && is_terminal(*st);
}

void actor_context::follow_events(const std::string& work_id, int64_t after, bool sse) {
  streaming_ = true;
  answered_ = true;
  record(200);
  sse_ = sse;
  follow_id_ = work_id;
  last_event_ = after;
  stream_ = resp_->begin_stream(200, {{"Cache-Control", "no-cache"}},
                                sse ? "text/event-stream" : "application/x-ndjson");
  auto me = caf::actor_cast<caf::actor>(self_);
  stream_->on_close([me] { caf::anon_send(me, caf::close_atom::value); });
  self_->send(svc_->supervisor, caf::subscribe_atom::value, work_id, me);
  self_->delayed_send(self_, svc_->max_follow, caf::close_atom::value);
  self_->delayed_send(self_, svc_->follow_poll, caf::tick_atom::value);
  auto keep = shared_from_this();
  self_->become(
      [keep](work_notice&) { keep->load_events(); },
      [keep](gone_atom, std::string&) { keep->end_stream(); },
      [keep](caf::tick_atom) {
        keep->load_events();
        keep->self_->delayed_send(keep->self_, keep->svc_->follow_poll, caf::tick_atom::value);
      },
      [keep](caf::close_atom) { keep->end_stream(); },
      [](caf::timeout_atom) {});
  load_events();
}

void actor_context::load_events() {
  if (loading_) {
    reload_ = true;
    return;
  }
  loading_ = true;
  auto job = persistence::make_job<std::vector<work_event>>(
      "events", [id = follow_id_, after = last_event_](persistence::repositories& r) { return r.work.events(id, after, 1000); });
  self_->request(svc_->db, svc_->request_timeout, persistence::run_atom::value, std::move(job))
      .then(
          [this](persistence::db_reply& reply) {
            loading_ = false;
            auto events = persistence::take<std::vector<work_event>>(reply);
            if (!events) return;  // the poll tries again
            bool terminal = false;
            for (const auto& e : *events) {
              const auto line = to_json(e).dump();
              const bool written = sse_ ? stream_->write("event: transition\nid: " + std::to_string(e.id) + "\ndata: " + line + "\n\n")
                                        : stream_->write(line + "\n");
              if (!written) return end_stream();
              last_event_ = e.id;
              terminal = terminal || is_terminal_status(e.to_status);
            }
            if (terminal) return end_stream();
            if (events->size() == 1000 || reload_) {
              reload_ = false;
              load_events();
            }
          },
          [this](caf::error&) { loading_ = false; });
}

void actor_context::end_stream() {
  if (stream_ && !stream_->closed()) stream_->finish();
  self_->quit();
}

caf::behavior request_actor(caf::event_based_actor* self, brokkr::http::request req, std::shared_ptr<responder> resp,
                            std::shared_ptr<const services> svc) {
  auto ctx = std::make_shared<actor_context>(self, std::move(req), std::move(resp), svc);
  self->delayed_send(self, svc->request_timeout, caf::timeout_atom::value);
  ctx->start();
  return {[ctx](caf::timeout_atom) { ctx->on_timeout(); }};
}

}  // namespace

api_server::api_server(caf::actor_system& sys, brokkr::http::server_config cfg, std::shared_ptr<const services> svc)
    : server_(std::make_unique<brokkr::http::server>(
          std::move(cfg), [&sys, svc](brokkr::http::request req, std::shared_ptr<responder> resp) {
            sys.spawn(request_actor, std::move(req), std::move(resp), svc);
          })) {}

expected<uint16_t, std::string> api_server::start() { return server_->start(); }
void api_server::stop(std::chrono::milliseconds timeout) { server_->stop(timeout); }
uint16_t api_server::port() const { return server_->port(); }

}  // namespace brokkr::broker::http
