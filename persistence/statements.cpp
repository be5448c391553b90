#include "persistence/statements.hpp"

#include <sstream>
#include <stdexcept>

namespace brokkr::persistence {
namespace {

void parse_file(const embedded_file& file, std::map<std::string, std::string>& out) {
  std::istringstream in{std::string(file.content)};
  std::string line, name, sql;
  auto flush = [&] {
    if (name.empty()) return;
    sql.erase(sql.find_last_not_of(" \n\t;") + 1);
    if (!out.emplace(name, sql).second)
      throw std::logic_error("duplicate statement name " + name + " in " + std::string(file.name));
  };
  const std::string marker = "-- name: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) == 0) {
      flush();
      auto next = line.substr(marker.size());
      next.erase(next.find_last_not_of(" \r") + 1);
      // Alphabetical order is how a reader finds a statement, and how two copies of one are noticed.
      if (!name.empty() && next <= name)
        throw std::logic_error("statement " + next + " is out of alphabetical order in " + std::string(file.name));
      name = std::move(next);
      sql.clear();
    } else if (!name.empty()) {
      sql += line;
      sql += '\n';
    }
  }
  flush();
}

}  // namespace

const std::map<std::string, std::string>& statements() {
  static const std::map<std::string, std::string> all = [] {
    std::map<std::string, std::string> m;
    for (const auto& f : query_files()) parse_file(f, m);
    return m;
  }();
  return all;
}

}  // namespace brokkr::persistence
