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

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/process.hpp"

using namespace brokkr::test;

namespace {

// A connected loopback pair; the client's end holds a port that a listening socket cannot bind.
class held_port {
 public:
  held_port() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    client_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("loopback pair failed");
    accepted_ = ::accept(listener_, nullptr, nullptr);
    sockaddr_in local{};
    len = sizeof local;
    ::getsockname(client_, reinterpret_cast<sockaddr*>(&local), &len);
    port_ = ntohs(local.sin_port);
  }
  ~held_port() {
    for (int fd : {accepted_, client_, listener_})
      if (fd >= 0) ::close(fd);
  }
  held_port(const held_port&) = delete;
  held_port& operator=(const held_port&) = delete;
  uint16_t port() const { return port_; }

 private:
  int listener_ = -1, client_ = -1, accepted_ = -1;
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
  std::ofstream(script) << "set -u\n"
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
  const auto dir = read_text_file(dir_file);
  BOOST_REQUIRE(!dir.empty());
  BOOST_TEST(!std::filesystem::exists(dir.substr(0, dir.find('\n'))), "pg_stop removes " << dir);
}

BOOST_AUTO_TEST_CASE(a_start_that_finds_no_port_fails_and_leaves_no_directory) {
  held_port taken;
  const auto dir_file = temp_dir("brokkr-pgsh-dir") + "/dir";
  const auto r = with_pg_sh(taken.port(), 100, dir_file, "pg_start\necho \"rc=$?\"\n");
  BOOST_TEST(r.out.find("rc=1") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("Address already in use") != std::string::npos, r.out);
  const auto dir = read_text_file(dir_file);
  BOOST_REQUIRE(!dir.empty());
  BOOST_TEST(dir.rfind("/tmp/brokkr-pg.", 0) == 0, dir);
  BOOST_TEST(!std::filesystem::exists(dir.substr(0, dir.find('\n'))), "a failed pg_start removes " << dir);
}

BOOST_AUTO_TEST_CASE(the_picker_stays_below_the_ephemeral_range) {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0, high = 0;
  BOOST_REQUIRE(range >> low >> high);
  const auto r = with_pg_sh(0, 0, temp_dir("brokkr-pgsh-dir") + "/dir",
                            "for i in $(seq 1 200); do real_pg_pick_port; done");
  BOOST_REQUIRE_EQUAL(r.code, 0);
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const int port = std::stoi(line);
    BOOST_TEST(port >= 15000);
    BOOST_TEST(port < low, port << " is inside the ephemeral range from " << low);
  }
  BOOST_TEST(n == 200);
}
