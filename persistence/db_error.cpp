#include "persistence/db_error.hpp"

#include <pqxx/except>

namespace brokkr::persistence {

db_error classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return {db_errc::unavailable, std::string("database unavailable: ") + e.what(), {}};
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
      return {db_errc::unavailable, std::string("database unavailable: ") + e.what(), {}};
    if (state == "23505") return {db_errc::conflict, "duplicate: " + std::string(e.what()), {}};
    if (state == "22P02" || state == "22003" || state == "23514" || state == "22001")
      return {db_errc::invalid_argument, std::string("invalid value: ") + e.what(), {}};
  }
  return {db_errc::internal, e.what(), {}};
}

bool is_transient_conflict(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    return state == "40P01" || state == "40001";
  }
  return false;
}

}  // namespace brokkr::persistence
