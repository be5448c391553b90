// Agent and integration sessions over real TCP between actor systems (separate CAF nodes).
#include "tests/e2e/caf/fixture.hpp"

using namespace brokkr;
using namespace brokkr::test;
using nlohmann::json;

BOOST_FIXTURE_TEST_SUITE(caf_sessions, caf_fixture)

BOOST_AUTO_TEST_CASE(pushed_work_is_claimed_within_milliseconds) {
  const auto gpu = make_agent("gpu", {"gpu"});
  caf_node node;
  auto log = std::make_shared<push_log>();
  auto login = login_agent(node.sys(), node.gateway(broker.caf_port()), gpu.key, node.recording_link(log));
  BOOST_REQUIRE_MESSAGE(login.has_value(), (login ? std::string() : login.error()));
  BOOST_TEST(login->agent_id == gpu.id);

  std::vector<double> push_ms, claim_ms;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto id = submit(build_work({"gpu"}));
    BOOST_REQUIRE_MESSAGE(log->wait_available(id, std::chrono::seconds(10)), "no push for " << id);
    const auto pushed = [&] {
      std::lock_guard<std::mutex> g(log->m);
      for (auto& a : log->available)
        if (a.first == id) return a.second;
      return t0;
    }();
    auto claimed = node.ask<work_item>(login->session, claim_atom::value, login->token, id);
    const auto t2 = std::chrono::steady_clock::now();
    BOOST_REQUIRE(claimed.has_value());
    BOOST_TEST(claimed->attempt == 1);
    push_ms.push_back(std::chrono::duration<double, std::milli>(pushed - t0).count());
    claim_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  std::sort(push_ms.begin(), push_ms.end());
  std::sort(claim_ms.begin(), claim_ms.end());
  BOOST_TEST_MESSAGE("submit -> push: median " << push_ms[2] << " ms, max " << push_ms[4]
                                               << " ms; submit -> claimed: median " << claim_ms[2] << " ms, max "
                                               << claim_ms[4] << " ms");
  std::printf("push latency (submit -> push received): median %.1f ms, max %.1f ms; submit -> claimed: median %.1f ms\n",
              push_ms[2], push_ms[4], claim_ms[2]);
}

BOOST_AUTO_TEST_CASE(an_agent_only_hears_of_and_claims_work_targeted_at_it) {
  const auto gpu = make_agent("gpu", {"gpu"});
  const auto plain = make_agent("plain", {"linux"});
  caf_node gpu_node, plain_node;
  auto gpu_log = std::make_shared<push_log>(), plain_log = std::make_shared<push_log>();
  auto g = login_agent(gpu_node.sys(), gpu_node.gateway(broker.caf_port()), gpu.key, gpu_node.recording_link(gpu_log));
  auto p = login_agent(plain_node.sys(), plain_node.gateway(broker.caf_port()), plain.key, plain_node.recording_link(plain_log));
  BOOST_REQUIRE(g.has_value());
  BOOST_REQUIRE(p.has_value());
  std::vector<std::string> gpu_work;
  for (int i = 0; i < 5; ++i) gpu_work.push_back(submit(build_work({"gpu"})));
  const auto plain_work = submit(build_work({"linux"}));
  BOOST_REQUIRE(plain_log->wait_available(plain_work, std::chrono::seconds(10)));
  for (const auto& id : gpu_work) BOOST_REQUIRE(gpu_log->wait_available(id, std::chrono::seconds(10)));
  for (const auto& id : plain_log->available_ids())
    BOOST_TEST((id == plain_work || id.empty()), "plain agent was told about " << id);
  // Neither listing nor claiming reaches untargeted work.
  auto pending = plain_node.ask<std::vector<work_item>>(p->session, caf::pending_atom::value, p->token, int32_t{50});
  BOOST_REQUIRE(pending.has_value());
  BOOST_REQUIRE_EQUAL(pending->size(), 1u);
  BOOST_TEST((*pending)[0].id == plain_work);
  auto stolen = plain_node.ask<work_item>(p->session, claim_atom::value, p->token, gpu_work[0]);
  BOOST_REQUIRE(!stolen.has_value());
  BOOST_TEST(stolen.error() == errc::forbidden);
  auto next = plain_node.ask<std::vector<work_item>>(p->session, claimnext_atom::value, p->token, std::vector<std::string>{}, int32_t{1});
  BOOST_REQUIRE(next.has_value());
  BOOST_REQUIRE_EQUAL(next->size(), 1u);
  BOOST_TEST((*next)[0].id == plain_work);
}

// Pushes follow targeting by annotation and by id as they follow labels, and the end of a retry's
// backoff is pushed too.
BOOST_AUTO_TEST_CASE(pushes_follow_annotations_ids_and_retry_backoffs) {
  const auto eu = make_agent("eu");
  const auto named = make_agent("named");
  BOOST_REQUIRE(admin->post("/api/v1/agents/" + eu.id + "/annotations", {{"annotations", {{"zone", "eu"}}}}).status == 200);
  caf_node eu_node, named_node;
  auto eu_log = std::make_shared<push_log>(), named_log = std::make_shared<push_log>();
  auto e = login_agent(eu_node.sys(), eu_node.gateway(broker.caf_port()), eu.key, eu_node.recording_link(eu_log));
  auto n = login_agent(named_node.sys(), named_node.gateway(broker.caf_port()), named.key, named_node.recording_link(named_log));
  BOOST_REQUIRE(e.has_value());
  BOOST_REQUIRE(n.has_value());
  const auto for_eu = submit({{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                              {"targets", {{"annotations", {{"zone", "eu"}}}}}, {"backoff_base_seconds", 1}});
  const auto for_named = submit({{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                                 {"targets", {{"agent_ids", {named.id}}}}});
  BOOST_REQUIRE(eu_log->wait_available(for_eu, std::chrono::seconds(10)));
  BOOST_REQUIRE(named_log->wait_available(for_named, std::chrono::seconds(10)));
  for (const auto& id : eu_log->available_ids()) BOOST_TEST(id != for_named);
  for (const auto& id : named_log->available_ids()) BOOST_TEST(id != for_eu);
  // The eu agent fails its run; when the 1 s backoff ends it is told the retry is claimable.
  BOOST_REQUIRE(eu_node.ask<work_item>(e->session, claim_atom::value, e->token, for_eu).has_value());
  auto failed = eu_node.ask<work_item>(e->session, complete_atom::value, e->token, completion_report{for_eu, "", 1, work_outcome::failed_retryable, "GitError", "", ""});
  BOOST_REQUIRE(failed.has_value());
  BOOST_TEST(failed->status == work_status::failed_retryable);
  BOOST_TEST(eu_log->wait_available_times(for_eu, 2, std::chrono::seconds(15)));
  auto retry = eu_node.ask<work_item>(e->session, claim_atom::value, e->token, for_eu);
  BOOST_REQUIRE(retry.has_value());
  BOOST_TEST(retry->attempt == 2);
}

BOOST_AUTO_TEST_CASE(logins_with_bad_keys_get_no_session) {
  const auto a = make_agent("a", {"x"});
  caf_node node;
  auto gw = node.gateway(broker.caf_port());
  auto link = node.recording_link(std::make_shared<push_log>());
  auto bad = login_agent(node.sys(), gw, "brokkr_BRnope_00000000000000000000000000000000", link);
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().find("unauthenticated") != std::string::npos);
  BOOST_TEST(!login_agent(node.sys(), gw, "garbage", link).has_value());
  // Keys of the wrong kind are refused too.
  auto admin_as_agent = login_agent(node.sys(), gw, broker.admin_key(), link);
  BOOST_REQUIRE(!admin_as_agent.has_value());
  BOOST_TEST(admin_as_agent.error().find("forbidden") != std::string::npos);
  auto agent_as_integration = login_integration(node.sys(), gw, a.key);
  BOOST_REQUIRE(!agent_as_integration.has_value());
  BOOST_TEST(agent_as_integration.error().find("forbidden") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_session_acts_only_as_its_own_agent) {
  const auto a = make_agent("a", {"x"});
  const auto b = make_agent("b", {"x"});
  caf_node na, nb;
  auto sa = login_agent(na.sys(), na.gateway(broker.caf_port()), a.key, na.recording_link(std::make_shared<push_log>()));
  auto sb = login_agent(nb.sys(), nb.gateway(broker.caf_port()), b.key, nb.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(sa.has_value() && sb.has_value());
  const auto id = submit(build_work({"x"}));
  auto claimed = na.ask<work_item>(sa->session, claim_atom::value, sa->token, id);
  BOOST_REQUIRE(claimed.has_value());
  BOOST_TEST(claimed->claimed_by == a.id);
  // b may not heartbeat or complete a's claim, even with the right attempt.
  auto hb = nb.ask<bool>(sb->session, heartbeat_atom::value, sb->token, id, int32_t{1});
  BOOST_TEST((!hb.has_value() && hb.error() == errc::conflict));
  auto done = nb.ask<work_item>(sb->session, complete_atom::value, sb->token, completion_report{id, "", 1, work_outcome::completed, "", "", ""});
  BOOST_REQUIRE(!done.has_value());
  BOOST_TEST(done.error() == errc::forbidden);
  BOOST_TEST(status_of(id) == "CLAIMED");
  // a completes; held() then is empty.
  BOOST_REQUIRE(na.ask<bool>(sa->session, heartbeat_atom::value, sa->token, id, int32_t{1}).has_value());
  auto held = na.ask<std::vector<work_item>>(sa->session, held_atom::value, sa->token);
  BOOST_TEST(held->size() == 1u);
  auto ok = na.ask<work_item>(sa->session, complete_atom::value, sa->token, completion_report{id, "", 1, work_outcome::completed, "", "built", R"({"digest":"sha256:1"})"});
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->status == work_status::completed);
  BOOST_TEST(na.ask<std::vector<work_item>>(sa->session, held_atom::value, sa->token)->empty());
}

// Authority is the session's token, never the actor handle or the sender's node: a second peer that
// holds agent A's session handle (and so knows its actor id and the broker's node) can neither
// claim, heartbeat nor complete A's work, with no token, a guessed one, or its own session's.
BOOST_AUTO_TEST_CASE(a_session_handle_without_its_token_is_worth_nothing) {
  const auto a = make_agent("a", {"x"});
  const auto b = make_agent("b", {"x"});
  const auto id = submit(build_work({"x"}));
  caf_node owner, thief;
  auto login = login_agent(owner.sys(), owner.gateway(broker.caf_port()), a.key, owner.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(login.has_value());
  BOOST_TEST(login->token.value.size() == 32u);
  // The thief logs in as agent b, then obtains A's session handle from A's node.
  auto own = login_agent(thief.sys(), thief.gateway(broker.caf_port()), b.key, thief.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(own.has_value());
  auto handoff = owner.sys().spawn([session = login->session](caf::event_based_actor*) -> caf::behavior {
    return {[session](caf::get_atom) { return session; }};
  });
  auto port = owner.sys().middleman().publish(handoff, 0, "127.0.0.1", true);
  BOOST_REQUIRE(static_cast<bool>(port));
  auto remote_handoff = thief.sys().middleman().remote_actor("127.0.0.1", *port);
  BOOST_REQUIRE(static_cast<bool>(remote_handoff));
  auto stolen = thief.ask<agent_session_actor>(*remote_handoff, caf::get_atom::value);
  BOOST_REQUIRE(stolen.has_value());
  for (const auto& forged : {session_token{}, session_token{std::string(32, 'A')}, own->token}) {
    auto claim = thief.ask<work_item>(*stolen, claim_atom::value, forged, id);
    BOOST_REQUIRE(!claim.has_value());
    BOOST_TEST(claim.error() == errc::forbidden);
  }
  BOOST_TEST(status_of(id) == "PENDING");
  // A claims; the thief can neither keep the lease alive nor report for A.
  BOOST_REQUIRE(owner.ask<work_item>(login->session, claim_atom::value, login->token, id).has_value());
  auto hb = thief.ask<bool>(*stolen, heartbeat_atom::value, own->token, id, int32_t{1});
  BOOST_TEST((!hb.has_value() && hb.error() == errc::forbidden));
  auto done = thief.ask<work_item>(*stolen, complete_atom::value, own->token,
                                   completion_report{id, a.id, 1, work_outcome::completed, "", "forged", ""});
  BOOST_TEST((!done.has_value() && done.error() == errc::forbidden));
  auto held = thief.ask<std::vector<work_item>>(*stolen, held_atom::value, session_token{});
  BOOST_TEST((!held.has_value() && held.error() == errc::forbidden));
  BOOST_TEST(status_of(id) == "CLAIMED");
  // The refusals are logged with the sender's node.
  BOOST_TEST(eventually([&] { return broker.log().find("without its token") != std::string::npos; }));
  // A, with its token, still may.
  BOOST_TEST(owner.ask<bool>(login->session, heartbeat_atom::value, login->token, id, int32_t{1}).has_value());
  caf::anon_send_exit(handoff, caf::exit_reason::user_shutdown);
}

// A peer of the previous protocol (0.1.0: login without a version) is refused with an error that
// says so, not with an interface mismatch.
BOOST_AUTO_TEST_CASE(a_version_1_peer_is_told_to_upgrade) {
  const auto a = make_agent("a", {"x"});
  using v1_gateway = caf::typed_actor<
      caf::replies_to<agent_login_atom, std::string, agent_link_actor>::with<agent_session_actor, std::string>,
      caf::replies_to<integ_login_atom, std::string>::with<integration_session_actor>>;
  caf_node old;
  auto gw = old.sys().middleman().remote_actor<v1_gateway>("127.0.0.1", broker.caf_port());
  BOOST_REQUIRE_MESSAGE(static_cast<bool>(gw), "a v1 peer must still connect");
  caf::scoped_actor self{old.sys()};
  std::string why;
  self->request(*gw, std::chrono::seconds(10), agent_login_atom::value, a.key, old.recording_link(std::make_shared<push_log>()))
      .receive([&](agent_session_actor&, std::string&) { why = "accepted"; }, [&](caf::error& e) { why = message_of(e); });
  BOOST_TEST(why.find("protocol version 1 is not spoken by this broker") != std::string::npos, why);
  BOOST_TEST(why.find("upgrade") != std::string::npos, why);
  self->request(*gw, std::chrono::seconds(10), integ_login_atom::value, broker.admin_key())
      .receive([&](integration_session_actor&) { why = "accepted"; }, [&](caf::error& e) { why = message_of(e); });
  BOOST_TEST(why.find("protocol version 1") != std::string::npos, why);
  // And a peer claiming a version this broker does not speak yet hears the range it does speak.
  self->request(old.gateway(broker.caf_port()), std::chrono::seconds(10), hello_atom::value, agent_login_atom::value, int32_t{99},
                a.key, old.recording_link(std::make_shared<push_log>()))
      .receive([&](agent_session_actor&, login_reply&) { why = "accepted"; }, [&](caf::error& e) { why = message_of(e); });
  BOOST_TEST(why.find("protocol version 99") != std::string::npos, why);
  BOOST_TEST(why.find("speaks 2 to 3") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(cancel_of_claimed_work_is_pushed_to_the_claimer) {
  const auto a = make_agent("a", {"x"});
  caf_node node;
  auto log = std::make_shared<push_log>();
  auto login = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(log));
  BOOST_REQUIRE(login.has_value());
  const auto id = submit(build_work({"x"}));
  BOOST_REQUIRE(node.ask<work_item>(login->session, claim_atom::value, login->token, id).has_value());
  BOOST_REQUIRE(admin->del("/api/v1/ephemeral-work/" + id).status == 202);
  BOOST_TEST(log->wait_cancel(id, std::chrono::seconds(10)));
  auto canceled = node.ask<work_item>(login->session, complete_atom::value, login->token, completion_report{id, "", 1, work_outcome::canceled, "", "", ""});
  BOOST_REQUIRE(canceled.has_value());
  BOOST_TEST(canceled->status == work_status::canceled);
}

BOOST_AUTO_TEST_CASE(integration_session_submits_reads_and_subscribes) {
  const auto a = make_agent("a", {"x"});
  caf_node node;
  auto session = login_integration(node.sys(), node.gateway(broker.caf_port()), broker.admin_key());
  BOOST_REQUIRE_MESSAGE(session.has_value(), (session ? std::string() : session.error()));
  work_request req;
  req.work_type = "shipwright-build";
  req.crd_spec = sample_build_spec();
  req.targets.labels = {"x"};
  req.idempotency_key = "caf-1";
  caf::scoped_actor self{node.sys()};
  std::string id;
  self->request(session->session, std::chrono::seconds(10), submit_atom::value, session->token, req)
      .receive([&](work_item& w, bool created) {
                 id = w.id;
                 BOOST_TEST(created);
               },
               [&](caf::error& e) { BOOST_FAIL(node.sys().render(e)); });
  // Invalid input names the field.
  req.work_type = "nope";
  self->request(session->session, std::chrono::seconds(10), submit_atom::value, session->token, req)
      .receive([&](work_item&, bool) { BOOST_FAIL("accepted an unknown work_type"); },
               [&](caf::error& e) {
                 BOOST_TEST(code_of(e) == errc::invalid_argument);
                 BOOST_TEST(message_of(e).find("work_type") != std::string::npos);
               });
  BOOST_TEST(node.ask<work_item>(session->session, caf::get_atom::value, session->token, id)->status == work_status::pending);
  BOOST_TEST(node.ask<work_page>(session->session, list_atom::value, session->token, work_list_params{{work_status::pending}, "", "", "", 10})->items.size() == 1u);
  // Subscribe, then drive the item through HTTP as its agent: every transition arrives in order.
  auto me = caf::actor_cast<work_subscriber_actor>(self);
  BOOST_REQUIRE(node.ask<bool>(session->session, caf::subscribe_atom::value, session->token, id, int64_t{0}, me).has_value());
  auto agent = as(a);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 200);
  std::vector<std::string> seen;
  for (bool done = false; !done;)
    self->receive([&](work_event& e) {
      seen.push_back(e.to_status);
      done = e.to_status == "COMPLETED";
    }, caf::after(std::chrono::seconds(15)) >> [&] { done = true; });
  BOOST_TEST(seen == (std::vector<std::string>{"PENDING", "CLAIMED", "COMPLETED"}));
  BOOST_TEST(node.ask<std::vector<work_event>>(session->session, events_atom::value, session->token, id, int64_t{0})->size() == 3u);
  BOOST_TEST(node.ask<work_item>(session->session, cancel_atom::value, session->token, std::string("123e4567-e89b-12d3-a456-426614174000")).error() ==
             errc::not_found);
  // Cancel of pending work through the session ends it at once.
  req.work_type = "shipwright-build";
  req.idempotency_key = "caf-2";
  std::string second;
  self->request(session->session, std::chrono::seconds(10), submit_atom::value, session->token, req)
      .receive([&](work_item& w, bool) { second = w.id; }, [&](caf::error& err) { BOOST_FAIL(node.sys().render(err)); });
  auto canceled = node.ask<work_item>(session->session, cancel_atom::value, session->token, second);
  BOOST_REQUIRE(canceled.has_value());
  BOOST_TEST(canceled->status == work_status::canceled);
  BOOST_TEST(node.ask<work_item>(session->session, caf::get_atom::value, session->token, second)->status == work_status::canceled);
  broker.stop();
  BOOST_TEST(broker.exit_code().value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(caf_metrics, caf_fixture)

namespace {

// The value of one series in the broker's /metrics (0 when absent).
double metric(api_client& c, const std::string& series) {
  const auto text = c.get("/metrics").raw;
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

// One core for both facades: the same lifecycle over HTTP and over CAF moves the same counters.
BOOST_AUTO_TEST_CASE(the_counters_agree_whichever_transport_an_agent_uses) {
  const auto a = make_agent("a", {"x"});
  const std::vector<std::string> series = {
      "brokkr_work_submitted_total{work_type=\"shipwright-build\"}", "brokkr_claims_total",
      "brokkr_completions_total{outcome=\"COMPLETED\"}", "brokkr_completions_total{outcome=\"FAILED_RETRYABLE\"}",
      "brokkr_retries_total"};
  auto snapshot = [&] {
    std::vector<double> v;
    for (const auto& s : series) v.push_back(metric(*admin, s));
    return v;
  };
  auto delta = [](const std::vector<double>& after, const std::vector<double>& before) {
    std::vector<double> d;
    for (size_t i = 0; i < after.size(); ++i) d.push_back(after[i] - before[i]);
    return d;
  };
  // Over HTTP: submit, claim, fail once, claim the retry, complete.
  const auto http0 = snapshot();
  {
    auto agent = as(a);
    const auto id = submit(build_work({"x"}, {{"backoff_base_seconds", 1}}));
    BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
    BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "FAILED_RETRYABLE"}}).status == 200);
    BOOST_REQUIRE(eventually([&] { return agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200; }));
    BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 2}, {"outcome", "COMPLETED"}}).status == 200);
  }
  const auto over_http = delta(snapshot(), http0);
  // Over CAF: the integration session submits, the agent session does the rest.
  const auto caf0 = snapshot();
  {
    caf_node node;
    auto integ = login_integration(node.sys(), node.gateway(broker.caf_port()), broker.admin_key());
    auto login = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(std::make_shared<push_log>()));
    BOOST_REQUIRE(integ.has_value() && login.has_value());
    work_request req;
    req.work_type = "shipwright-build";
    req.crd_spec = sample_build_spec();
    req.targets.labels = {"x"};
    req.backoff_base_seconds = 1;
    caf::scoped_actor self{node.sys()};
    std::string id;
    self->request(integ->session, std::chrono::seconds(10), submit_atom::value, integ->token, req)
        .receive([&](work_item& w, bool) { id = w.id; }, [&](caf::error& e) { BOOST_FAIL(node.sys().render(e)); });
    BOOST_REQUIRE(node.ask<work_item>(login->session, claim_atom::value, login->token, id).has_value());
    BOOST_REQUIRE(node.ask<work_item>(login->session, complete_atom::value, login->token,
                                      completion_report{id, "", 1, work_outcome::failed_retryable, "GitError", "", ""})
                      .has_value());
    BOOST_REQUIRE(eventually([&] { return node.ask<work_item>(login->session, claim_atom::value, login->token, id).has_value(); }));
    // The retry's report goes as a batch of one: the batch path counts the same.
    auto acks = node.ask<std::vector<completion_ack>>(login->session, complete_atom::value, login->token,
                                                      std::vector<completion_report>{{id, "", 2, work_outcome::completed, "", "", ""}});
    BOOST_REQUIRE(acks.has_value());
    BOOST_REQUIRE_EQUAL(acks->size(), 1u);
    BOOST_TEST(acks->at(0).code == 0);
    BOOST_TEST(acks->at(0).status == work_status::completed);
  }
  const auto over_caf = delta(snapshot(), caf0);
  for (size_t i = 0; i < series.size(); ++i) {
    BOOST_TEST_CONTEXT(series[i]) {
      BOOST_TEST(over_http[i] == over_caf[i]);
      BOOST_TEST(over_http[i] >= 1.0);
    }
  }
  BOOST_TEST(over_http[1] == 2.0);  // two claims
}

BOOST_AUTO_TEST_SUITE_END()
