#define BOOST_TEST_MODULE unit_actors
#include <boost/test/unit_test.hpp>
