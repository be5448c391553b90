#define BOOST_TEST_MODULE unit_k8s
#include <boost/test/unit_test.hpp>
