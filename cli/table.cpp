#include "cli/table.hpp"

#include <algorithm>
#include <sstream>

namespace brokkr::cli {
namespace {

constexpr const char* column_gap = "   ";

void write_row(std::ostringstream& os, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  for (std::size_t i = 0; i < widths.size(); ++i) {
    const std::string& cell = i < cells.size() ? cells[i] : std::string();
    if (i + 1 == widths.size()) {
      os << cell;
    } else {
      os << cell << std::string(widths[i] - cell.size(), ' ') << column_gap;
    }
  }
  os << "\n";
}

}  // namespace

table::table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string table::render() const {
  std::vector<std::size_t> widths;
  for (const auto& h : headers_) widths.push_back(h.size());
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  std::ostringstream os;
  write_row(os, headers_, widths);
  for (const auto& row : rows_) write_row(os, row, widths);
  return os.str();
}

std::string key_value_block(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::size_t width = 0;
  for (const auto& [k, v] : pairs)
    if (!v.empty()) width = std::max(width, k.size());
  std::ostringstream os;
  for (const auto& [k, v] : pairs) {
    if (v.empty()) continue;
    os << k << ":" << std::string(width - k.size() + 1, ' ') << v << "\n";
  }
  return os.str();
}

}  // namespace brokkr::cli
