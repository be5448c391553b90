#define BOOST_TEST_MODULE unit_common_http
#include <boost/test/unit_test.hpp>
