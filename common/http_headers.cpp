#include "common/http_headers.hpp"

#include <cctype>

namespace brokkr::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<std::string> header_map::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> header_map::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) out.push_back(v);
  }
  return out;
}

}  // namespace brokkr::http
