// HTTP answers and transport failures to exit codes and messages.
#include "cli/api_error.hpp"

#include <boost/test/unit_test.hpp>

#include "cli/final_status.hpp"

using namespace brokkr::cli;

BOOST_AUTO_TEST_SUITE(api_errors)

BOOST_AUTO_TEST_CASE(status_to_exit_code) {
  BOOST_TEST(exit_code_for_status(401) == exit_code::auth);
  BOOST_TEST(exit_code_for_status(403) == exit_code::auth);
  BOOST_TEST(exit_code_for_status(404) == exit_code::not_found);
  for (int s : {400, 409, 422, 500, 503}) BOOST_TEST(exit_code_for_status(s) == exit_code::api_error);
}

BOOST_AUTO_TEST_CASE(broker_error_keeps_message_and_field) {
  const auto e = error_from_response(
      422, R"({"error":{"code":"invalid_argument","message":"max_retries is out of range","details":{"field":"max_retries"}}})");
  BOOST_TEST(e.exit_code == exit_code::api_error);
  BOOST_TEST(e.field == "max_retries");
  BOOST_TEST(e.message == "HTTP 422 invalid_argument: max_retries is out of range (field max_retries)");
  const auto nf = error_from_response(404, R"({"error":{"code":"not_found","message":"no such work item"}})");
  BOOST_TEST(nf.exit_code == exit_code::not_found);
  BOOST_TEST(nf.message == "HTTP 404 not_found: no such work item");
}

BOOST_AUTO_TEST_CASE(other_bodies_are_summarised) {
  const auto e = error_from_response(502, "<html>\nBad Gateway</html>");
  BOOST_TEST(e.message == "HTTP 502: <html> Bad Gateway</html>");
  BOOST_TEST(error_from_response(500, std::string(500, 'x')).message.size() < 220u);
  BOOST_TEST(error_from_response(401, "").message == "HTTP 401");
}

BOOST_AUTO_TEST_CASE(transport_errors_mean_unreachable) {
  const auto e = error_from_transport({brokkr::http::transport_errc::connect_failed, "refused"}, "http://h:1");
  BOOST_TEST(e.exit_code == exit_code::unreachable);
  BOOST_TEST(e.message == "cannot reach the broker at http://h:1: connect_failed (refused)");
}

BOOST_AUTO_TEST_CASE(final_statuses) {
  BOOST_TEST(exit_code_for_final_status("COMPLETED") == exit_code::success);
  BOOST_TEST(exit_code_for_final_status("FAILED_PERMANENT") == exit_code::work_failed);
  BOOST_TEST(exit_code_for_final_status("CANCELED") == exit_code::work_canceled);
  BOOST_TEST(!is_terminal_status("FAILED_RETRYABLE"));
  BOOST_TEST(!is_terminal_status("CLAIMED"));
  BOOST_TEST(is_terminal_status("CANCELED"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(api_errors_more)

BOOST_AUTO_TEST_CASE(a_url_curl_refuses_is_a_usage_error) {
  const auto e = error_from_transport({brokkr::http::transport_errc::invalid_request, "bad URL"}, "http://[x");
  BOOST_TEST(e.exit_code == exit_code::usage);
}

BOOST_AUTO_TEST_SUITE_END()
