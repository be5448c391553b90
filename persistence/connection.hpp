#pragma once
// One PostgreSQL connection with every statement prepared. Blocking: use it only from a thread
// that may block (a detached actor, a test, a tool), never from CAF's cooperative scheduler.
#include <memory>
#include <string>

#include "persistence/db_error.hpp"

namespace pqxx {
class connection_base;
}

namespace brokkr::persistence {

class db_connection {
 public:
  // Connects, sets the session to UTC and registers every statement, which libpqxx prepares on its
  // first use (the schema must exist by then).
  static db_result<std::unique_ptr<db_connection>> open(const std::string& url,
                                                        bool prepare_statements = true);
  ~db_connection();
  db_connection(const db_connection&) = delete;
  db_connection& operator=(const db_connection&) = delete;

  pqxx::connection_base& raw();
  bool is_open() const;
  const std::string& url() const;

 private:
  // pqxx::connection_base has no virtual destructor: the concrete connection lives in impl.
  struct impl;
  explicit db_connection(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

// Runs `fn` and turns libpqxx exceptions into db_error values (errors are values above this layer).
// A transaction PostgreSQL aborted as a deadlock or serialization victim was rolled back whole,
// so it is run again, a few times, before the error is returned.
template <class Fn>
auto guarded(Fn&& fn) -> decltype(fn()) {
  constexpr int attempts = 3;
  for (int i = 1;; ++i) {
    try {
      return fn();
    } catch (const std::exception& e) {
      if (i < attempts && is_transient_conflict(e)) continue;
      return unexpected<db_error>{classify(e)};
    }
  }
}

}  // namespace brokkr::persistence
