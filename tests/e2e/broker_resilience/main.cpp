#define BOOST_TEST_MODULE e2e_broker_resilience
#include <boost/test/unit_test.hpp>
