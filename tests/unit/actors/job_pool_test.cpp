// The job pool (actors/job_pool.hpp) under CAF's deterministic scheduler: jobs go to idle
// workers, the queue is bounded, and a worker that dies mid-job fails that job and is replaced.
// The workers here are event-based actors (the real ones are detached and own a connection).
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/job.hpp"
#include "actors/job_pool.hpp"
#include "tests/support/deterministic_actors.hpp"

using namespace brokkr;

// A worker's resource is a counter; a job named "die" kills its worker before it answers.
using test_job = brokkr::job<int, std::string>;
using test_reply = brokkr::job_reply<std::string>;
using test_pool = brokkr::job_actor<test_job, test_reply>;

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(test_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(test_reply)

namespace {

struct pool_log {
  int workers_made = 0;
  std::vector<std::string> ran;
};

test_pool make_pool(caf::actor_system& sys, std::shared_ptr<pool_log> log, int size, size_t max_queued) {
  job_pool_config<test_job, test_reply> cfg;
  cfg.size = size;
  cfg.max_queued = max_queued;
  cfg.name = "test_pool";
  cfg.make_worker = [log](caf::actor_system& s) {
    ++log->workers_made;
    return s.spawn([log](test_pool::pointer self) -> test_pool::behavior_type {
      auto resource = std::make_shared<int>(0);
      return {[self, log, resource](run_atom, test_job& j) -> caf::result<test_reply> {
        if (j.name == "die") {
          self->quit(caf::exit_reason::kill);
          return caf::sec::request_receiver_down;
        }
        log->ran.push_back(j.name);
        return j.run(*resource);
      }};
    });
  };
  cfg.failure = [](std::string why) { return test_reply{nullptr, std::move(why)}; };
  return spawn_job_pool(sys, std::move(cfg));
}

test_job named(std::string name) {
  return {std::move(name), [](int& r) { return test_reply{std::make_shared<int>(++r), std::nullopt}; }};
}

struct answers {
  std::vector<std::string> errors;
  int ok = 0;
};

void ask(caf::actor_system& sys, const test_pool& pool, test_job j, std::shared_ptr<answers> a) {
  sys.spawn([pool, j = std::move(j), a](caf::event_based_actor* self) mutable {
    self->request(pool, caf::infinite, run_atom::value, std::move(j)).then([a](test_reply& r) {
      if (r.error) a->errors.push_back(*r.error);
      else ++a->ok;
    });
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_worker_that_dies_fails_its_job_and_is_replaced) {
  test::deterministic_system ds;
  auto log = std::make_shared<pool_log>();
  auto pool = make_pool(ds.sys(), log, 2, 100);
  ds.run();
  BOOST_TEST(log->workers_made == 2);
  auto a = std::make_shared<answers>();
  ask(ds.sys(), pool, named("die"), a);
  ds.run();
  BOOST_REQUIRE(a->errors.size() == 1u);
  BOOST_TEST(a->errors[0].find("worker failed") != std::string::npos, a->errors[0]);
  BOOST_TEST(log->workers_made == 3);  // the replacement
  for (int i = 0; i < 4; ++i) ask(ds.sys(), pool, named("job" + std::to_string(i)), a);
  ds.run();
  BOOST_TEST(a->ok == 4);
  BOOST_TEST(log->ran.size() == 4u);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(jobs_beyond_the_queue_bound_fail_fast) {
  test::deterministic_system ds;
  auto log = std::make_shared<pool_log>();
  auto pool = make_pool(ds.sys(), log, 1, 2);
  ds.run();
  auto a = std::make_shared<answers>();
  // Five requests reach the pool before its worker answers anything: the first goes to the
  // worker, the next two wait in the queue (its bound), the last two are refused at once.
  for (int i = 0; i < 5; ++i) ask(ds.sys(), pool, named("job" + std::to_string(i)), a);
  ds.run();
  BOOST_TEST(a->ok == 3);
  BOOST_REQUIRE(a->errors.size() == 2u);
  for (const auto& e : a->errors) BOOST_TEST(e == "test_pool busy: 2 jobs queued");
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}
