#pragma once
// Applies migrations/NNNN_*.sql in order, each in its own transaction, recording it in
// schema_migrations with a checksum. Applying twice is a no-op; concurrent runners serialise on
// a session advisory lock; an applied file that was edited afterwards is an error, not a silent skip.
#include <span>
#include <string>
#include <vector>

#include "common/embedded_file.hpp"
#include "persistence/db_error.hpp"

namespace pqxx {
class connection_base;
}

namespace brokkr::persistence {

struct migration_result {
  std::vector<std::string> applied;  // file names applied by this run
  int already_applied = 0;
};

db_result<migration_result> migrate(pqxx::connection_base& conn, std::span<const embedded_file> files);

// Connects to `url` and applies the project's migrations (migrations/).
db_result<migration_result> migrate(const std::string& url);

}  // namespace brokkr::persistence
