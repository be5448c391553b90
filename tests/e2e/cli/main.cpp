#define BOOST_TEST_MODULE e2e_cli
#include <boost/test/unit_test.hpp>
