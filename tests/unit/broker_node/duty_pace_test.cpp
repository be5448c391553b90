// When a maintenance duty runs next (ADR 0078): at its interval when a run finished its work, and
// after a pause of catch_up_pause_factor times the run when the run's batch budget ran out first.
#include <boost/test/unit_test.hpp>

#include "broker_node/maintenance/duty.hpp"

using namespace brokkr::broker;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(duty_pace)

BOOST_AUTO_TEST_CASE(a_run_that_finished_waits_the_interval) {
  BOOST_TEST(next_run_in(milliseconds(30000), {.count = 20000, .took = milliseconds(700)}).count() == 30000);
  BOOST_TEST(next_run_in(milliseconds(30000), {}).count() == 30000);
}

BOOST_AUTO_TEST_CASE(a_run_stopped_by_its_budget_goes_on_after_a_pause_in_proportion_to_itself) {
  BOOST_TEST(next_run_in(milliseconds(300000), {.count = 20000, .more = true, .took = milliseconds(800)}).count() ==
             800 * catch_up_pause_factor);
}

BOOST_AUTO_TEST_CASE(the_pause_stays_between_ten_milliseconds_and_the_interval) {
  BOOST_TEST(next_run_in(milliseconds(30000), {.more = true, .took = milliseconds(0)}).count() == 10);
  BOOST_TEST(next_run_in(milliseconds(30000), {.more = true, .took = milliseconds(20000)}).count() == 30000);
  // An interval under 10 ms is never stretched by the floor.
  BOOST_TEST(next_run_in(milliseconds(5), {.more = true, .took = milliseconds(0)}).count() == 5);
}

BOOST_AUTO_TEST_SUITE_END()
