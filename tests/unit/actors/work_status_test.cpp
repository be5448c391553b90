#include <boost/test/unit_test.hpp>

#include "actors/work_status.hpp"

using namespace brokkr;

BOOST_AUTO_TEST_CASE(status_names_round_trip_and_terminal_set) {
  for (auto s : {work_status::pending, work_status::claimed, work_status::completed,
                 work_status::failed_retryable, work_status::failed_permanent, work_status::canceled})
    BOOST_TEST((parse_work_status(to_string(s)) == s));
  BOOST_TEST(!parse_work_status("pending"));  // stored and shown upper case only
  BOOST_TEST(is_terminal(work_status::completed));
  BOOST_TEST(is_terminal(work_status::failed_permanent));
  BOOST_TEST(is_terminal(work_status::canceled));
  BOOST_TEST(!is_terminal(work_status::failed_retryable));
  BOOST_TEST(!is_terminal(work_status::claimed));
  BOOST_TEST(!is_terminal(work_status::pending));
}

BOOST_AUTO_TEST_CASE(outcomes_and_match_parse) {
  BOOST_TEST((parse_work_outcome("FAILED_RETRYABLE") == work_outcome::failed_retryable));
  BOOST_TEST(!parse_work_outcome("PENDING"));
  BOOST_TEST((parse_target_match("any") == target_match::any));
  BOOST_TEST(!parse_target_match("some"));
}
