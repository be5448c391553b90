#define BOOST_TEST_MODULE unit_broker_node
#include <boost/test/unit_test.hpp>
