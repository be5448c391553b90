// Floods: many connections, slow clients, long keep-alive sessions, and a broker out of file
// descriptors. Bounded everything: the broker answers others meanwhile and afterwards.
#include <thread>

#include "tests/hostile/hostile.hpp"

using namespace brokkr::test;
using namespace brokkr::test::hostile;

BOOST_AUTO_TEST_SUITE(floods)

BOOST_AUTO_TEST_CASE(half_open_connections_below_the_cap_do_not_starve_others) {
  auto& s = suite_broker::get();
  std::vector<std::unique_ptr<raw_socket>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<raw_socket>(s.http_port(), 5));
    slow.back()->send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  }
  for (int i = 0; i < 5; ++i) BOOST_TEST(api_client(s.url()).get("/healthz").status == 200);
  still_serving("50 half-open connections");
}

BOOST_AUTO_TEST_CASE(connections_past_the_cap_get_503) {
  auto& s = suite_broker::get();
  std::vector<std::unique_ptr<raw_socket>> held;
  for (int i = 0; i < 80; ++i) {
    held.push_back(std::make_unique<raw_socket>(s.http_port(), 2));
    held.back()->send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  }
  int refused = 0;
  for (auto& h : held) {
    const auto text = h->read_for(300);
    if (text.rfind("HTTP/1.1 503", 0) == 0 && text.find("too many connections") != std::string::npos) ++refused;
  }
  BOOST_TEST(refused >= 16, refused << " of 80 got 503 with a cap of 64");
  held.clear();
  BOOST_TEST(eventually([&] { return api_client(s.url()).get("/healthz").status == 200; }, std::chrono::seconds(10)));
  still_serving("80 connections");
}

BOOST_AUTO_TEST_CASE(a_trickled_header_is_cut_off) {
  auto& s = suite_broker::get();
  raw_socket slow(s.http_port(), 1);
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {  // one byte every 250 ms: 10 s if never cut off
    closed = !slow.send_all(std::string(1, header[i % header.size()]));
    slow.read_for(250);
    closed = closed || slow.eof;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(closed, "still open after " << secs << " s");
  BOOST_TEST_MESSAGE("a trickled header was cut off after " << secs << " s (--http-header-timeout 2s)");
  still_serving("slowloris");
}

BOOST_AUTO_TEST_CASE(a_thousand_requests_on_one_connection) {
  auto& s = suite_broker::get();
  raw_socket conn(s.http_port(), 10);
  int answered = 0;
  for (int batch = 0; batch < 20; ++batch) {
    std::string burst;
    for (int i = 0; i < 50; ++i) burst += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    BOOST_REQUIRE(conn.send_all(burst));
    std::string got;
    char buf[65536];
    while (got.find("HTTP/1.1", 0) == std::string::npos || [&] {
             size_t n = 0;
             for (auto p = got.find("HTTP/1.1 200"); p != std::string::npos; p = got.find("HTTP/1.1 200", p + 1)) ++n;
             return n < 50;
           }()) {
      const ssize_t n = ::recv(conn.fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    for (auto p = got.find("HTTP/1.1 200"); p != std::string::npos; p = got.find("HTTP/1.1 200", p + 1)) ++answered;
  }
  BOOST_TEST(answered == 1000);
  still_serving("1000 pipelined requests");
}


// Out of file descriptors, accept() fails at once and would again at once: the broker must back off
// instead of spinning, warn once instead of flooding its log, and serve again when descriptors free.
BOOST_AUTO_TEST_CASE(emfile_on_accept_backs_off) {
  test_database db;
  const auto dir = temp_dir("brokkr-emfile");
  broker_process b(db.url(), dir + "/admin.key", {"--caf-listen", "", "--db-pool-size", "2", "--http-max-connections", "100000"});
  b.wrap_with({"/usr/bin/prlimit", "--nofile=80:80"});
  b.start();
  std::vector<std::unique_ptr<raw_socket>> flood;
  for (int i = 0; i < 120; ++i) flood.push_back(std::make_unique<raw_socket>(b.http_port(), 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double cpu0 = cpu_seconds(b.proc().pid());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const double busy = cpu_seconds(b.proc().pid()) - cpu0;
  BOOST_TEST(busy < 1.0, "the broker used " << busy << " s of CPU in 3 s with accept() failing");
  flood.clear();
  BOOST_TEST(eventually([&] { return api_client(b.url()).get("/healthz").status == 200; }, std::chrono::seconds(15)));
  const auto log = b.log();
  size_t warnings = 0;
  for (auto p = log.find("accept failed"); p != std::string::npos; p = log.find("accept failed", p + 1)) ++warnings;
  BOOST_TEST(warnings >= 1u, log);
  BOOST_TEST(warnings <= 3u, "the accept failure was logged " << warnings << " times");
}

BOOST_AUTO_TEST_SUITE_END()
