#include "persistence/migrator.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <pqxx/pqxx>

#include "migrations/migrations.hpp"
#include "persistence/connection.hpp"

namespace brokkr::persistence {
namespace {

// Arbitrary but fixed: every Brokkr process migrating this database takes the same lock.
constexpr long long migration_lock_key = 7406320510;

db_result<int> version_of(std::string_view name) {
  if (name.size() < 6 || name[4] != '_' || !std::all_of(name.begin(), name.begin() + 4, [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }))
    return fail(db_errc::invalid_argument, "migration file name must be NNNN_name.sql: " +
                                               std::string(name));
  return std::stoi(std::string(name.substr(0, 4)));
}

struct advisory_lock {
  explicit advisory_lock(pqxx::connection_base& c) : conn(c) {
    pqxx::nontransaction n{conn};
    n.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
  }
  ~advisory_lock() {
    try {
      pqxx::nontransaction n{conn};
      n.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
    } catch (...) {
      // The connection is gone; the server released the session lock with it.
    }
  }
  pqxx::connection_base& conn;
};

std::map<int, std::string> applied_checksums(pqxx::connection_base& conn) {
  pqxx::nontransaction n{conn};
  n.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
      " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  std::map<int, std::string> out;
  for (const auto& row : n.exec("SELECT version, checksum FROM schema_migrations"))
    out[row[0].as<int>()] = row[1].as<std::string>();
  return out;
}

}  // namespace

db_result<migration_result> migrate(pqxx::connection_base& conn, std::span<const embedded_file> files) {
  return guarded([&]() -> db_result<migration_result> {
    std::vector<const embedded_file*> ordered;
    for (const auto& f : files) ordered.push_back(&f);
    std::sort(ordered.begin(), ordered.end(),
              [](auto* a, auto* b) { return a->name < b->name; });

    advisory_lock lock{conn};
    const auto applied = applied_checksums(conn);
    migration_result result;
    for (const auto* f : ordered) {
      auto version = version_of(f->name);
      if (!version) return unexpected(version.error());
      pqxx::work tx{conn};
      const auto checksum = tx.exec_params1("SELECT md5($1)", std::string(f->content))[0].as<std::string>();
      if (auto it = applied.find(*version); it != applied.end()) {
        if (it->second != checksum)
          return fail(db_errc::conflict, "migration " + std::string(f->name) +
                                             " was changed after it was applied; add a new migration instead");
        ++result.already_applied;
        continue;
      }
      // A migration may take long on a large table (0016 rebuilds indexes under the table's lock);
      // the session's statement_timeout is for requests, not for the schema.
      tx.exec("SET LOCAL statement_timeout = 0");
      try {
        tx.exec(std::string(f->content));
      } catch (const pqxx::feature_not_supported& e) {
        // 0A000 from a migration is its own statement refused (say, a column type change under an
        // operator's view), not a stale prepared statement as classify() reads it: fail, naming
        // the file and the server's reason, instead of being retried as unavailable.
        std::string why = e.what();
        if (const auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
        return fail(db_errc::internal, "migration " + std::string(f->name) + " failed: " + why);
      }
      tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                     *version, std::string(f->name), checksum);
      tx.commit();
      result.applied.emplace_back(f->name);
    }
    return result;
  });
}

db_result<migration_result> migrate(const std::string& url) {
  auto conn = db_connection::open(url, /*prepare_statements=*/false);
  if (!conn) return unexpected(conn.error());
  return migrate((*conn)->raw(), brokkr::migrations::files());
}

}  // namespace brokkr::persistence
