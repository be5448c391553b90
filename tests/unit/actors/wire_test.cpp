// Every type of the wire protocol survives CAF's binary serializer (toolchain.md: a type missing
// from the block is silently dropped on the wire, so each one is checked here).
#define BOOST_TEST_MODULE unit_actors_wire
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include "actors/caf_errors.hpp"
#include "actors/type_ids.hpp"

using namespace brokkr;

namespace {

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  system_fixture() {
    register_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  template <class T>
  T round_trip(T x) {
    std::vector<char> buf;
    caf::binary_serializer sink{*sys, buf};
    BOOST_REQUIRE(!sink(x));
    T y;
    caf::binary_deserializer source{*sys, buf};
    BOOST_REQUIRE(!source(y));
    return y;
  }

  // Through a whole message, as the middleman does.
  template <class T>
  T via_message(const T& x) {
    auto msg = caf::make_message(x);
    std::vector<char> buf;
    caf::binary_serializer sink{*sys, buf};
    BOOST_REQUIRE(!sink(msg));
    caf::message out;
    caf::binary_deserializer source{*sys, buf};
    BOOST_REQUIRE(!source(out));
    BOOST_REQUIRE(out.match_elements<T>());
    return out.get_as<T>(0);
  }
};

work_item sample_item() {
  work_item w;
  w.id = "0b7c7a3e-1111-2222-3333-444455556666";
  w.work_type = "shipwright-build";
  w.crd_spec = "kind: Build";
  w.status = work_status::failed_retryable;
  w.claimed_by = "agent-1";
  w.claimed_at = timestamp(std::chrono::seconds(1'700'000'000));
  w.next_retry_after = timestamp(std::chrono::milliseconds(1'700'000'030'123));
  w.attempt = 3;
  w.retry_count = 2;
  w.cancel_requested = true;
  w.result_details = R"({"digest":"sha256:x"})";
  w.targets.labels = {"gpu"};
  w.targets.annotations = {{"zone", "a"}};
  w.targets.match = target_match::any;
  w.target_agents = {"agent-1", "agent-2"};
  w.created_at = timestamp(std::chrono::seconds(1'699'999'000));
  return w;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(wire, system_fixture)

BOOST_AUTO_TEST_CASE(work_item_round_trips_with_unset_and_set_times) {
  const auto w = sample_item();
  for (const auto& y : {round_trip(w), via_message(w)}) {
    BOOST_TEST(y.id == w.id);
    BOOST_TEST(y.status == w.status);
    BOOST_TEST((y.claimed_at == w.claimed_at));
    BOOST_TEST((y.next_retry_after == w.next_retry_after));
    BOOST_TEST(!y.completed_at.has_value());
    BOOST_TEST(!y.lease_expires_at.has_value());
    BOOST_TEST(y.attempt == 3);
    BOOST_TEST(y.cancel_requested);
    BOOST_TEST(y.result_details == w.result_details);
    BOOST_TEST(y.targets.labels == w.targets.labels);
    BOOST_TEST(y.targets.annotations.at("zone") == "a");
    BOOST_TEST((y.targets.match == target_match::any));
    BOOST_TEST(y.target_agents == w.target_agents);
    BOOST_TEST((y.created_at == w.created_at));
  }
  const auto items = via_message(std::vector<work_item>{w, w});
  BOOST_TEST(items.size() == 2u);
}

BOOST_AUTO_TEST_CASE(requests_events_reports_and_queries_round_trip) {
  work_request r;
  r.work_type = "kubernetes-apply";
  r.crd_spec = "x";
  r.targets.agent_ids = {"a"};
  r.max_retries = 9;
  r.idempotency_key = "k";
  const auto r2 = via_message(r);
  BOOST_TEST(r2.work_type == r.work_type);
  BOOST_TEST(r2.targets.agent_ids == r.targets.agent_ids);
  BOOST_TEST(r2.max_retries == 9);
  BOOST_TEST(r2.idempotency_key == "k");

  work_event e{42, "w", timestamp(std::chrono::seconds(5)), "CLAIMED", "COMPLETED", "a", 2, 1, "reason", "msg"};
  const auto e2 = via_message(e);
  BOOST_TEST(e2.id == 42);
  BOOST_TEST(e2.to_status == "COMPLETED");
  BOOST_TEST((e2.at == e.at));
  BOOST_TEST(via_message(std::vector<work_event>{e}).size() == 1u);

  completion_report c{"w1", "a1", 4, work_outcome::failed_permanent, "GitRevisionNotFound", "m", "{}"};
  const auto c2 = via_message(c);
  BOOST_TEST(c2.work_id == "w1");
  BOOST_TEST(c2.attempt == 4);
  BOOST_TEST(c2.outcome == work_outcome::failed_permanent);
  BOOST_TEST(c2.failure_reason == "GitRevisionNotFound");
  BOOST_TEST(via_message(std::vector<completion_report>{c, c}).size() == 2u);
  completion_ack ack{"w1", static_cast<uint8_t>(errc::conflict), "stale", work_status::claimed};
  const auto ack2 = via_message(std::vector<completion_ack>{ack}).at(0);
  BOOST_TEST(ack2.code == ack.code);
  BOOST_TEST(ack2.message == "stale");

  work_list_params q{{work_status::pending, work_status::claimed}, "shipwright-build", "", "cursor", 20};
  const auto q2 = via_message(q);
  BOOST_TEST((q2.statuses == q.statuses));
  BOOST_TEST(q2.limit == 20);

  work_page p{{sample_item()}, "next"};
  BOOST_TEST(via_message(p).next == "next");
  BOOST_TEST(via_message(session_token{"t0k3n"}).value == "t0k3n");
  const auto lr = via_message(login_reply{2, "agent", session_token{"t"}});
  BOOST_TEST(lr.protocol == 2);
  BOOST_TEST(lr.token.value == "t");
  BOOST_TEST(via_message(work_status::canceled) == work_status::canceled);
  BOOST_TEST(via_message(work_outcome::canceled) == work_outcome::canceled);
}

BOOST_AUTO_TEST_CASE(actor_handles_round_trip) {
  auto link = sys->spawn([]() -> agent_link_actor::behavior_type {
    return {[](available_atom, const std::string&) {}, [](cancel_atom, const std::string&) {},
            [](logs_atom, const log_stream_request&) {}};
  });
  const auto back = via_message(link);
  BOOST_TEST((back == link));
  // The other handle types of the block: serialising a handle needs only its identity.
  auto any = sys->spawn([](caf::event_based_actor*) -> caf::behavior { return {[](caf::ok_atom) {}}; });
  const auto session = caf::actor_cast<agent_session_actor>(any);
  const auto integration = caf::actor_cast<integration_session_actor>(any);
  const auto subscriber = caf::actor_cast<work_subscriber_actor>(any);
  const auto gateway = caf::actor_cast<gateway_actor>(any);
  BOOST_TEST((via_message(session) == session));
  BOOST_TEST((via_message(integration) == integration));
  BOOST_TEST((via_message(subscriber) == subscriber));
  BOOST_TEST((via_message(gateway) == gateway));
  caf::anon_send_exit(link, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(any, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(targets_and_matches_round_trip) {
  work_targets t{{"a1"}, {"gpu", "linux"}, {{"zone", "eu"}}, target_match::any};
  const auto t2 = via_message(t);
  BOOST_TEST(t2.agent_ids == t.agent_ids);
  BOOST_TEST(t2.labels == t.labels);
  BOOST_TEST(t2.annotations.at("zone") == "eu");
  BOOST_TEST((t2.match == target_match::any));
  BOOST_TEST((via_message(target_match::all) == target_match::all));
}

BOOST_AUTO_TEST_CASE(errors_keep_code_and_message) {
  const auto e = make_error(errc::forbidden, "not yours");
  const auto e2 = via_message(e);
  BOOST_TEST(code_of(e2) == errc::forbidden);
  BOOST_TEST(message_of(e2) == "not yours");
  BOOST_TEST(sys->render(e2).find("brokkr.forbidden") != std::string::npos);
  BOOST_TEST(code_of(caf::make_error(caf::sec::request_timeout)) == errc::internal);
}

BOOST_AUTO_TEST_SUITE_END()
