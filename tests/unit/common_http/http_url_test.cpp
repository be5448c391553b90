#include <boost/test/unit_test.hpp>

#include "common/http_headers.hpp"
#include "common/http_url.hpp"
#include "common/http_wire.hpp"

using namespace brokkr::http;

BOOST_AUTO_TEST_CASE(percent_decoding_and_query_parsing) {
  BOOST_TEST(*percent_decode("/a%20b/c%2Fd") == "/a b/c/d");
  BOOST_TEST(!percent_decode("%G1"));
  BOOST_TEST(!percent_decode("abc%2"));
  BOOST_TEST(*percent_decode("a+b", true) == "a b");
  BOOST_TEST(*percent_decode("a+b", false) == "a+b");
  auto q = parse_query("labelSelector=app%3Dx%2Cenv!%3Dprod&watch=1&x=1&x=2&flag");
  BOOST_REQUIRE(q);
  BOOST_TEST(*q->get("labelSelector") == "app=x,env!=prod");
  BOOST_TEST(*q->get("watch") == "1");
  BOOST_TEST(q->get_all("x").size() == 2u);
  BOOST_TEST(q->has("flag"));
  BOOST_TEST(*q->get("flag") == "");
  BOOST_TEST(!q->get("missing"));
  BOOST_TEST(!parse_query("a=%zz"));
}

BOOST_AUTO_TEST_CASE(query_building_round_trips) {
  const std::string built = build_query({{"labelSelector", "a in (x, y)"}, {"limit", "5"}});
  BOOST_TEST(built == "?labelSelector=a%20in%20%28x%2C%20y%29&limit=5");
  auto q = parse_query(built.substr(1));
  BOOST_REQUIRE(q);
  BOOST_TEST(*q->get("labelSelector") == "a in (x, y)");
  BOOST_TEST(build_query({}) == "");
  BOOST_TEST(percent_encode("a-b_c.d~e") == "a-b_c.d~e");
}

BOOST_AUTO_TEST_CASE(header_lookup_ignores_case) {
  header_map h;
  h.add("Content-Type", "application/json");
  h.add("X-Multi", "1");
  h.add("x-multi", "2");
  BOOST_TEST(*h.get("content-type") == "application/json");
  BOOST_TEST(h.get_all("X-MULTI").size() == 2u);
  BOOST_TEST(!h.has("missing"));
  BOOST_TEST(iequals("Retry-After", "retry-after"));
  BOOST_TEST(!iequals("Retry-After", "retry-afte"));
}

BOOST_AUTO_TEST_CASE(wire_format_strips_injection_and_frames_chunks) {
  header_list fields{{"X-Evil", "a\r\nSet-Cookie: x"}, {"Content-Length", "999"}};
  const std::string head = serialize_head({.status = 404, .headers = &fields, .content_type = "text/plain",
                                           .content_length = 3, .keep_alive = false});
  BOOST_TEST(head.find("HTTP/1.1 404 Not Found\r\n") == 0u);
  BOOST_TEST(head.find("X-Evil: aSet-Cookie: x\r\n") != std::string::npos);
  BOOST_TEST(head.find("Content-Length: 999") == std::string::npos);
  BOOST_TEST(head.find("Content-Length: 3\r\n") != std::string::npos);
  BOOST_TEST(head.find("Connection: close\r\n") != std::string::npos);
  BOOST_TEST(chunk_frame("hello") == "5\r\nhello\r\n");
  BOOST_TEST(chunk_frame("") == "");
  BOOST_TEST(std::string(reason_phrase(599)) == "Status");
  BOOST_TEST(status_forbids_body(204));
  const std::string no_body = serialize_head({.status = 204, .content_length = 0});
  BOOST_TEST(no_body.find("Content-Length") == std::string::npos);
}
