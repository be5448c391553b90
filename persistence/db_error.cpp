#include "persistence/db_error.hpp"

#include <pqxx/except>

#include "common/log.hpp"

namespace brokkr::persistence {

// The exception's text (SQL, values, server messages) goes to the log only: clients get a stable
// message per code, never database internals.
db_error classify(const std::exception& e) {
  std::string state;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) state = sql->sqlstate();
  auto logged = [&](db_errc code, const char* message) {
    log::warn("db", message, state.empty() ? "" : " (SQLSTATE " + state + ")", ": ", e.what());
    return db_error{code, message, {}};
  };
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return logged(db_errc::unavailable, "database unavailable");
  // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
    return logged(db_errc::unavailable, "database unavailable");
  // 0A000 from a statement of ours is a prepared statement whose result type changed under it: a
  // newer broker migrated the schema (a rolling update). Nothing ran; the pool replaces the
  // connection, whose successor prepares every statement again (ADR 0071).
  if (state == "0A000") return logged(db_errc::unavailable, "the database schema changed; reconnecting");
  if (state == "23505") return logged(db_errc::conflict, "a value that must be unique is already taken");
  if (state == "22P02" || state == "22003" || state == "23514" || state == "22001" || state == "22021")
    return logged(db_errc::invalid_argument, "a value is out of range or malformed");
  return logged(db_errc::internal, "internal database error");
}

bool is_transient_conflict(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    return state == "40P01" || state == "40001";
  }
  return false;
}

}  // namespace brokkr::persistence
