// The BASP guard's frame rules over arbitrary headers: parse, judge, serialize back.
#include <cstddef>
#include <cstdint>

#include "common/basp_guard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brokkr::basp;
  const limits l;
  bool handshaken = false;
  for (size_t at = 0; at + header_size <= size; at += header_size) {
    const auto h = parse_header(data + at);
    if (refuse(h, handshaken, l)) return 0;
    (void)dropped(h);
    handshaken = true;
    if (serialize_header(h).size() != header_size) __builtin_trap();
  }
  return 0;
}
