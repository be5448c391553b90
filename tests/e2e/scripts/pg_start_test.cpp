// scripts/lib/pg.sh is what every test run, bench and demo starts PostgreSQL with; a start that
// fails there fails the whole CI run. These cases take a port the way a busy test run does (as the
// local end of a client connection, which nothing listens on, so no probe sees it) and hand it to
// pg_start as its first pick.
#define BOOST_TEST_MODULE e2e_scripts
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/process.hpp"
#include "tests/support/raw_socket.hpp"

using namespace brokkr::test;

namespace {

// A loopback connection (the project's raw_socket against a listener of its own, never accepted:
// the kernel completes it anyway); its client end holds a port that a listening socket cannot bind.
class held_port {
 public:
  held_port() : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 1) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (listener_ >= 0) ::close(listener_);
      throw std::runtime_error("loopback listener failed");
    }
    client_ = std::make_unique<raw_socket>(ntohs(addr.sin_port));
    len = sizeof addr;
    if (client_->fd < 0 || ::getsockname(client_->fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listener_);
      throw std::runtime_error("loopback connection failed");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~held_port() { ::close(listener_); }
  held_port(const held_port&) = delete;
  held_port& operator=(const held_port&) = delete;
  uint16_t port() const { return port_; }

 private:
  int listener_;
  std::unique_ptr<raw_socket> client_;
  uint16_t port_ = 0;
};

struct run_result {
  int code;
  std::string out;
};

// Sources pg.sh in a fresh bash, makes its port picker answer `first` the first `times` times (the
// real picker after that), runs `body`. The picker runs inside pg_start, so it can record pg_start's
// directory ($dir) in `dir_file`.
run_result with_pg_sh(uint16_t first, int times, const std::string& dir_file, const std::string& body) {
  const char* src = std::getenv("BROKKR_SOURCE_DIR");
  if (!src) throw std::runtime_error("BROKKR_SOURCE_DIR is not set");
  const auto work = temp_dir("brokkr-pgsh");
  const auto script = work + "/run.sh";
  // As the callers run it; and with none of the suite's own server in reach, so that no pg_stop
  // here can touch it.
  std::ofstream(script) << "set -euo pipefail\n"
                        << "unset BROKKR_PG_DIR BROKKR_PG_PORT BROKKR_TEST_DATABASE_URL BROKKR_PG_OPTIONS "
                           "BROKKR_PG_WRAPPER\n"
                        << "source '" << src << "/scripts/lib/pg.sh'\n"
                        << "eval \"real$(declare -f _pg_pick_port)\"\n"
                        << "_pg_pick_port() {\n"
                        << "  echo \"$dir\" > '" << dir_file << "'\n"
                        << "  local n=$(cat '" << work << "/n' 2>/dev/null || echo 0)\n"
                        << "  echo $((n + 1)) > '" << work << "/n'\n"
                        << "  if (( n < " << times << " )); then echo " << first << "; else real_pg_pick_port; fi\n"
                        << "}\n"
                        << body << "\n";
  child_process run({"/bin/bash", script}, work + "/run.log");
  const auto code = run.wait(std::chrono::seconds(180));
  return {code.value_or(-1), run.log()};
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_port_taken_by_a_client_connection_is_given_up_for_another) {
  held_port taken;
  const auto dir_file = temp_dir("brokkr-pgsh-dir") + "/dir";
  const auto r = with_pg_sh(taken.port(), 1, dir_file,
                            "pg_start || exit 10\n"
                            "echo \"port=$BROKKR_PG_PORT\"\n"
                            "psql \"$BROKKR_TEST_DATABASE_URL\" -Atc 'select 40 + 2' || { pg_stop; exit 11; }\n"
                            "pg_stop\n");
  BOOST_TEST(r.code == 0, r.out);
  BOOST_TEST(r.out.find("pg_start: port " + std::to_string(taken.port()) + " was taken, trying another") !=
                 std::string::npos,
             r.out);
  const auto at = r.out.find("port=");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, r.out);
  BOOST_TEST(std::stoi(r.out.substr(at + 5)) != static_cast<int>(taken.port()));
  BOOST_TEST(r.out.find("\n42\n") != std::string::npos, r.out);
  const auto dir = first_line(read_text_file(dir_file));
  BOOST_TEST(dir.rfind("/tmp/brokkr-pg.", 0) == 0, dir);
  BOOST_TEST(!std::filesystem::exists(dir), "pg_stop removes " << dir);
}


BOOST_AUTO_TEST_CASE(a_start_whose_every_port_is_taken_gives_up_after_five_and_leaves_no_directory) {
  held_port taken;
  const auto dir_file = temp_dir("brokkr-pgsh-dir") + "/dir";
  const auto r = with_pg_sh(taken.port(), 100, dir_file,
                            "if pg_start; then echo started; pg_stop; else echo \"rc=$?\"; fi\n");
  BOOST_TEST(r.out.find("rc=1") != std::string::npos, r.out);
  BOOST_TEST(count(r.out, "was taken, trying another") == 4u, r.out);
  BOOST_TEST(r.out.find("Address already in use") != std::string::npos, r.out);
  const auto dir = first_line(read_text_file(dir_file));
  BOOST_TEST(dir.rfind("/tmp/brokkr-pg.", 0) == 0, dir);
  BOOST_TEST(!std::filesystem::exists(dir), "a failed pg_start removes " << dir);
}

BOOST_AUTO_TEST_CASE(a_start_that_finds_no_free_port_says_so_and_leaves_no_directory) {
  const auto work = temp_dir("brokkr-pgsh-dir");
  // The picker itself fails here (as when 50 probes in a row find a listener).
  const auto r = with_pg_sh(0, 0, work + "/unused",
                            "_pg_pick_port() { echo \"$dir\" > '" + work + "/dir'; return 1; }\n"
                            "if pg_start; then echo started; pg_stop; else echo \"rc=$?\"; fi\n");
  BOOST_TEST(r.out.find("rc=1") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("pg_start: no free loopback port found") != std::string::npos, r.out);
  const auto dir = first_line(read_text_file(work + "/dir"));
  BOOST_TEST(dir.rfind("/tmp/brokkr-pg.", 0) == 0, dir);
  BOOST_TEST(!std::filesystem::exists(dir), "a failed pg_start removes " << dir);
}

BOOST_AUTO_TEST_CASE(the_picker_stays_out_of_the_ephemeral_range) {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0, high = 0;
  BOOST_REQUIRE(range >> low >> high);
  if (low - 15000 < 1000 && 65535 - high < 1000) {
    BOOST_TEST_MESSAGE("this host's ephemeral range " << low << "-" << high << " leaves no room; nothing to check");
    return;
  }
  const auto r = with_pg_sh(0, 0, temp_dir("brokkr-pgsh-dir") + "/dir",
                            "for i in $(seq 1 200); do real_pg_pick_port; done");
  BOOST_REQUIRE_EQUAL(r.code, 0);
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const int port = std::stoi(line);
    BOOST_TEST(port >= 15000);
    BOOST_TEST(port <= 65535);
    BOOST_TEST((port < low || port > high), port << " is inside the ephemeral range " << low << "-" << high);
  }
  BOOST_TEST(n == 200);
}
