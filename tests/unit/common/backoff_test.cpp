#include <boost/test/unit_test.hpp>

#include "common/backoff.hpp"

using namespace brokkr;
using ms = std::chrono::milliseconds;

BOOST_AUTO_TEST_CASE(backoff_doubles_from_min_up_to_max_and_starts_over_after_reset) {
  auto b = reconnect_backoff(ms(200), ms(1000));
  BOOST_TEST(b.current().count() == 0);
  BOOST_TEST(b.next().count() == 200);
  BOOST_TEST(b.next().count() == 400);
  BOOST_TEST(b.next().count() == 800);
  BOOST_TEST(b.next().count() == 1000);
  BOOST_TEST(b.next().count() == 1000);
  b.reset();
  BOOST_TEST(b.next().count() == 200);
}

BOOST_AUTO_TEST_CASE(backoff_jitter_stays_within_its_band_and_varies) {
  auto b = reconnect_backoff(ms(1000), ms(1000), 0.2, 7);
  int64_t lowest = 1000000, highest = 0;
  for (int i = 0; i < 500; ++i) {
    const auto d = b.next().count();
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  BOOST_TEST(lowest >= 800);
  BOOST_TEST(highest <= 1200);
  // Clients cut off together must spread out: 500 draws cover most of the band.
  BOOST_TEST(highest - lowest > 200);
  BOOST_TEST(b.current().count() == 1000);
}

BOOST_AUTO_TEST_CASE(backoff_max_below_min_is_min) {
  auto b = reconnect_backoff(ms(500), ms(100));
  BOOST_TEST(b.next().count() == 500);
  BOOST_TEST(b.next().count() == 500);
}

// The client-go shape the Kubernetes client and reflectors use: jitter only upward.
BOOST_AUTO_TEST_CASE(backoff_policy_doubles_caps_and_jitters_upward) {
  const backoff_policy p{ms(100), ms(1000), 2.0, 0.5};
  BOOST_TEST(backoff_delay(p, 0, 0.0).count() == 100);
  BOOST_TEST(backoff_delay(p, 3, 0.0).count() == 800);
  BOOST_TEST(backoff_delay(p, 10, 0.0).count() == 1000);
  BOOST_TEST(backoff_delay(p, 10, 1.0).count() == 1500);
  BOOST_TEST(backoff_delay(p, -1, 0.0).count() == 100);
  backoff b(p, 42);
  const auto first = b.next();
  BOOST_TEST(first.count() >= 100);
  BOOST_TEST(first.count() <= 150);
  b.next();
  BOOST_TEST(b.attempts() == 2);
  b.reset();
  BOOST_TEST(b.attempts() == 0);
}
