#include <boost/test/unit_test.hpp>

#include <sstream>

#include "cli/terminal_safe.hpp"

using brokkr::cli::terminal_safe;

BOOST_AUTO_TEST_CASE(escape_sequences_from_the_server_are_shown_not_obeyed) {
  // OSC (retitle the window), CSI (clear the screen), a carriage return that would overwrite the line.
  BOOST_TEST(terminal_safe("built\x1b]0;pwned\x07 ok") == "built\\x1b]0;pwned\\x07 ok");
  BOOST_TEST(terminal_safe("\x1b[2J\x1b[H") == "\\x1b[2J\\x1b[H");
  BOOST_TEST(terminal_safe("ok\rFAILED") == "ok\\x0dFAILED");
  BOOST_TEST(terminal_safe("a\x7f") == "a\\x7f");
  // C1 controls as UTF-8 (U+009B is a one-byte CSI on some terminals).
  BOOST_TEST(terminal_safe("x\xc2\x9b" "31m") == "x\\u009b31m");
}

BOOST_AUTO_TEST_CASE(ordinary_text_passes_unchanged) {
  const std::string text = "ID   STATUS\n1\tCOMPLETED  caf\xc3\xa9 \xe2\x9c\x93 \xc2\xa0" "end\n";
  BOOST_TEST(terminal_safe(text) == text);
  BOOST_TEST(terminal_safe("ends with \xc2") == "ends with \xc2");
}

BOOST_AUTO_TEST_CASE(the_stream_filters_piecewise_writes) {
  std::ostringstream sink;
  {
    brokkr::cli::terminal_safe_stream out(sink);
    out << "a\xc2";
    out << "\x9b" << 'b' << std::flush;
  }
  BOOST_TEST(sink.str() == "a\\u009bb");
}
