#include <boost/test/unit_test.hpp>

#include "broker_node/logs/log_ring.hpp"

using brokkr::broker::log_ring;

BOOST_AUTO_TEST_SUITE(log_ring_suite)

BOOST_AUTO_TEST_CASE(readers_get_bytes_by_offset_and_a_resend_is_not_kept_twice) {
  log_ring r(1024);
  BOOST_TEST(r.append(0, "line 1\n") == 7u);
  BOOST_TEST(r.append(7, "line 2\n") == 7u);
  // An agent that reconnected resends from an older offset: only the new bytes count.
  BOOST_TEST(r.append(7, "line 2\nline 3\n") == 7u);
  BOOST_TEST(r.end() == 21);
  auto all = r.read(0, 100);
  BOOST_TEST(all.text == "line 1\nline 2\nline 3\n");
  BOOST_TEST(all.skipped == 0);
  BOOST_TEST(all.next == 21);
  // A reader's credit caps what it gets; it goes on from where it stopped.
  auto first = r.read(0, 10);
  BOOST_TEST(first.text == "line 1\nlin");
  auto rest = r.read(first.next, 100);
  BOOST_TEST(rest.text == "e 2\nline 3\n");
  BOOST_TEST(r.read(21, 100).text.empty());
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_and_a_slow_reader_learns_what_it_missed) {
  log_ring r(100);
  for (int i = 0; i < 50; ++i) r.append(r.end(), std::string(10, static_cast<char>('a' + i % 26)));
  BOOST_TEST(r.end() == 500);
  BOOST_TEST(r.size() <= 125u);  // capacity plus the quarter it trims in steps of
  BOOST_TEST(r.begin() == r.end() - static_cast<int64_t>(r.size()));
  auto slow = r.read(0, 1000);
  BOOST_TEST(slow.skipped == r.begin());
  BOOST_TEST(slow.text.size() == r.size());
  BOOST_TEST(slow.next == 500);
  BOOST_TEST(slow.text.substr(slow.text.size() - 10) == std::string(10, static_cast<char>('a' + 49 % 26)));
}

BOOST_AUTO_TEST_CASE(a_gap_starts_over_at_the_new_offset) {
  log_ring r(100);
  r.append(0, "abc");
  BOOST_TEST(r.append(10, "xyz") == 3u);
  BOOST_TEST(r.begin() == 10);
  auto s = r.read(3, 100);
  BOOST_TEST(s.skipped == 7);
  BOOST_TEST(s.text == "xyz");
}

BOOST_AUTO_TEST_SUITE_END()
