#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

#include "common/http_client.hpp"
#include "common/http_server.hpp"

using namespace brokkr::http;
using namespace std::chrono_literals;

namespace {

std::string url(uint16_t port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

}  // namespace

BOOST_AUTO_TEST_CASE(stream_written_from_another_thread_arrives_in_order) {
  std::vector<std::thread> writers;
  server srv({}, [&](request req, std::shared_ptr<responder> r) {
    if (req.path == "/plain") return r->send({.status = 204});
    auto s = r->begin_stream(200, {{"X-Stream", "1"}}, "application/x-ndjson");
    writers.emplace_back([s] {
      for (int i = 0; i < 50; ++i) BOOST_CHECK(s->write("{\"n\":" + std::to_string(i) + "}\n"));
      s->finish();
      BOOST_CHECK(!s->write("late"));
    });
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  std::string received;
  int status = 0;
  auto res = c.perform_stream(
      {.url = url(*port, "/watch"), .timeout = 0ms},
      [&](int st, const header_map& h) {
        status = st;
        BOOST_CHECK(*h.get("transfer-encoding") == "chunked");
        return true;
      },
      [&](std::string_view chunk) {
        received.append(chunk);
        return true;
      });
  BOOST_REQUIRE_MESSAGE(res.has_value(), (res ? std::string() : std::string(res.error().message)));
  BOOST_TEST((res->end == stream_end::completed));
  BOOST_TEST(status == 200);
  std::string expected;
  for (int i = 0; i < 50; ++i) expected += "{\"n\":" + std::to_string(i) + "}\n";
  BOOST_TEST(received == expected);
  for (auto& t : writers) t.join();
  // The connection survives the stream and serves the next request.
  auto next = c.perform({.url = url(*port, "/plain"), .timeout = 5s});
  BOOST_REQUIRE(next);
  BOOST_TEST(next->status == 204);
}

BOOST_AUTO_TEST_CASE(client_disconnect_is_detected_and_closes_the_stream) {
  std::promise<std::shared_ptr<stream>> opened;
  std::promise<void> closed;
  server srv({}, [&](request, std::shared_ptr<responder> r) {
    auto s = r->begin_stream(200, {}, "application/json");
    s->on_close([&] { closed.set_value(); });
    s->write("first\n");
    opened.set_value(s);
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  auto res = c.perform_stream({.url = url(*port, "/"), .timeout = 0ms}, [](int, const header_map&) { return true; },
                              [](std::string_view) { return false; });  // hang up after the first chunk
  BOOST_REQUIRE(res);
  BOOST_TEST((res->end == stream_end::stopped_by_callback));
  auto s = opened.get_future().get();
  c = client();  // drop the curl handle: its connection closes
  BOOST_REQUIRE(closed.get_future().wait_for(5s) == std::future_status::ready);
  BOOST_TEST(s->closed());
  BOOST_TEST(!s->write("after"));
  bool late_callback = false;
  s->on_close([&] { late_callback = true; });
  BOOST_TEST(late_callback);
}

BOOST_AUTO_TEST_CASE(abort_flag_ends_a_quiet_stream_promptly) {
  server srv({}, [](request, std::shared_ptr<responder> r) { r->begin_stream(200, {}, "text/plain")->write("x"); });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  std::atomic<bool> stop{false};
  auto watcher = std::async(std::launch::async, [&] {
    client c;
    return c.perform_stream({.url = url(*port, "/"), .timeout = 0ms}, [](int, const header_map&) { return true; },
                            [](std::string_view) { return true; }, &stop);
  });
  BOOST_TEST((watcher.wait_for(200ms) == std::future_status::timeout));
  stop = true;
  BOOST_REQUIRE(watcher.wait_for(5s) == std::future_status::ready);
  auto res = watcher.get();
  BOOST_REQUIRE(res);
  BOOST_TEST((res->end == stream_end::aborted));
}

BOOST_AUTO_TEST_CASE(abort_drops_the_connection_without_last_chunk) {
  server srv({}, [](request, std::shared_ptr<responder> r) {
    auto s = r->begin_stream(200, {}, "text/plain");
    s->write("partial");
    s->abort();
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  client c;
  std::string got;
  auto res = c.perform_stream({.url = url(*port, "/")}, [](int, const header_map&) { return true; },
                              [&](std::string_view d) {
                                got.append(d);
                                return true;
                              });
  BOOST_REQUIRE(!res);
  BOOST_TEST((res.error().code == transport_errc::connection_lost));
  BOOST_TEST(got == "partial");
}

BOOST_AUTO_TEST_CASE(slow_reader_is_dropped_when_the_buffer_limit_is_reached) {
  std::promise<bool> result;
  server srv({.stream_buffer_limit = 64 * 1024}, [&](request, std::shared_ptr<responder> r) {
    auto s = r->begin_stream(200, {}, "text/plain");
    std::thread([s, &result] {
      const std::string block(16 * 1024, 'z');
      bool accepted = true;
      for (int i = 0; i < 100000 && accepted; ++i) accepted = s->write(block);
      result.set_value(accepted);
    }).detach();
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  std::atomic<bool> stop{false};
  auto reader = std::async(std::launch::async, [&] {
    client c;
    // Never returns from the first chunk until told: the server's queue fills up.
    return c.perform_stream({.url = url(*port, "/"), .timeout = 0ms}, [](int, const header_map&) { return true; },
                            [&](std::string_view) {
                              while (!stop) std::this_thread::sleep_for(5ms);
                              return false;
                            }, &stop);
  });
  auto f = result.get_future();
  BOOST_REQUIRE(f.wait_for(10s) == std::future_status::ready);
  BOOST_TEST(!f.get());
  stop = true;
  reader.wait();
}

BOOST_AUTO_TEST_CASE(stop_ends_open_streams) {
  std::promise<void> began;
  server srv({}, [&](request, std::shared_ptr<responder> r) {
    r->begin_stream(200, {}, "text/plain")->write("hello\n");
    began.set_value();
  });
  auto port = srv.start();
  BOOST_REQUIRE(port);
  auto reader = std::async(std::launch::async, [&] {
    client c;
    std::string got;
    auto res = c.perform_stream({.url = url(*port, "/"), .timeout = 0ms}, [](int, const header_map&) { return true; },
                                [&](std::string_view d) {
                                  got.append(d);
                                  return true;
                                });
    return std::make_pair(res.has_value() && res->end == stream_end::completed, got);
  });
  BOOST_REQUIRE(began.get_future().wait_for(5s) == std::future_status::ready);
  srv.stop(5s);
  BOOST_REQUIRE(reader.wait_for(5s) == std::future_status::ready);
  auto [completed, got] = reader.get();
  BOOST_TEST(completed);
  BOOST_TEST(got == "hello\n");
}
