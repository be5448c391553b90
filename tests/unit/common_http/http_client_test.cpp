#include <boost/test/unit_test.hpp>

#include <future>

#include "common/http_client.hpp"
#include "common/http_server.hpp"

using namespace brokkr::http;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(connection_refused_is_a_typed_transport_error) {
  uint16_t port = 0;
  {
    server srv({}, [](request, std::shared_ptr<responder>) {});
    port = *srv.start();
  }  // closed again: nothing listens on the port now
  client c;
  auto res = c.perform({.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  BOOST_REQUIRE(!res);
  BOOST_TEST((res.error().code == transport_errc::connect_failed));
  BOOST_TEST(is_transient(res.error().code));
  BOOST_TEST(to_string(res.error().code) == "connect_failed");
}

BOOST_AUTO_TEST_CASE(bad_url_and_unresolvable_host) {
  client c;
  auto bad = c.perform({.url = "htp:/nonsense"});
  BOOST_REQUIRE(!bad);
  BOOST_TEST((bad.error().code == transport_errc::invalid_request));
  BOOST_TEST(!is_transient(bad.error().code));
  auto dns = c.perform({.url = "http://no-such-host.invalid/", .connect_timeout = 2s});
  BOOST_REQUIRE(!dns);
  BOOST_TEST((dns.error().code == transport_errc::resolve_failed));
}

BOOST_AUTO_TEST_CASE(timeout_and_abort_are_distinct) {
  std::vector<std::shared_ptr<responder>> held;
  std::mutex mu;
  server srv({}, [&](request, std::shared_ptr<responder> r) {
    std::lock_guard lock(mu);
    held.push_back(r);  // never answered
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  const std::string u = "http://127.0.0.1:" + std::to_string(*port) + "/";
  client c;
  auto slow = c.perform({.url = u, .timeout = 200ms});
  BOOST_REQUIRE(!slow);
  BOOST_TEST((slow.error().code == transport_errc::timeout));
  std::atomic<bool> abort{false};
  auto pending = std::async(std::launch::async, [&] {
    client other;
    return other.perform({.url = u}, &abort);
  });
  abort = true;
  auto aborted = pending.get();
  BOOST_REQUIRE(!aborted);
  BOOST_TEST((aborted.error().code == transport_errc::aborted));
  srv.stop(0ms);
}

BOOST_AUTO_TEST_CASE(methods_headers_and_bodies_are_sent_as_given) {
  server srv({}, [](request req, std::shared_ptr<responder> r) {
    r->send({.status = req.method == "HEAD" ? 204 : 200,
             .headers = {{"X-Method", req.method}, {"X-Content-Type", req.headers.get("content-type").value_or("-")}},
             .body = req.body});
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  const std::string u = "http://127.0.0.1:" + std::to_string(*port) + "/";
  client c;
  for (const std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    auto res = c.perform({.method = method, .url = u, .headers = {{"Content-Type", "application/json"}},
                          .body = method == "GET" ? "" : "{}"});
    BOOST_REQUIRE(res);
    BOOST_TEST(*res->headers.get("x-method") == method);
    BOOST_TEST(res->body == (method == "GET" ? "" : "{}"));
  }
  auto plain = c.perform({.method = "POST", .url = u, .body = "x"});
  BOOST_REQUIRE(plain);
  BOOST_TEST(*plain->headers.get("x-content-type") == "-");  // not curl's form default
  auto head = c.perform({.method = "HEAD", .url = u});
  BOOST_REQUIRE(head);
  BOOST_TEST(head->status == 204);
}
