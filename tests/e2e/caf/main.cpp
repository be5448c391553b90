#define BOOST_TEST_MODULE e2e_caf
#include <boost/test/unit_test.hpp>
