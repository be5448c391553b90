#pragma once
// A blocking TCP client for the tests that must send bytes curl would never send.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

struct raw_socket {
  int fd = -1;
  bool eof = false;  // the last read_all ended because the peer closed, not by the timeout
  explicit raw_socket(uint16_t port, int timeout_seconds = 5) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~raw_socket() {
    if (fd >= 0) ::close(fd);
  }
  void send_all(const std::string& data) const { (void)::send(fd, data.data(), data.size(), MSG_NOSIGNAL); }
  // Reads until the peer closes (or the 5 s receive timeout passes).
  std::string read_all() {
    std::string out;
    char buf[4096];
    eof = false;
    while (true) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) eof = true;
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
};
