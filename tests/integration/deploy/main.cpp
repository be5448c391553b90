#define BOOST_TEST_MODULE integration_deploy
#include <boost/test/unit_test.hpp>
