#include <boost/test/unit_test.hpp>

#include "common/backoff.hpp"

using namespace brokkr;
using ms = std::chrono::milliseconds;

BOOST_AUTO_TEST_CASE(backoff_doubles_from_min_up_to_max_and_starts_over_after_reset) {
  reconnect_backoff b(ms(200), ms(1000));
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
  reconnect_backoff b(ms(1000), ms(1000), 0.2, 7);
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
  reconnect_backoff b(ms(500), ms(100));
  BOOST_TEST(b.next().count() == 500);
  BOOST_TEST(b.next().count() == 500);
}
