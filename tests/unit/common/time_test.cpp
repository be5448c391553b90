#include <boost/test/unit_test.hpp>

#include "common/time.hpp"

using namespace brokkr;
using namespace std::chrono;

BOOST_AUTO_TEST_CASE(rfc3339_round_trip) {
  const auto t = parse_rfc3339("2026-01-05T10:03:41Z");
  BOOST_REQUIRE(t);
  BOOST_TEST(format_rfc3339(*t) == "2026-01-05T10:03:41Z");
  BOOST_TEST(duration_cast<seconds>(t->time_since_epoch()).count() == 1767607421);
  const auto u = parse_rfc3339("2026-01-05T12:03:41.250+02:00");
  BOOST_REQUIRE(u);
  BOOST_TEST(format_rfc3339_millis(*u) == "2026-01-05T10:03:41.250Z");
  BOOST_TEST(!parse_rfc3339("2026-13-05T10:03:41Z"));
  BOOST_TEST(!parse_rfc3339("yesterday"));
  BOOST_TEST(!parse_rfc3339("2026-01-05T10:03:41"));
}

BOOST_AUTO_TEST_CASE(go_durations) {
  BOOST_TEST(parse_duration("15m")->count() == 900'000);
  BOOST_TEST(parse_duration("1h30m")->count() == 5'400'000);
  BOOST_TEST(parse_duration("250ms")->count() == 250);
  BOOST_TEST(parse_duration("2.5s")->count() == 2'500);
  BOOST_TEST(parse_duration("30")->count() == 30'000);
  BOOST_TEST(!parse_duration(""));
  BOOST_TEST(!parse_duration("5 minutes"));
  BOOST_TEST(!parse_duration("-5s"));
  // A number that is only a dot, or has two, is refused (std::stod threw on ".", and read "1.2.3" as 1.2).
  BOOST_TEST(!parse_duration(".s"));
  BOOST_TEST(!parse_duration("1.2.3s"));
  BOOST_TEST(!parse_duration("1m.h"));
  BOOST_TEST(parse_duration(".5s")->count() == 500);
  BOOST_TEST(parse_duration("5.s")->count() == 5'000);
  BOOST_TEST(format_duration(milliseconds(5'400'000)) == "1h30m");
  BOOST_TEST(format_duration(milliseconds(250)) == "250ms");
  BOOST_TEST(format_duration(milliseconds(2'000)) == "2s");
}
