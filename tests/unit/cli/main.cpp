#define BOOST_TEST_MODULE unit_cli
#include <boost/test/unit_test.hpp>
