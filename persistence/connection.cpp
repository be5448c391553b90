#include "persistence/connection.hpp"

#include <pqxx/pqxx>


#include "persistence/statements.hpp"

namespace brokkr::persistence {

struct db_connection::impl {
  std::string url;
  pqxx::connection conn;
  explicit impl(const std::string& u) : url(u), conn(u) {}
};

db_connection::db_connection(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
db_connection::~db_connection() = default;

pqxx::connection_base& db_connection::raw() { return impl_->conn; }
bool db_connection::is_open() const { return impl_->conn.is_open(); }
const std::string& db_connection::url() const { return impl_->url; }

db_result<std::unique_ptr<db_connection>> db_connection::open(const std::string& url,
                                                             bool prepare_statements) {
  return guarded([&]() -> db_result<std::unique_ptr<db_connection>> {
    auto i = std::make_unique<impl>(url);
    {
      pqxx::nontransaction n{i->conn};
      n.exec("SET TIME ZONE 'UTC'");
      // No statement of ours runs long; one that does is stuck, and a stuck request must not hang.
      n.exec("SET statement_timeout = '30s'");
    }
    if (prepare_statements)
      for (const auto& [name, sql] : statements()) i->conn.prepare(name, sql);
    return std::unique_ptr<db_connection>(new db_connection(std::move(i)));
  });
}

}  // namespace brokkr::persistence
