#define BOOST_TEST_MODULE e2e_broker
#include <boost/test/unit_test.hpp>
