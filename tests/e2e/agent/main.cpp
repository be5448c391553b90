#define BOOST_TEST_MODULE e2e_agent
#include <boost/test/unit_test.hpp>
