#include <boost/test/unit_test.hpp>

#include <future>
#include <set>
#include <thread>

#include "common/http_client.hpp"
#include "common/http_self_signed.hpp"
#include "common/http_server.hpp"
#include "tests/support/raw_socket.hpp"

using namespace brokkr::http;
using namespace std::chrono_literals;

namespace {

std::string url(uint16_t port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

response echo(const request& req) {
  return {.status = 200,
          .headers = {{"X-Remote", req.remote_address}, {"X-Path", req.path}},
          .content_type = "text/plain",
          .body = req.method + " " + req.body};
}

// Waits (bounded) for a condition that another thread makes true.
template <class F>
bool eventually(F f, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

}  // namespace

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
  std::mutex mu;
  std::set<std::string> remotes;
  server srv({}, [&](request req, std::shared_ptr<responder> r) {
    {
      std::lock_guard lock(mu);
      remotes.insert(req.remote_address);
    }
    r->send(echo(req));
  });
  auto port = srv.start();
  BOOST_REQUIRE_MESSAGE(port.has_value(), (port ? std::string() : std::string(port.error())));
  client c;
  for (int i = 0; i < 3; ++i) {
    auto res = c.perform({.method = "POST", .url = url(*port, "/a%20b?x=1"), .body = "hi"});
    BOOST_REQUIRE(res);
    BOOST_TEST(res->status == 200);
    BOOST_TEST(res->body == "POST hi");
    BOOST_TEST(*res->headers.get("x-path") == "/a b");
  }
  BOOST_TEST(remotes.size() == 1u);
  BOOST_TEST(srv.open_connections() == 1u);
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured) {
  server srv({}, [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  auto res = c.perform({.url = url(*port, "/"), .headers = {{"Connection", "close"}}});
  BOOST_REQUIRE(res);
  BOOST_TEST(*res->headers.get("connection") == "close");
  BOOST_TEST(eventually([&] { return srv.open_connections() == 0; }));
}

BOOST_AUTO_TEST_CASE(body_limit_answers_413_through_make_error) {
  server_config cfg;
  cfg.body_limit = 1024;
  cfg.make_error = [](int status, std::string code, std::string message) {
    return response{.status = status, .content_type = "text/plain", .body = "custom " + code + ": " + message};
  };
  server srv(cfg, [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  auto small = c.perform({.method = "POST", .url = url(*port, "/"), .body = std::string(1024, 'a')});
  BOOST_REQUIRE(small);
  BOOST_TEST(small->status == 200);
  auto big = c.perform({.method = "POST", .url = url(*port, "/"), .body = std::string(200000, 'a')});
  BOOST_REQUIRE_MESSAGE(big.has_value(), (big ? std::string() : std::string(big.error().message)));
  BOOST_TEST(big->status == 413);
  BOOST_TEST(big->body.find("custom RequestEntityTooLarge") == 0u);
  // A chunked upload has no Content-Length: the parser's limit catches it.
  raw_socket s(*port);
  s.send_all("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'b') +
             "\r\n0\r\n\r\n");
  BOOST_TEST(s.read_all().find("HTTP/1.1 413") == 0u);
  auto after = c.perform({.url = url(*port, "/")});
  BOOST_REQUIRE(after);
  BOOST_TEST(after->status == 200);
}

BOOST_AUTO_TEST_CASE(malformed_request_gets_400_and_bad_escape_too) {
  server srv({}, [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  raw_socket garbage(*port);
  garbage.send_all("THIS IS NOT HTTP\r\n\r\n");
  const std::string reply = garbage.read_all();
  BOOST_TEST(reply.find("HTTP/1.1 400") == 0u);
  BOOST_TEST(reply.find("\"code\":\"BadRequest\"") != std::string::npos);
  raw_socket escape(*port);
  escape.send_all("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(escape.read_all().find("HTTP/1.1 400") == 0u);
}

BOOST_AUTO_TEST_CASE(handler_exception_becomes_500_and_second_answer_is_ignored) {
  server srv({}, [](request req, std::shared_ptr<responder> r) {
    if (req.path == "/throw") throw std::runtime_error("boom");
    r->send({.status = 201, .body = "first"});
    r->send({.status = 500, .body = "second"});
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  auto thrown = c.perform({.url = url(*port, "/throw")});
  BOOST_REQUIRE(thrown);
  BOOST_TEST(thrown->status == 500);
  BOOST_TEST(thrown->body.find("InternalError") != std::string::npos);
  BOOST_TEST(thrown->body.find("boom") == std::string::npos);  // exception text stays in the log
  auto twice = c.perform({.url = url(*port, "/")});
  BOOST_REQUIRE(twice);
  BOOST_TEST(twice->status == 201);
  BOOST_TEST(twice->body == "first");
}

BOOST_AUTO_TEST_CASE(answer_from_another_thread_later) {
  std::vector<std::thread> workers;
  server srv({.io_threads = 2}, [&](request req, std::shared_ptr<responder> r) {
    workers.emplace_back([req, r] {
      std::this_thread::sleep_for(20ms);
      r->send(echo(req));
    });
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  auto res = c.perform({.method = "PUT", .url = url(*port, "/later"), .body = "x"});
  BOOST_REQUIRE(res);
  BOOST_TEST(res->body == "PUT x");
  srv.stop(1s);
  for (auto& t : workers) t.join();
}

BOOST_AUTO_TEST_CASE(graceful_stop_lets_in_flight_request_finish) {
  std::promise<std::shared_ptr<responder>> got;
  server srv({}, [&](request, std::shared_ptr<responder> r) { got.set_value(r); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  auto reply = std::async(std::launch::async, [&] {
    client c;
    return c.perform({.url = url(*port, "/slow")});
  });
  auto pending = got.get_future();
  BOOST_REQUIRE(pending.wait_for(5s) == std::future_status::ready);
  auto r = pending.get();
  auto stopping = std::async(std::launch::async, [&] { srv.stop(10s); });
  // New connections are refused once the acceptor is closed.
  BOOST_TEST(eventually([&] {
    client other;
    auto res = other.perform({.url = url(*port, "/"), .connect_timeout = 500ms});
    return !res && res.error().code == transport_errc::connect_failed;
  }));
  BOOST_TEST((stopping.wait_for(0ms) == std::future_status::timeout));  // still waiting for the request
  r->send({.status = 200, .body = "done"});
  BOOST_REQUIRE(reply.wait_for(5s) == std::future_status::ready);
  auto res = reply.get();
  BOOST_REQUIRE(res);
  BOOST_TEST(res->body == "done");
  BOOST_TEST(*res->headers.get("connection") == "close");
  BOOST_TEST((stopping.wait_for(5s) == std::future_status::ready));
}

BOOST_AUTO_TEST_CASE(stop_timeout_closes_unanswered_requests) {
  std::shared_ptr<responder> kept;
  std::promise<void> got;
  server srv({}, [&](request, std::shared_ptr<responder> r) {
    kept = r;
    got.set_value();
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  auto reply = std::async(std::launch::async, [&] {
    client c;
    return c.perform({.url = url(*port, "/never")});
  });
  BOOST_REQUIRE(got.get_future().wait_for(5s) == std::future_status::ready);
  srv.stop(50ms);
  auto res = reply.get();
  BOOST_TEST(!res);
  BOOST_TEST(kept->client_gone());
  kept->send({.status = 200});  // after stop: a harmless no-op
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_times_out) {
  server srv({.idle_timeout = 1s}, [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  BOOST_REQUIRE(c.perform({.url = url(*port, "/")}));
  BOOST_TEST(srv.open_connections() == 1u);
  BOOST_TEST(eventually([&] { return srv.open_connections() == 0; }));
  auto again = c.perform({.url = url(*port, "/")});  // curl reconnects transparently
  BOOST_REQUIRE(again);
  BOOST_TEST(again->status == 200);
}

BOOST_AUTO_TEST_CASE(tls_with_the_generated_ca) {
  auto certs = make_self_signed({"127.0.0.1", "localhost"});
  BOOST_REQUIRE_MESSAGE(certs.has_value(), (certs ? std::string() : std::string(certs.error())));
  server_config cfg;
  cfg.tls = tls_config{.cert_pem = certs->server_cert_pem, .key_pem = certs->server_key_pem};
  server srv(cfg, [](request req, std::shared_ptr<responder> r) { r->send(echo(req)); });
  auto port = srv.start();
  BOOST_REQUIRE_MESSAGE(port.has_value(), (port ? std::string() : std::string(port.error())));
  const std::string https = "https://127.0.0.1:" + std::to_string(*port) + "/tls";
  client trusted({.ca_pem = certs->ca_cert_pem});
  auto ok = trusted.perform({.url = https});
  BOOST_REQUIRE_MESSAGE(ok.has_value(), (ok ? std::string() : std::string(ok.error().message)));
  BOOST_TEST(ok->status == 200);
  client stranger;
  auto refused = stranger.perform({.url = https});
  BOOST_REQUIRE(!refused);
  BOOST_TEST((refused.error().code == transport_errc::tls_verify_failed));
  client insecure({.insecure_skip_verify = true});
  BOOST_TEST(insecure.perform({.url = https}).has_value());
}

BOOST_AUTO_TEST_CASE(bad_tls_material_and_busy_port_fail_start) {
  server_config cfg;
  cfg.tls = tls_config{.cert_pem = "not a pem", .key_pem = "nope"};
  server bad(cfg, [](request, std::shared_ptr<responder>) {});
  auto r = bad.start();
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().find("tls") == 0u);
  server first({}, [](request, std::shared_ptr<responder>) {});
  auto port = first.start();
  BOOST_REQUIRE(port);
  server second({.port = *port}, [](request, std::shared_ptr<responder>) {});
  BOOST_TEST(!second.start());
  server unresolvable({.host = "no-such-host.invalid"}, [](request, std::shared_ptr<responder>) {});
  BOOST_TEST(!unresolvable.start());
}
