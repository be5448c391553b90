// The job pool (actors/job_pool.hpp) on a real actor system with real worker threads: actors and
// plain threads share the workers, the queue is bounded, a job that throws fails alone, a job
// queued past its deadline is not run, and the front actor's end fails what is queued and ends
// the workers (the actor system's destructor waits for them, so a leak would hang the test).
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "actors/job.hpp"
#include "actors/job_pool.hpp"

using namespace brokkr;
using namespace std::chrono_literals;

// A worker's resource is a counter; a job named "throw" throws out of the runner.
using test_job = brokkr::job<int, std::string>;
using test_reply = brokkr::job_reply<std::string>;

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(test_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(test_reply)

namespace {

struct pool_log {
  std::atomic<int> runners_made{0};
  std::mutex mu;
  std::vector<std::string> ran;
  std::set<std::thread::id> threads;
};

job_pool<test_job, test_reply> make_pool(caf::actor_system& sys, std::shared_ptr<pool_log> log, int size,
                                         size_t max_queued, size_t max_group = 1) {
  job_pool_config<test_job, test_reply> cfg;
  cfg.size = size;
  cfg.max_queued = max_queued;
  cfg.max_group = max_group;
  cfg.name = "test_pool";
  cfg.make_runner = [log] {
    ++log->runners_made;
    auto resource = std::make_shared<int>(0);
    return [log, resource](test_job& j) -> test_reply {
      if (j.name == "throw") throw std::runtime_error("boom");
      {
        std::lock_guard lock(log->mu);
        log->ran.push_back(j.name);
        log->threads.insert(std::this_thread::get_id());
      }
      return j.run(*resource);
    };
  };
  cfg.failure = [](std::string why) { return test_reply{nullptr, std::move(why)}; };
  cfg.expired = [] { return test_reply{nullptr, std::string("expired")}; };
  return spawn_job_pool(sys, std::move(cfg));
}

// A job whose result is its worker's counter after it ran.
test_job counting(std::string name) {
  return {std::move(name), [](int& r) { return test_reply{std::make_shared<int>(++r), std::nullopt}; }};
}

// Collects direct answers from whichever thread gives them.
struct answers {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> errors;
  std::vector<int> values;
  std::set<std::thread::id> threads;
  size_t count() {
    std::lock_guard lock(mu);
    return errors.size() + values.size();
  }
  bool wait_for(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 10s, [&] { return errors.size() + values.size() >= n; });
  }
  job_queue<test_job, test_reply>::done_fn sink() {
    return [this](test_reply r) {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
      if (r.error) errors.push_back(*r.error);
      else values.push_back(*std::static_pointer_cast<int>(r.value));
      cv.notify_all();
    };
  }
};

// Holds a worker: hold() queues a job (answered 0) that waits here, and returns once it runs.
// Opens on destruction too: a failed check must not leave a worker held, or the actor system's
// destructor would wait for it forever. Declare it after the system.
struct gate {
  std::promise<void> p;
  std::shared_future<void> f = p.get_future().share();
  bool opened = false;
  void hold(job_queue<test_job, test_reply>& q, answers& a) {
    auto started = std::make_shared<std::promise<void>>();
    auto running = started->get_future();
    q.submit({"hold", [started, f = f](int&) {
                started->set_value();
                f.wait();
                return test_reply{std::make_shared<int>(0), std::nullopt};
              }},
             a.sink());
    running.wait();
  }
  void open() {
    if (!opened) p.set_value();
    opened = true;
  }
  ~gate() { open(); }
};

// A real actor system and a pool on it, stopped at the end of the test.
struct pool_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<pool_log> log = std::make_shared<pool_log>();
  job_pool<test_job, test_reply> pool;
  void start(int size, size_t max_queued, size_t max_group = 1) {
    pool = make_pool(sys, log, size, max_queued, max_group);
  }
  ~pool_fixture() {
    if (pool.actor) caf::anon_send_exit(pool.actor, caf::exit_reason::user_shutdown);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(job_pool_suite, pool_fixture)

BOOST_AUTO_TEST_CASE(actors_and_other_threads_share_the_workers) {
  start(2, 100);
  answers direct;
  for (int i = 0; i < 20; ++i) pool.queue->submit(counting("direct" + std::to_string(i)), direct.sink());
  caf::scoped_actor self{sys};
  int actor_ok = 0;
  for (int i = 0; i < 20; ++i)
    self->request(pool.actor, 10s, run_atom::value, counting("actor" + std::to_string(i)))
        .receive([&](test_reply& r) { actor_ok += r.error ? 0 : 1; },
                 [&](caf::error& e) { BOOST_FAIL("no answer: " << sys.render(e)); });
  BOOST_TEST(actor_ok == 20);
  BOOST_REQUIRE(direct.wait_for(20));
  BOOST_TEST(direct.errors.empty());
  BOOST_TEST(direct.values.size() == 20u);
  // Direct answers come from the workers, not from the submitting thread.
  BOOST_TEST(direct.threads.count(std::this_thread::get_id()) == 0u);
  BOOST_TEST(log->runners_made.load() == 2);
  BOOST_TEST(log->ran.size() == 40u);
  BOOST_TEST(log->threads.size() <= 2u);
}

BOOST_AUTO_TEST_CASE(a_job_that_throws_fails_alone_and_its_worker_starts_afresh) {
  start(1, 100);
  answers a;
  pool.queue->submit(counting("first"), a.sink());
  pool.queue->submit(counting("throw"), a.sink());
  pool.queue->submit(counting("after"), a.sink());
  BOOST_REQUIRE(a.wait_for(3));
  BOOST_REQUIRE(a.errors.size() == 1u);
  BOOST_TEST(a.errors[0] == "worker failed: boom");
  // The job after the throw ran on a fresh resource: its counter starts again.
  BOOST_TEST(a.values == (std::vector<int>{1, 1}));
  BOOST_TEST(log->runners_made.load() == 2);
}

BOOST_AUTO_TEST_CASE(jobs_beyond_the_queue_bound_fail_fast_on_the_submitting_thread) {
  start(1, 2);
  answers a;
  gate g;
  g.hold(*pool.queue, a);
  // The worker is busy: two jobs fit in the queue, the next two are refused before submit returns.
  for (int i = 0; i < 4; ++i) pool.queue->submit(counting("job" + std::to_string(i)), a.sink());
  BOOST_TEST(a.count() == 2u);
  BOOST_TEST(a.errors == (std::vector<std::string>{"test_pool busy: 2 jobs queued", "test_pool busy: 2 jobs queued"}));
  BOOST_TEST(pool.queue->queued() == 2u);
  g.open();
  BOOST_REQUIRE(a.wait_for(5));
  BOOST_TEST(a.values.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_job_still_queued_at_its_deadline_is_answered_and_not_run) {
  start(1, 10);
  answers a;
  gate g;
  g.hold(*pool.queue, a);
  const auto now = std::chrono::steady_clock::now();
  pool.queue->submit(counting("late"), a.sink(), now + 1ms);
  pool.queue->submit(counting("in-time"), a.sink(), now + 60s);
  std::this_thread::sleep_for(20ms);  // past the first deadline, whatever the machine's load
  g.open();
  BOOST_REQUIRE(a.wait_for(3));
  BOOST_TEST(a.errors == (std::vector<std::string>{"expired"}));
  std::lock_guard lock(log->mu);
  BOOST_TEST(log->ran == (std::vector<std::string>{"hold", "in-time"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_front_actor_ending_fails_queued_jobs_and_ends_the_workers) {
  answers a;
  {
    pool_fixture f;
    f.start(1, 10);
    gate g;
    g.hold(*f.pool.queue, a);
    f.pool.queue->submit(counting("queued"), a.sink());
    caf::anon_send_exit(f.pool.actor, caf::exit_reason::user_shutdown);
    BOOST_REQUIRE(a.wait_for(1));  // the running job is still held at its gate
    BOOST_TEST(a.errors == (std::vector<std::string>{"test_pool stopped"}));
    f.pool.queue->submit(counting("after"), a.sink());  // answered at once
    BOOST_TEST(a.count() == 2u);
    g.open();  // the running job finishes; then its worker ends and the system can stop
    BOOST_REQUIRE(a.wait_for(3));
  }
  BOOST_TEST(a.values == (std::vector<int>{0}));
}

namespace {

// A group's call: records each call's size and answers every payload with its value times ten.
std::vector<size_t> group_calls;
std::vector<expected<int, std::string>> times_ten(int&, const std::vector<const int*>& ps) {
  group_calls.push_back(ps.size());
  // Built in place: moving an expected<int, std::string> trips a false maybe-uninitialized in g++ 12.
  std::vector<expected<int, std::string>> out(ps.size(), expected<int, std::string>(0));
  for (size_t i = 0; i < ps.size(); ++i) *out[i] = *ps[i] * 10;
  return out;
}

test_job grouped(int value) {
  return make_grouped_job<int, int, int, std::string, &times_ten>("times_ten", value).untyped;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(waiting_jobs_of_one_group_run_as_one_call_and_each_gets_its_answer, pool_fixture) {
  start(1, 100, 4);
  group_calls.clear();
  answers a;
  gate g;
  g.hold(*pool.queue, a);
  // Queued behind the busy worker: six of the group with an ungrouped job among them.
  for (int i = 1; i <= 3; ++i) pool.queue->submit(grouped(i), a.sink());
  pool.queue->submit(counting("alone"), a.sink());
  for (int i = 4; i <= 6; ++i) pool.queue->submit(grouped(i), a.sink());
  g.open();
  BOOST_REQUIRE(a.wait_for(8));
  BOOST_TEST(a.errors.empty());
  // The first take gathers four of the group past the ungrouped job (max_group), the next runs
  // the ungrouped one, the last the remaining two; each answer is its own.
  BOOST_TEST(group_calls == (std::vector<size_t>{4, 2}));
  BOOST_TEST(a.values == (std::vector<int>{0, 10, 20, 30, 40, 1, 50, 60}));
  // Alone, a grouped job is a group of one.
  answers b;
  pool.queue->submit(grouped(7), b.sink());
  BOOST_REQUIRE(b.wait_for(1));
  BOOST_TEST(b.values == (std::vector<int>{70}));
  BOOST_TEST(group_calls.back() == 1u);
}
