#define BOOST_TEST_MODULE integration_k8s_sim
#include <boost/test/unit_test.hpp>
