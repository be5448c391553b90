#include "persistence/admin_key_repository.hpp"


#include <pqxx/pqxx>

#include "persistence/connection.hpp"

namespace brokkr::persistence {

admin_key_repository::admin_key_repository(db_connection& conn) : conn_(conn) {}

db_result<std::string> admin_key_repository::insert(const std::string& key_short,
                                                    const std::string& key_hash,
                                                    const std::string& description) {
  return guarded([&]() -> db_result<std::string> {
    pqxx::nontransaction n{conn_.raw()};
    return n.exec_prepared1("admin_keys_insert", key_short, key_hash, description)[0].as<std::string>();
  });
}

db_result<bool> admin_key_repository::bootstrap(const std::string& key_short, const std::string& key_hash,
                                                const std::string& description) {
  return guarded([&]() -> db_result<bool> {
    pqxx::work tx{conn_.raw()};
    tx.exec_prepared("admin_keys_lock_bootstrap");
    const auto r = tx.exec_prepared("admin_keys_insert_if_none", key_short, key_hash, description);
    tx.commit();
    return !r.empty();
  });
}

db_result<std::optional<admin_key_row>> admin_key_repository::find(const std::string& key_short) {
  return guarded([&]() -> db_result<std::optional<admin_key_row>> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("admin_keys_find", key_short);
    if (r.empty()) return std::optional<admin_key_row>{};
    return std::optional<admin_key_row>{admin_key_row{r[0]["id"].as<std::string>(),
                                                      r[0]["pak_hash"].as<std::string>()}};
  });
}

db_result<long long> admin_key_repository::count_active() {
  return guarded([&]() -> db_result<long long> {
    pqxx::nontransaction n{conn_.raw()};
    return n.exec_prepared1("admin_keys_count_active")[0].as<long long>();
  });
}

}  // namespace brokkr::persistence
