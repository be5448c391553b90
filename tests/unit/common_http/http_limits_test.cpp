// What one hostile peer can make the server do: every case answers, closes, and leaves the server
// serving the next client (docs/security.md, "HTTP limits").
#include <boost/test/unit_test.hpp>

#include <mutex>
#include <thread>

#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "tests/support/raw_socket.hpp"

using namespace brokkr::http;
using namespace std::chrono_literals;

namespace {

response echo(const request& req) {
  return {.status = 200, .content_type = "text/plain", .body = req.method + " " + req.path + " " + req.body};
}

struct echo_server {
  server srv;
  uint16_t port = 0;
  explicit echo_server(server_config cfg = {})
      : srv(std::move(cfg), [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); }) {
    auto p = srv.start();
    BOOST_REQUIRE(p);
    port = *p;
  }
  bool still_serves() {
    client c;
    auto res = c.perform({.url = "http://127.0.0.1:" + std::to_string(port) + "/ok"});
    return res && res->status == 200;
  }
};

bool eventually_open(echo_server& s, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.srv.open_connections() == n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_without_more_bytes) {
  echo_server s;
  raw_socket sock(s.port);
  // Both requests in one write; the second closes, so the server must answer both and hang up
  // without the client sending anything more.
  sock.send_all("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto reply = sock.read_all();
  BOOST_TEST(count(reply, "HTTP/1.1 200") == 2u);
  BOOST_TEST(reply.find("GET /two") != std::string::npos);
  BOOST_TEST(sock.eof);
}

// The same with answers that come later from another thread: while a request is answered, nothing
// else holds the connection (no read is pending when the next request is already buffered).
BOOST_AUTO_TEST_CASE(pipelined_requests_answered_asynchronously) {
  std::mutex mu;
  std::vector<std::thread> workers;
  server srv({}, [&](request req, std::shared_ptr<responder> r) {
    std::lock_guard lock(mu);
    workers.emplace_back([req, r] {
      std::this_thread::sleep_for(20ms);
      r->send(echo(req));
    });
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  raw_socket sock(*port);
  sock.send_all("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto reply = sock.read_all();
  BOOST_TEST(count(reply, "HTTP/1.1 200") == 3u);
  BOOST_TEST(reply.find("GET /three") != std::string::npos);
  srv.stop(1s);
  for (auto& t : workers) t.join();
}

BOOST_AUTO_TEST_CASE(a_final_coding_other_than_chunked_is_refused) {
  echo_server s;
  {
    raw_socket sock(s.port);
    sock.send_all("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto reply = sock.read_all();
    BOOST_TEST(reply.find("HTTP/1.1 400") == 0u);
    BOOST_TEST(reply.find("smuggled") == std::string::npos);
  }
  {
    raw_socket sock(s.port);
    sock.send_all("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    BOOST_TEST(sock.read_all().find("HTTP/1.1 501") == 0u);
  }
  {
    raw_socket sock(s.port);
    sock.send_all("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    BOOST_TEST(sock.read_all().find("HTTP/1.1 400") == 0u);
  }
  BOOST_TEST(s.still_serves());
}

BOOST_AUTO_TEST_CASE(chunk_extensions_and_trailers_are_bounded) {
  echo_server s({.framing_limit = 4096});
  {
    raw_socket sock(s.port);
    sock.send_all("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" + std::string(1 << 20, 'e'));
    const auto reply = sock.read_all();
    BOOST_TEST(reply.find("HTTP/1.1 400") == 0u);
    BOOST_TEST(sock.eof);
  }
  {
    raw_socket sock(s.port);
    std::string trailer;
    for (int i = 0; i < 20000; ++i) trailer += "X-T" + std::to_string(i) + ": v\r\n";
    sock.send_all("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n" + trailer);
    BOOST_TEST(sock.read_all().find("HTTP/1.1 400") == 0u);
  }
  {
    // Small extensions and trailers are still HTTP/1.1.
    raw_socket sock(s.port);
    sock.send_all("POST /ext HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  "2;name=value\r\nhi\r\n0\r\nX-Checksum: 1\r\n\r\n");
    const auto reply = sock.read_all();
    BOOST_TEST(reply.find("HTTP/1.1 200") == 0u);
    BOOST_TEST(reply.find("POST /ext hi") != std::string::npos);
  }
  BOOST_TEST(s.still_serves());
}

BOOST_AUTO_TEST_CASE(a_header_past_the_limit_gets_431) {
  echo_server s({.header_limit = 8192});
  raw_socket sock(s.port);
  sock.send_all("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(16384, 'h') + "\r\n\r\n");
  BOOST_TEST(sock.read_all().find("HTTP/1.1 431") == 0u);
  BOOST_TEST(s.still_serves());
}

BOOST_AUTO_TEST_CASE(a_trickled_header_is_cut_off_by_the_header_deadline) {
  echo_server s({.header_timeout = 1s, .idle_timeout = 60s});
  raw_socket sock(s.port, 10);
  sock.send_all("GET / HTTP/1.1\r\nHost: x\r\n");  // and never the blank line
  const auto start = std::chrono::steady_clock::now();
  sock.read_all();
  BOOST_TEST(sock.eof);  // closed by the server, long before the 60 s idle timeout
  BOOST_TEST_MESSAGE("header deadline closed the connection after "
                     << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
  BOOST_TEST(s.still_serves());
}

BOOST_AUTO_TEST_CASE(connections_past_the_cap_get_503_and_are_closed) {
  echo_server s({.header_timeout = 30s, .max_connections = 2});
  raw_socket a(s.port), b(s.port);
  a.send_all("GET / HTTP/1.1\r\nHost: x\r\n");  // partial requests keep both open
  b.send_all("GET / HTTP/1.1\r\nHost: x\r\n");
  BOOST_REQUIRE(eventually_open(s, 2));
  raw_socket c(s.port);
  const auto reply = c.read_all();
  BOOST_TEST(reply.find("HTTP/1.1 503") == 0u);
  BOOST_TEST(reply.find("too many connections") != std::string::npos);
  BOOST_TEST(s.srv.refused_connections() == 1u);
  a.send_all("\r\n");  // finishing one request frees nothing (keep-alive)...
  ::shutdown(b.fd, SHUT_RDWR);  // ...closing one does
  BOOST_TEST(eventually_open(s, 1));
  BOOST_TEST(s.still_serves());
}

BOOST_AUTO_TEST_CASE(an_unanswered_request_gets_500_when_its_handler_lets_go) {
  server srv({}, [](request req, std::shared_ptr<responder> r) {
    if (req.path == "/drop") return;  // the responder dies here, unanswered
    std::thread([r = std::move(r)] { std::this_thread::sleep_for(10ms); }).detach();  // ...or on another thread
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  for (const char* path : {"/drop", "/later"}) {
    auto res = c.perform({.url = "http://127.0.0.1:" + std::to_string(*port) + path, .timeout = 5s});
    BOOST_REQUIRE_MESSAGE(res.has_value(), path);
    BOOST_TEST(res->status == 500);
    BOOST_TEST(res->body.find("without answering") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(error_bodies_replace_invalid_utf8) {
  const auto r = default_error(404, "not_found", "no route for GET /\xff\xfe");
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.body.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
}
