// Live logs through the broker's log hub, with the agent played over a real CAF session: the hub
// asks the claimer's link, relays its chunks to an HTTP follower as they come, picks up from the
// last byte after the agent logs in again, and tells the agent to stop when nobody reads.
#include <atomic>
#include <thread>

#include "tests/e2e/caf/fixture.hpp"
#include "tests/support/log_follower.hpp"

using namespace brokkr;
using namespace brokkr::test;
using namespace std::chrono_literals;

namespace {

std::string logs_path(const std::string& id, const std::string& query = "follow=true") {
  return "/api/v1/ephemeral-work/" + id + "/logs?" + query;
}

// A CAF integration's subscriber: records what it gets; acknowledges each piece when `ack` is set
// (or later, with ack_all), as the protocol asks.
struct log_record {
  std::mutex m;
  std::condition_variable cv;
  std::string text;
  std::optional<std::string> end;
  std::atomic<bool> ack{true};
  int64_t unacked = 0;
  caf::actor_addr reader;
  size_t size() {
    std::lock_guard<std::mutex> g(m);
    return text.size();
  }
  bool wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(m);
    return cv.wait_for(g, timeout, pred);
  }
};

log_subscriber_actor recording_subscriber(caf_node& node, std::shared_ptr<log_record> rec) {
  return node.sys().spawn([rec](log_subscriber_actor::pointer self) -> log_subscriber_actor::behavior_type {
    return {
        [self, rec](logdata_atom, const std::string& text) {
          std::lock_guard<std::mutex> g(rec->m);
          rec->text += text;
          rec->unacked += static_cast<int64_t>(text.size());
          if (rec->ack) {
            caf::anon_send(caf::actor_cast<caf::actor>(self->current_sender()), logmore_atom::value, rec->unacked);
            rec->unacked = 0;
          }
          rec->reader = caf::actor_cast<caf::actor_addr>(self->current_sender());
          rec->cv.notify_all();
        },
        [rec](logend_atom, const std::string& note) {
          std::lock_guard<std::mutex> g(rec->m);
          rec->end = note;
          rec->cv.notify_all();
        },
    };
  });
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(caf_live_logs, caf_fixture)

BOOST_AUTO_TEST_CASE(chunks_reach_the_follower_and_a_reconnected_agent_resumes_from_the_last_byte) {
  const auto a = make_agent("logger", {"logs"});
  caf_node node;
  auto pushes = std::make_shared<push_log>();
  auto s = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(pushes));
  BOOST_REQUIRE(s.has_value());
  const auto id = submit(build_work({"logs"}));
  BOOST_REQUIRE(node.ask<work_item>(s->session, claim_atom::value, s->token, id).has_value());

  log_follower f(broker.url(), broker.admin_key(), logs_path(id));
  const auto req = pushes->wait_log_request(1, 10s);
  BOOST_REQUIRE_MESSAGE(req.has_value(), "the claimer was never asked to stream");
  BOOST_TEST(req->work_id == id);
  BOOST_TEST(req->step.empty());
  BOOST_TEST(req->offset == 0);

  auto chunk = [&](const agent_login_result& l, uint64_t gen, int64_t offset, std::string text, bool done = false) {
    return node.ask<bool>(l.session, logs_atom::value, l.token, log_chunk{id, "", gen, offset, std::move(text), done, ""});
  };
  auto more = chunk(*s, req->generation, 0, "step 1 of 3\n");
  BOOST_REQUIRE(more.has_value());
  BOOST_TEST(*more);  // someone reads
  BOOST_REQUIRE_MESSAGE(f.wait_text("step 1 of 3\n", 10s), "the follower read: " << f.read());

  // The agent loses its connection and logs in again: the hub asks the new link from byte 12.
  auto pushes2 = std::make_shared<push_log>();
  caf_node node2;
  auto s2 = login_agent(node2.sys(), node2.gateway(broker.caf_port()), a.key, node2.recording_link(pushes2));
  BOOST_REQUIRE(s2.has_value());
  const auto req2 = pushes2->wait_log_request(1, 10s);
  BOOST_REQUIRE(req2.has_value());
  BOOST_TEST(req2->offset == 12);
  BOOST_TEST(req2->generation > req->generation);
  // A chunk of the replaced stream is refused; the new one may resend what the broker has.
  auto stale = chunk(*s, req->generation, 12, "stale\n");
  BOOST_REQUIRE(stale.has_value());
  BOOST_TEST(!*stale);
  BOOST_TEST(*node2.ask<bool>(s2->session, logs_atom::value, s2->token,
                              log_chunk{id, "", req2->generation, 0, "step 1 of 3\nstep 2 of 3\n", false, ""}));
  BOOST_TEST(!*node2.ask<bool>(s2->session, logs_atom::value, s2->token,
                               log_chunk{id, "", req2->generation, 24, "step 3 of 3\n", true, ""}));
  BOOST_REQUIRE(f.wait_end(10s));
  BOOST_TEST(f.status == 200);
  BOOST_TEST(f.content_type.find("text/plain") == 0u);
  BOOST_TEST(f.read() == "step 1 of 3\nstep 2 of 3\nstep 3 of 3\n");
}

BOOST_AUTO_TEST_CASE(the_agent_hears_stop_when_the_last_reader_left_and_bad_chunks_are_refused) {
  const auto a = make_agent("quiet", {"quiet"});
  caf_node node;
  auto pushes = std::make_shared<push_log>();
  auto s = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(pushes));
  BOOST_REQUIRE(s.has_value());
  const auto id = submit(build_work({"quiet"}));
  BOOST_REQUIRE(node.ask<work_item>(s->session, claim_atom::value, s->token, id).has_value());
  auto f = std::make_unique<log_follower>(broker.url(), broker.admin_key(), logs_path(id, "follow=1&step=build-and-push"));
  const auto req = pushes->wait_log_request(1, 10s);
  BOOST_REQUIRE(req.has_value());
  BOOST_TEST(req->step == "build-and-push");

  // Too large, or without the session's token: refused before the hub sees it.
  auto big = node.ask<bool>(s->session, logs_atom::value, s->token,
                            log_chunk{id, req->step, req->generation, 0, std::string(max_log_chunk + 1, 'x'), false, ""});
  BOOST_REQUIRE(!big.has_value());
  BOOST_TEST((big.error() == errc::invalid_argument));
  auto forged = node.ask<bool>(s->session, logs_atom::value, session_token{"forged"},
                               log_chunk{id, req->step, req->generation, 0, "x\n", false, ""});
  BOOST_REQUIRE(!forged.has_value());
  BOOST_TEST((forged.error() == errc::forbidden));

  BOOST_TEST(*node.ask<bool>(s->session, logs_atom::value, s->token,
                             log_chunk{id, req->step, req->generation, 0, "first\n", false, ""}));
  BOOST_REQUIRE(f->wait_text("first\n", 10s));
  // Another agent's session, with the right item, step and generation: not its stream, not relayed.
  const auto other = make_agent("intruder", {"elsewhere"});
  caf_node other_node;
  auto o = login_agent(other_node.sys(), other_node.gateway(broker.caf_port()), other.key,
                       other_node.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(o.has_value());
  auto injected = other_node.ask<bool>(o->session, logs_atom::value, o->token,
                                       log_chunk{id, req->step, req->generation, 6, "injected\n", false, ""});
  BOOST_REQUIRE(injected.has_value());
  BOOST_TEST(!*injected);
  auto negative = node.ask<bool>(s->session, logs_atom::value, s->token,
                                 log_chunk{id, req->step, req->generation, -1, "x\n", false, ""});
  BOOST_REQUIRE(!negative.has_value());
  BOOST_TEST((negative.error() == errc::invalid_argument));
  std::this_thread::sleep_for(200ms);
  BOOST_TEST(f->read() == "first\n");
  f.reset();  // the reader hangs up
  bool told_to_stop = false;
  for (int i = 0; i < 100 && !told_to_stop; ++i) {
    std::this_thread::sleep_for(50ms);
    auto r = node.ask<bool>(s->session, logs_atom::value, s->token,
                            log_chunk{id, req->step, req->generation, 6 + i * 5, "more\n", false, ""});
    told_to_stop = r.has_value() && !*r;
  }
  BOOST_TEST(told_to_stop);
}

BOOST_AUTO_TEST_CASE(following_a_pending_item_is_a_conflict_and_a_finished_one_gives_its_stored_tail) {
  const auto a = make_agent("tail", {"tail"});
  const auto pending = submit(build_work({"nobody-here"}));
  auto r = admin->get(logs_path(pending));
  BOOST_TEST(r.status == 409);
  BOOST_TEST(r.body["error"]["details"]["field"] == "status");
  auto bad = admin->get(logs_path(pending, "follow=true&step=Not_A_Step"));
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.body["error"]["details"]["field"] == "step");

  caf_node node;
  auto s = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(s.has_value());
  const auto id = submit(build_work({"tail"}));
  BOOST_REQUIRE(node.ask<work_item>(s->session, claim_atom::value, s->token, id).has_value());
  BOOST_REQUIRE(node.ask<work_item>(s->session, complete_atom::value, s->token,
                                    completion_report{id, "", 1, work_outcome::completed, "", "built",
                                                      R"({"log_tail":"pushed image\nsha256:ab","log_container":"step-build"})"})
                    .has_value());
  auto done = admin->get(logs_path(id));
  BOOST_TEST(done.status == 200);
  BOOST_TEST(done.raw == "pushed image\nsha256:ab\n");
}

// The claimer's node goes away mid-stream and does not come back: the follower is told so within
// seconds instead of waiting for its follow limit.
BOOST_AUTO_TEST_CASE(a_reader_hears_when_the_streaming_agent_is_gone_for_good) {
  const auto a = make_agent("mortal", {"mortal"});
  auto node = std::make_unique<caf_node>();
  auto pushes = std::make_shared<push_log>();
  auto s = login_agent(node->sys(), node->gateway(broker.caf_port()), a.key, node->recording_link(pushes));
  BOOST_REQUIRE(s.has_value());
  const auto id = submit(build_work({"mortal"}));
  BOOST_REQUIRE(node->ask<work_item>(s->session, claim_atom::value, s->token, id).has_value());
  log_follower f(broker.url(), broker.admin_key(), logs_path(id));
  const auto req = pushes->wait_log_request(1, 10s);
  BOOST_REQUIRE(req.has_value());
  BOOST_TEST(*node->ask<bool>(s->session, logs_atom::value, s->token, log_chunk{id, "", req->generation, 0, "before\n", false, ""}));
  BOOST_REQUIRE(f.wait_text("before\n", 10s));
  node.reset();  // its connection closes; it never logs in again
  BOOST_REQUIRE_MESSAGE(f.wait_end(60s), "the follower read: " << f.read());
  BOOST_TEST(f.status == 200);
  const auto text = f.read();
  BOOST_TEST(text.find("before\n[brokkr: agent " + a.id + " lost its CAF session") == 0u, text);
}

// An integration subscribes over CAF; it gets no more than 64 KiB it has not acknowledged, however
// much the agent sends, and the rest once it acknowledges.
BOOST_AUTO_TEST_CASE(an_integration_follows_a_log_and_is_held_to_its_window) {
  const auto a = make_agent("feeder", {"feed"});
  caf_node agent_node, integ_node;
  auto pushes = std::make_shared<push_log>();
  auto s = login_agent(agent_node.sys(), agent_node.gateway(broker.caf_port()), a.key, agent_node.recording_link(pushes));
  BOOST_REQUIRE(s.has_value());
  auto integ = login_integration(integ_node.sys(), integ_node.gateway(broker.caf_port()), broker.admin_key());
  BOOST_REQUIRE(integ.has_value());
  const auto pending = submit(build_work({"nobody"}));
  auto rec = std::make_shared<log_record>();
  auto sub = recording_subscriber(integ_node, rec);
  auto refused = integ_node.ask<bool>(integ->session, logs_atom::value, integ->token, pending, std::string(), sub);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error() == errc::conflict));

  const auto id = submit(build_work({"feed"}));
  BOOST_REQUIRE(agent_node.ask<work_item>(s->session, claim_atom::value, s->token, id).has_value());
  rec->ack = false;
  auto ok = integ_node.ask<bool>(integ->session, logs_atom::value, integ->token, id, std::string(), sub);
  BOOST_REQUIRE(ok.has_value());
  const auto req = pushes->wait_log_request(1, 10s);
  BOOST_REQUIRE(req.has_value());
  // 512 KiB in 32 KiB chunks: the hub takes every one (its ring holds them), the subscriber
  // gets one window.
  const std::string piece(32 * 1024 - 1, 'x');
  int64_t offset = 0;
  for (int i = 0; i < 16; ++i) {
    auto more = agent_node.ask<bool>(s->session, logs_atom::value, s->token,
                                     log_chunk{id, "", req->generation, offset, piece + "\n", false, ""});
    BOOST_REQUIRE(more.has_value());
    BOOST_TEST(*more);
    offset += 32 * 1024;
  }
  BOOST_REQUIRE(rec->wait([&] { return rec->text.size() >= 64 * 1024; }, 10s));
  std::this_thread::sleep_for(300ms);  // nothing more arrives while nothing is acknowledged
  BOOST_TEST(rec->size() == 64u * 1024);
  // Acknowledging lets the rest through; the done chunk ends the subscription.
  BOOST_TEST(!*agent_node.ask<bool>(s->session, logs_atom::value, s->token,
                                    log_chunk{id, "", req->generation, offset, "the end\n", true, ""}));
  rec->ack = true;
  {
    std::lock_guard<std::mutex> g(rec->m);
    caf::anon_send(caf::actor_cast<caf::actor>(rec->reader), logmore_atom::value, rec->unacked);
    rec->unacked = 0;
  }
  BOOST_REQUIRE(rec->wait([&] { return rec->end.has_value(); }, 10s));
  BOOST_TEST(rec->text.size() == static_cast<size_t>(offset) + 8);
  BOOST_TEST(rec->text.substr(rec->text.size() - 8) == "the end\n");
  BOOST_TEST(rec->end->empty());
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);  // the node's system waits for it
}

// Protocol 3 kept the typed handles' names: an agent of version 2 passes CAF's interface check,
// logs in and claims; the broker never sends it a log request it would not understand.
BOOST_AUTO_TEST_CASE(a_version_2_agent_still_logs_in_and_is_not_asked_for_logs) {
  const auto a = make_agent("older", {"older"});
  caf_node node;
  auto pushes = std::make_shared<push_log>();
  caf::scoped_actor self{node.sys()};
  std::optional<std::pair<agent_session_actor, login_reply>> login;
  self->request(node.gateway(broker.caf_port()), 10s, hello_atom::value, agent_login_atom::value, int32_t{2}, a.key,
                node.recording_link(pushes))
      .receive([&](agent_session_actor& s, login_reply& r) { login.emplace(s, r); }, [](caf::error&) {});
  BOOST_REQUIRE(login.has_value());
  BOOST_TEST(login->second.protocol == 3);
  const auto id = submit(build_work({"older"}));
  BOOST_REQUIRE(node.ask<work_item>(login->first, claim_atom::value, login->second.token, id).has_value());
  api_client c(broker.url(), broker.admin_key());
  std::atomic<bool> stop{false};
  std::thread t([&] { (void)c.stream_chunks(logs_path(id), [](std::string_view) { return true; }, nullptr, &stop); });
  std::this_thread::sleep_for(1500ms);
  stop = true;
  t.join();
  BOOST_TEST(!pushes->wait_log_request(1, 100ms).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
