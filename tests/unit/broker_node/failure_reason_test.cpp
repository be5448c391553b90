#include <boost/test/unit_test.hpp>

#include "broker_node/work_service.hpp"

using brokkr::broker::failure_reason_label;

// The label set of brokkr_failures_total stays bounded whatever agents report.
BOOST_AUTO_TEST_CASE(failure_reasons_become_bounded_labels) {
  BOOST_TEST(failure_reason_label("GitAuthInvalidKey") == "GitAuthInvalidKey");
  BOOST_TEST(failure_reason_label("") == "Other");
  BOOST_TEST(failure_reason_label("has space") == "Other");
  BOOST_TEST(failure_reason_label("quote\"{}") == "Other");
  BOOST_TEST(failure_reason_label(std::string(65, 'A')) == "Other");
  for (size_t i = 0; i < 2 * brokkr::broker::max_failure_reasons; ++i) failure_reason_label("Invented" + std::to_string(i));
  BOOST_TEST(failure_reason_label("Invented0") == "Invented0");  // among the first ones seen
  BOOST_TEST(failure_reason_label("Invented199") == "Other");    // past the bound
  BOOST_TEST(failure_reason_label("GitAuthInvalidKey") == "GitAuthInvalidKey");  // known stays known
}
