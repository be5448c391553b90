#include "k8s/sim/query_values.hpp"

#include "common/decimal.hpp"

namespace brokkr::k8s::sim {

bool query_flag(const http::query_params& q, std::string_view name) {
  const auto v = q.get(name);
  if (!v) return false;
  if (*v == "0") return false;
  constexpr std::string_view no = "false";
  if (v->size() != no.size()) return true;
  for (size_t i = 0; i < no.size(); ++i)
    if (((*v)[i] | 0x20) != no[i]) return true;  // ASCII case folding; "false" has only letters
  return false;
}

std::optional<int64_t> query_int(const http::query_params& q, std::string_view name, bool& bad) {
  const auto v = q.get(name);
  if (!v || v->empty()) return std::nullopt;
  // Go's ParseInt also accepts one leading '+' ("+-5" is still an error).
  const bool plus = (*v)[0] == '+';
  const std::string_view text = std::string_view(*v).substr(plus ? 1 : 0);
  const auto n = plus && text.starts_with('-') ? std::optional<int64_t>{} : parse_decimal(text);
  if (!n) bad = true;
  return n;
}

std::optional<int64_t> query_count(const http::query_params& q, std::string_view name, bool& bad) {
  const auto n = query_int(q, name, bad);
  if (n && *n < 0) {
    bad = true;
    return std::nullopt;
  }
  return n;
}

}  // namespace brokkr::k8s::sim
