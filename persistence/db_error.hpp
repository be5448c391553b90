#pragma once
// Errors of the persistence layer, as values. The HTTP facade maps codes to statuses
// (broker_node/http); nothing here knows about HTTP.
#include <exception>
#include <string>

#include "actors/errc.hpp"
#include "common/expected.hpp"

namespace brokkr::persistence {

// The codes are the project-wide ones of actors/errc.hpp.
using db_errc = brokkr::errc;

struct db_error {
  db_errc code = db_errc::internal;
  std::string message;
  std::string field;  // set for invalid_argument
};

template <class T>
using db_result = expected<T, db_error>;

inline unexpected<db_error> fail(db_errc code, std::string message, std::string field = {}) {
  return unexpected<db_error>{db_error{code, std::move(message), std::move(field)}};
}

// Classifies an exception thrown by libpqxx by type and SQLSTATE, never by message text.
db_error classify(const std::exception& e);

// Deadlock (40P01) or serialization failure (40001): the transaction may simply be run again.
bool is_transient_conflict(const std::exception& e);

}  // namespace brokkr::persistence
