#include "actors/errc.hpp"

#include <ostream>

namespace brokkr {

const char* to_string(errc c) {
  switch (c) {
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::forbidden: return "forbidden";
    case errc::invalid_argument: return "invalid_argument";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
    case errc::unauthenticated: return "unauthenticated";
    case errc::timeout: return "timeout";
  }
  return "internal";
}

std::ostream& operator<<(std::ostream& os, errc c) { return os << to_string(c); }

}  // namespace brokkr
