#pragma once
// Plain-text layouts for `-o table`: aligned columns for lists, "Key: value" blocks for one object.
#include <string>
#include <utility>
#include <vector>

namespace brokkr::cli {

class table {
 public:
  explicit table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);  // missing cells print empty, extra cells are dropped
  // Columns separated by three spaces; the last column is not padded.
  std::string render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "Name:     value" lines with the values aligned; pairs with an empty value are left out.
std::string key_value_block(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace brokkr::cli
