#define BOOST_TEST_MODULE integration_persistence
#include <boost/test/unit_test.hpp>
