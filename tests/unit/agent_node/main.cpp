#define BOOST_TEST_MODULE unit_agent_node
#include <boost/test/unit_test.hpp>
