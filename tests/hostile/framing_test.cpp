// HTTP framing: bytes no well-behaved client sends. Each case gets its answer, and the broker keeps
// serving within its memory bound.
#include <boost/test/data/test_case.hpp>

#include "tests/hostile/hostile.hpp"

using namespace brokkr::test;
using namespace brokkr::test::hostile;
namespace bdata = boost::unit_test::data;

namespace {

struct framing_case {
  std::string name;
  std::string bytes;
  int status;       // the first answer's status; 0: no answer, the connection is closed
  int answers = 1;  // how many answers the bytes must get
};

std::ostream& operator<<(std::ostream& os, const framing_case& c) { return os << c.name; }

std::string post_chunked(const std::string& framing) {
  return "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + framing;
}

std::vector<framing_case> cases() {
  std::string trailer;
  for (int i = 0; i < 80000; ++i) trailer += "X-T" + std::to_string(i) + ": v\r\n";  // over 1 MiB
  std::string many_headers;
  for (int i = 0; i < 2000; ++i) many_headers += "A" + std::to_string(i) + ": 1\r\n";
  std::string big_chunks;
  for (int i = 0; i < 5; ++i) big_chunks += "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  return {
      {"header_over_64k", get + "X-A: " + std::string(100 * 1024, 'a') + "\r\n\r\n", 431},
      {"request_line_over_64k", "GET /" + std::string(70 * 1024, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
      {"chunk_extension_8_mib", post_chunked("5;" + std::string(8 << 20, 'e') + "\r\nhello\r\n0\r\n\r\n"), 400},
      {"trailer_flood", post_chunked("2\r\nhi\r\n0\r\n" + trailer + "\r\n"), 400},
      {"transfer_encoding_gzip", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400},
      {"transfer_encoding_gzip_then_chunked", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
      // Two field lines combine to "gzip, chunked": chunked is last, and a coding the server has none
      // of (gzip) is 501, as for one line.
      {"two_transfer_encodings", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501},
      {"transfer_encoding_and_content_length", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"content_lengths_that_differ", "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
      {"negative_content_length", "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
      {"content_length_2_to_the_64", "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n", 400},
      {"content_length_over_the_body_limit", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n", 413},
      {"chunked_body_over_the_body_limit", post_chunked(big_chunks + "0\r\n\r\n"), 413},
      {"expect_continue_over_the_limit", "POST /api/v1/ephemeral-work HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 8388608\r\n\r\n", 413},
      {"tls_client_hello_on_the_plain_port", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n", 400},
      {"bad_method_token", "G(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"http_version_1_2", "GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n", 400},
      {"nul_in_a_header_value", get + std::string("X-A: a\0b\r\n\r\n", 12), 400},
      // RFC 9112 5.2: reject, or replace the fold with a space; Beast does the latter.
      {"obsolete_line_folding", get + "X-A: a\r\n b\r\n\r\n", 200},
      {"bare_lf_line_endings", "GET /healthz HTTP/1.1\nHost: x\n\n", 400},
      {"invalid_percent_escape", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"percent_ff_without_a_key", "GET /%FF HTTP/1.1\r\nHost: x\r\n\r\n", 404},
      {"percent_ff_in_a_query_name", "GET /healthz?%FF=1 HTTP/1.1\r\nHost: x\r\n\r\n", 200},
      {"absolute_form_target", "GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 404},
      {"unknown_long_method", std::string(5000, 'M') + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405},
      {"host_header_missing", "GET /healthz HTTP/1.1\r\n\r\n", 200},
      {"two_thousand_headers", get + many_headers + "\r\n", 200},
      {"pipelined_three_requests", get + "\r\n" + get + "\r\n" + get + "Connection: close\r\n\r\n", 200, 3},
      {"binary_garbage", std::string("\x00\x01\x02\x03", 4), 400},
      {"an_unfinished_request_line", "GET /healthz HTT", 0, 0},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_DATA_TEST_CASE(http_framing, bdata::make(cases()), c) {
  auto& s = suite_broker::get();
  const auto a = send_raw(s.http_port(), c.bytes);
  BOOST_TEST(a.status == c.status, c.name << ": got " << a.text.substr(0, 200));
  BOOST_TEST(a.answers == c.answers, c.name);
  // Every error answer is JSON (the "error" object), never an empty or hung connection.
  if (c.status >= 400) BOOST_TEST(a.text.find("\"error\"") != std::string::npos, c.name);
  still_serving(c.name);
}

// The method label of the request counter is a bounded set: a junk method counts as "other".
BOOST_AUTO_TEST_CASE(junk_methods_do_not_mint_metric_series) {
  auto& s = suite_broker::get();
  send_raw(s.http_port(), "FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto metrics = api_client(s.url()).get("/metrics").raw;
  BOOST_TEST(metrics.find("method=\"FROB\"") == std::string::npos);
  BOOST_TEST(metrics.find("method=\"other\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
