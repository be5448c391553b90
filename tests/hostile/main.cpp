#define BOOST_TEST_MODULE e2e_hostile
#include <boost/test/unit_test.hpp>
