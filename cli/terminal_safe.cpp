#include "cli/terminal_safe.hpp"

#include <cstdio>
#include <sstream>

namespace brokkr::cli {

void terminal_safe_buf::escape(unsigned char c) {
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02x", c);
  sink_->sputn(text, 4);
}

void terminal_safe_buf::put(unsigned char c) {
  if (pending_c2_) {
    pending_c2_ = false;
    if (c >= 0x80 && c <= 0x9f) {  // U+0080..U+009F: C1 controls (CSI is U+009B)
      sink_->sputn("\\u00", 4);
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02x", c);
      sink_->sputn(hex, 2);
      return;
    }
    sink_->sputc(static_cast<char>(0xc2));
  }
  if (c == 0xc2) {
    pending_c2_ = true;
    return;
  }
  if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return escape(c);
  sink_->sputc(static_cast<char>(c));
}

terminal_safe_buf::int_type terminal_safe_buf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  put(static_cast<unsigned char>(traits_type::to_char_type(ch)));
  return ch;
}

std::streamsize terminal_safe_buf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) put(static_cast<unsigned char>(s[i]));
  return n;
}

int terminal_safe_buf::sync() {
  if (pending_c2_) {  // a lone 0xC2 at the end of a write: not a C1 control after all
    pending_c2_ = false;
    sink_->sputc(static_cast<char>(0xc2));
  }
  return sink_->pubsync();
}

std::string terminal_safe(const std::string& text) {
  std::ostringstream out;
  {
    terminal_safe_stream safe(out);
    safe << text << std::flush;
  }
  return out.str();
}

}  // namespace brokkr::cli
