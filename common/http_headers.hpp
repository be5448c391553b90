#pragma once
// HTTP header fields as both the server and the client see them: ordered, repeatable, and looked up
// without regard to case (RFC 9110 section 5.1). Kept free of Beast and curl so any layer can use it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brokkr::http {

// Fields a handler adds to a response or a caller adds to a request, in order.
using header_list = std::vector<std::pair<std::string, std::string>>;

bool iequals(std::string_view a, std::string_view b) noexcept;

class header_map {
 public:
  header_map() = default;
  explicit header_map(header_list fields) : fields_(std::move(fields)) {}

  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // First value of the field, if present.
  std::optional<std::string> get(std::string_view name) const;
  // Every value of a repeated field, in order.
  std::vector<std::string> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void clear() { fields_.clear(); }

  const header_list& fields() const noexcept { return fields_; }
  bool empty() const noexcept { return fields_.empty(); }

 private:
  header_list fields_;
};

}  // namespace brokkr::http
