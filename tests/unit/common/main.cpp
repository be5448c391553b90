#define BOOST_TEST_MODULE unit_common
#include <boost/test/unit_test.hpp>
