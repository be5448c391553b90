#pragma once
// Admin credentials (SQL in persistence/queries/admin_keys.sql): stored as the key's short id
// plus the SHA-256 hex of its secret part.
#include <optional>
#include <string>

#include "persistence/db_error.hpp"

namespace brokkr::persistence {

class db_connection;

struct admin_key_row {
  std::string id;
  std::string key_hash;
};

class admin_key_repository {
 public:
  explicit admin_key_repository(db_connection& conn);

  db_result<std::string> insert(const std::string& key_short, const std::string& key_hash,
                                const std::string& description);
  // Inserts only while no active admin key exists; true when this call created one. Concurrent
  // first starts create exactly one key between them.
  db_result<bool> bootstrap(const std::string& key_short, const std::string& key_hash,
                            const std::string& description);
  db_result<std::optional<admin_key_row>> find(const std::string& key_short);
  db_result<long long> count_active();

 private:
  db_connection& conn_;
};

}  // namespace brokkr::persistence
