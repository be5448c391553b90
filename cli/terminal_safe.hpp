#pragma once
// Text the broker returns (result messages, failure reasons, log tails, error messages) is printed
// to a terminal: an escape sequence in it could retitle the window, hide lines, or rewrite what the
// user reads. Every byte the CLI writes goes through this filter: C0 controls other than newline and
// tab, DEL, and the C1 controls (U+0080 to U+0099, as UTF-8) are written as visible escapes
// ("\x1b"), everything else unchanged. JSON output is already escaped; tables and YAML are not.
#include <ostream>
#include <streambuf>
#include <string>

namespace brokkr::cli {

class terminal_safe_buf final : public std::streambuf {
 public:
  explicit terminal_safe_buf(std::streambuf* sink) : sink_(sink) {}

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void put(unsigned char c);
  void escape(unsigned char c);
  std::streambuf* sink_;
  bool pending_c2_ = false;  // the first byte of a two-byte UTF-8 sequence that may be a C1 control
};

// An ostream writing through the filter to `target`'s buffer.
class terminal_safe_stream : public std::ostream {
 public:
  explicit terminal_safe_stream(std::ostream& target) : std::ostream(nullptr), buf_(target.rdbuf()) { rdbuf(&buf_); }

 private:
  terminal_safe_buf buf_;
};

// The same filter for one string (tests, and text built before it is written).
std::string terminal_safe(const std::string& text);

}  // namespace brokkr::cli
