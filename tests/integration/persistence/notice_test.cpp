// What the database says on LISTEN after a submit and a claim (migrations 0005 and 0012): the new
// item's notice comes at commit and names its targets when there are at most 100, so a broker can
// offer the item without reading it back.
#include <pqxx/pqxx>

#include <algorithm>
#include <string>
#include <vector>

#include "persistence/notification_listener.hpp"
#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

class collect : public pqxx::notification_receiver {
 public:
  collect(pqxx::connection_base& c, std::vector<std::string>& out)
      : pqxx::notification_receiver(c, "brokkr_work"), out_(out) {}
  void operator()(const std::string& payload, int) override { out_.push_back(payload); }

 private:
  std::vector<std::string>& out_;
};

struct listening : db_fixture {
  pqxx::connection listen_conn{db.url()};
  std::vector<std::string> payloads;
  collect receiver{listen_conn, payloads};

  // The notices of `id` delivered so far (the server sends them at commit; wait up to 5 s).
  std::vector<work_notice> notices_of(const std::string& id, size_t at_least) {
    std::vector<work_notice> out;
    for (int i = 0; i < 50; ++i) {
      out.clear();
      for (const auto& p : payloads) {
        work_notice n;
        BOOST_REQUIRE_MESSAGE(parse_work_notice(p, n), "unparsable notice: " + p);
        if (n.id == id) out.push_back(n);
      }
      if (out.size() >= at_least) break;
      listen_conn.await_notification(0, 100000);
    }
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(notices, listening)

BOOST_AUTO_TEST_CASE(a_new_items_notice_names_its_targets_and_its_event) {
  const auto a = test::make_agent(agents, {.labels = {"gpu"}});
  const auto b = test::make_agent(agents, {.labels = {"gpu"}});
  (void)test::make_agent(agents, {.labels = {"cpu"}});
  const auto w = test::make_work(work, {.labels = {"gpu"}});

  auto got = notices_of(w.id, 1);
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  const auto& n = got.front();
  BOOST_TEST(n.complete);
  BOOST_TEST((n.status == work_status::pending));
  std::vector<std::string> want{a.id, b.id}, targets = n.targets;
  std::sort(want.begin(), want.end());
  std::sort(targets.begin(), targets.end());
  BOOST_TEST(targets == want, boost::test_tools::per_element());
  // The event it names is the item's creation, written in the same transaction.
  BOOST_TEST(n.event_id == std::stoll(db.scalar("SELECT max(id) FROM ephemeral_work_events WHERE work_id = '" +
                                                 w.id + "' AND from_status IS NULL AND to_status = 'PENDING'")));

  // A claim's notice is not complete: the claimer's actor keeps the targets it already has.
  const auto c = work.claim_next(a.id);
  BOOST_REQUIRE(c && c->size() == 1);
  got = notices_of(w.id, 2);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST((got[1].status == work_status::claimed));
  BOOST_TEST(!got[1].complete);
  BOOST_TEST(got[1].claimed_by == a.id);
}

BOOST_AUTO_TEST_CASE(an_item_with_no_target_yet_says_so_and_a_wide_one_names_none) {
  const auto nobody = test::make_work(work, {.labels = {"not-held-by-anyone"}});
  auto got = notices_of(nobody.id, 1);
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(got[0].complete);
  BOOST_TEST(got[0].targets.empty());

  for (int i = 0; i < 101; ++i) (void)test::make_agent(agents, {.labels = {"fleet"}});
  const auto wide = test::make_work(work, {.labels = {"fleet"}});
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_targets WHERE work_id = '" + wide.id + "'") == 101);
  got = notices_of(wide.id, 1);
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(!got[0].complete);  // over 100 targets: the actor reads the row
  BOOST_TEST(got[0].targets.empty());
}

BOOST_AUTO_TEST_CASE(a_refused_submit_notifies_nothing_and_writes_no_event) {
  const auto a = test::make_agent(agents);
  auto r = work.create(test::make_request({.agent_ids = {a.id, "123e4567-e89b-12d3-a456-426614174000"}}));
  BOOST_REQUIRE(!r);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});  // a later notice to wait for
  BOOST_REQUIRE_EQUAL(notices_of(w.id, 1).size(), 1u);
  BOOST_TEST(payloads.size() == 1u);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
