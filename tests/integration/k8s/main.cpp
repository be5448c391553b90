#define BOOST_TEST_MODULE integration_k8s_client
#include <boost/test/unit_test.hpp>
