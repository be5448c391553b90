#pragma once
// Error codes shared by every layer and carried in caf::error across actors and the wire
// (category "brokkr", registered in actors/caf_errors.hpp). 0 is reserved: CAF reads it as "no error".
#include <cstdint>
#include <iosfwd>
#include <string>

namespace brokkr {

enum class errc : uint8_t {
  not_found = 1,     // no such (live) row
  conflict,          // a guard failed: state changed, stale attempt, duplicate name
  forbidden,         // the caller may not act on this row (e.g. agent not targeted)
  invalid_argument,  // bad input; the error's field names it
  unavailable,       // PostgreSQL or a peer unreachable; safe to retry
  internal,          // a bug or an unexpected failure
  unauthenticated,   // no key, or a key that is not valid
  timeout,           // no answer in time
};

const char* to_string(errc c);
std::ostream& operator<<(std::ostream& os, errc c);

}  // namespace brokkr
