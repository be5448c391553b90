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
    auto claimed = node.ask<work_item>(login->session, claim_atom::value, id);
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
  auto pending = plain_node.ask<std::vector<work_item>>(p->session, caf::pending_atom::value, int32_t{50});
  BOOST_REQUIRE(pending.has_value());
  BOOST_REQUIRE_EQUAL(pending->size(), 1u);
  BOOST_TEST((*pending)[0].id == plain_work);
  auto stolen = plain_node.ask<work_item>(p->session, claim_atom::value, gpu_work[0]);
  BOOST_REQUIRE(!stolen.has_value());
  BOOST_TEST(stolen.error() == errc::forbidden);
  auto next = plain_node.ask<std::vector<work_item>>(p->session, claimnext_atom::value, std::vector<std::string>{});
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
  BOOST_REQUIRE(eu_node.ask<work_item>(e->session, claim_atom::value, for_eu).has_value());
  auto failed = eu_node.ask<work_item>(e->session, complete_atom::value, for_eu,
                                       completion_msg{1, work_outcome::failed_retryable, "GitError", "", ""});
  BOOST_REQUIRE(failed.has_value());
  BOOST_TEST(failed->status == work_status::failed_retryable);
  BOOST_TEST(eu_log->wait_available_times(for_eu, 2, std::chrono::seconds(15)));
  auto retry = eu_node.ask<work_item>(e->session, claim_atom::value, for_eu);
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
  auto claimed = na.ask<work_item>(sa->session, claim_atom::value, id);
  BOOST_REQUIRE(claimed.has_value());
  BOOST_TEST(claimed->claimed_by == a.id);
  // b may not heartbeat or complete a's claim, even with the right attempt.
  auto hb = nb.ask<bool>(sb->session, heartbeat_atom::value, id, int32_t{1});
  BOOST_TEST((!hb.has_value() && hb.error() == errc::conflict));
  auto done = nb.ask<work_item>(sb->session, complete_atom::value, id, completion_msg{1, work_outcome::completed, "", "", ""});
  BOOST_REQUIRE(!done.has_value());
  BOOST_TEST(done.error() == errc::forbidden);
  BOOST_TEST(status_of(id) == "CLAIMED");
  // a completes; held() then is empty.
  BOOST_REQUIRE(na.ask<bool>(sa->session, heartbeat_atom::value, id, int32_t{1}).has_value());
  auto held = na.ask<std::vector<work_item>>(sa->session, held_atom::value);
  BOOST_TEST(held->size() == 1u);
  auto ok = na.ask<work_item>(sa->session, complete_atom::value, id,
                              completion_msg{1, work_outcome::completed, "", "built", R"({"digest":"sha256:1"})"});
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->status == work_status::completed);
  BOOST_TEST(na.ask<std::vector<work_item>>(sa->session, held_atom::value)->empty());
}

BOOST_AUTO_TEST_CASE(messages_to_a_session_from_another_node_are_refused) {
  const auto a = make_agent("a", {"x"});
  const auto id = submit(build_work({"x"}));
  caf_node owner, thief;
  auto login = login_agent(owner.sys(), owner.gateway(broker.caf_port()), a.key, owner.recording_link(std::make_shared<push_log>()));
  BOOST_REQUIRE(login.has_value());
  // The thief node reaches the broker itself and obtains the owner's session handle from the owner.
  thief.gateway(broker.caf_port());
  auto handoff = owner.sys().spawn([session = login->session](caf::event_based_actor*) -> caf::behavior {
    return {[session](caf::get_atom) { return session; }};
  });
  auto port = owner.sys().middleman().publish(handoff, 0, "127.0.0.1", true);
  BOOST_REQUIRE(static_cast<bool>(port));
  auto remote_handoff = thief.sys().middleman().remote_actor("127.0.0.1", *port);
  BOOST_REQUIRE(static_cast<bool>(remote_handoff));
  auto stolen = thief.ask<agent_session_actor>(*remote_handoff, caf::get_atom::value);
  BOOST_REQUIRE(stolen.has_value());
  auto claim = thief.ask<work_item>(*stolen, claim_atom::value, id);
  BOOST_REQUIRE(!claim.has_value());
  BOOST_TEST(claim.error() == errc::forbidden);
  BOOST_TEST(status_of(id) == "PENDING");
  // The owner's node still may.
  BOOST_TEST(owner.ask<work_item>(login->session, claim_atom::value, id).has_value());
  caf::anon_send_exit(handoff, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(cancel_of_claimed_work_is_pushed_to_the_claimer) {
  const auto a = make_agent("a", {"x"});
  caf_node node;
  auto log = std::make_shared<push_log>();
  auto login = login_agent(node.sys(), node.gateway(broker.caf_port()), a.key, node.recording_link(log));
  BOOST_REQUIRE(login.has_value());
  const auto id = submit(build_work({"x"}));
  BOOST_REQUIRE(node.ask<work_item>(login->session, claim_atom::value, id).has_value());
  BOOST_REQUIRE(admin->del("/api/v1/ephemeral-work/" + id).status == 202);
  BOOST_TEST(log->wait_cancel(id, std::chrono::seconds(10)));
  auto canceled = node.ask<work_item>(login->session, complete_atom::value, id, completion_msg{1, work_outcome::canceled, "", "", ""});
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
  self->request(*session, std::chrono::seconds(10), submit_atom::value, req)
      .receive([&](work_item& w, bool created) {
                 id = w.id;
                 BOOST_TEST(created);
               },
               [&](caf::error& e) { BOOST_FAIL(node.sys().render(e)); });
  // Invalid input names the field.
  req.work_type = "nope";
  self->request(*session, std::chrono::seconds(10), submit_atom::value, req)
      .receive([&](work_item&, bool) { BOOST_FAIL("accepted an unknown work_type"); },
               [&](caf::error& e) {
                 BOOST_TEST(code_of(e) == errc::invalid_argument);
                 BOOST_TEST(message_of(e).find("work_type") != std::string::npos);
               });
  BOOST_TEST(node.ask<work_item>(*session, caf::get_atom::value, id)->status == work_status::pending);
  BOOST_TEST(node.ask<work_page_msg>(*session, list_atom::value, work_list_query{{"PENDING"}, "", "", 10})->items.size() == 1u);
  // Subscribe, then drive the item through HTTP as its agent: every transition arrives in order.
  auto me = caf::actor_cast<work_subscriber_actor>(self);
  BOOST_REQUIRE(node.ask<bool>(*session, caf::subscribe_atom::value, id, int64_t{0}, me).has_value());
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
  BOOST_TEST(node.ask<std::vector<work_event>>(*session, events_atom::value, id, int64_t{0})->size() == 3u);
  BOOST_TEST(node.ask<work_item>(*session, cancel_atom::value, std::string("123e4567-e89b-12d3-a456-426614174000")).error() ==
             errc::not_found);
  // Cancel of pending work through the session ends it at once.
  req.work_type = "shipwright-build";
  req.idempotency_key = "caf-2";
  std::string second;
  self->request(*session, std::chrono::seconds(10), submit_atom::value, req)
      .receive([&](work_item& w, bool) { second = w.id; }, [&](caf::error& err) { BOOST_FAIL(node.sys().render(err)); });
  auto canceled = node.ask<work_item>(*session, cancel_atom::value, second);
  BOOST_REQUIRE(canceled.has_value());
  BOOST_TEST(canceled->status == work_status::canceled);
  BOOST_TEST(node.ask<work_item>(*session, caf::get_atom::value, second)->status == work_status::canceled);
  broker.stop();
  BOOST_TEST(broker.exit_code().value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
