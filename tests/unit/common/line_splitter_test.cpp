#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/line_splitter.hpp"

using brokkr::line_splitter;

namespace {

struct collector {
  line_splitter s{64};
  std::vector<std::string> lines;
  line_splitter::fed feed(std::string_view chunk, int stop_after = -1) {
    return s.feed(chunk, [&](std::string_view l) {
      lines.emplace_back(l);
      return stop_after < 0 || static_cast<int>(lines.size()) < stop_after;
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(lines_are_joined_across_chunks_and_split_on_lf_or_crlf) {
  collector c;
  BOOST_TEST((c.feed("{\"a\":") == line_splitter::fed::more));
  BOOST_TEST(c.lines.empty());
  BOOST_TEST((c.feed("1}\n{\"b\":2}\r") == line_splitter::fed::more));
  BOOST_TEST((c.feed("\n\n  \r\n{\"c\"") == line_splitter::fed::more));
  const std::vector<std::string> want = {"{\"a\":1}", "{\"b\":2}"};
  BOOST_TEST(c.lines == want, boost::test_tools::per_element());
  BOOST_TEST(c.s.pending() == "{\"c\"");
  c.feed(":3}\n");
  BOOST_TEST(c.lines.back() == "{\"c\":3}");
  BOOST_TEST(c.s.pending().empty());
}

BOOST_AUTO_TEST_CASE(the_callback_stops_the_stream) {
  collector c;
  BOOST_TEST((c.feed("a\nb\nc\n", 2) == line_splitter::fed::stopped));
  BOOST_TEST(c.lines.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_line_past_the_limit_ends_the_stream) {
  collector c;  // 64 bytes
  BOOST_TEST((c.feed(std::string(64, 'x')) == line_splitter::fed::more));
  BOOST_TEST((c.feed("y") == line_splitter::fed::too_long));
  collector d;
  BOOST_TEST((d.feed(std::string(100, 'x') + "\nshort") == line_splitter::fed::more));
  BOOST_TEST(d.lines.size() == 1u);  // a complete long line is fine: only what is buffered counts
}
