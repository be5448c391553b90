#define BOOST_TEST_MODULE integration_k8s_process
#include <boost/test/unit_test.hpp>
