#include "k8s/selector.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace brokkr::k8s {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Commas inside "( ... )" belong to a set, not to the list of terms.
std::vector<std::string_view> split_terms(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) {
      out.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(trim(text.substr(start)));
  return out;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 317) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

// "key in (a, b)" / "key notin (a)"; nullopt when the term has no set.
std::optional<label_requirement> parse_set_term(std::string_view term) {
  const auto open = term.find('(');
  if (open == std::string_view::npos || term.back() != ')') return std::nullopt;
  const auto head = trim(term.substr(0, open));
  const auto space = head.find_last_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;
  const auto word = trim(head.substr(space + 1));
  label_requirement r;
  r.key = std::string(trim(head.substr(0, space)));
  if (word == "in") r.operation = label_requirement::op::in;
  else if (word == "notin") r.operation = label_requirement::op::not_in;
  else return std::nullopt;
  for (auto v : split_terms(term.substr(open + 1, term.size() - open - 2))) r.values.emplace_back(v);
  return r;
}

expected<label_requirement, std::string> parse_label_term(std::string_view term) {
  if (auto set = parse_set_term(term)) return *set;
  label_requirement r;
  if (const auto ne = term.find("!="); ne != std::string_view::npos) {
    r.operation = label_requirement::op::not_equals;
    r.key = std::string(trim(term.substr(0, ne)));
    r.values.emplace_back(trim(term.substr(ne + 2)));
  } else if (const auto eq = term.find('='); eq != std::string_view::npos) {
    r.operation = label_requirement::op::equals;
    r.key = std::string(trim(term.substr(0, eq)));
    const size_t skip = eq + 1 < term.size() && term[eq + 1] == '=' ? 2 : 1;
    r.values.emplace_back(trim(term.substr(eq + skip)));
  } else if (term.front() == '!') {
    r.operation = label_requirement::op::not_exists;
    r.key = std::string(trim(term.substr(1)));
  } else {
    r.key = std::string(term);
  }
  if (!valid_key(r.key)) return unexpected("invalid label selector term '" + std::string(term) + "'");
  return r;
}

}  // namespace

expected<label_selector, std::string> label_selector::parse(std::string_view text) {
  label_selector sel;
  if (trim(text).empty()) return sel;
  for (const auto term : split_terms(text)) {
    if (term.empty()) return unexpected("invalid label selector '" + std::string(text) + "': empty term");
    auto r = parse_label_term(term);
    if (!r) return unexpected(r.error());
    sel.requirements_.push_back(std::move(*r));
  }
  return sel;
}

bool label_selector::matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& r : requirements_) {
    const auto it = labels.find(r.key);
    const bool has = it != labels.end();
    const auto in_values = [&] { return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end(); };
    switch (r.operation) {
      case label_requirement::op::exists: if (!has) return false; break;
      case label_requirement::op::not_exists: if (has) return false; break;
      case label_requirement::op::equals:
      case label_requirement::op::in: if (!in_values()) return false; break;
      case label_requirement::op::not_equals:
      case label_requirement::op::not_in: if (in_values()) return false; break;
    }
  }
  return true;
}

expected<std::vector<field_requirement>, std::string> parse_field_selector(std::string_view text) {
  std::vector<field_requirement> out;
  if (trim(text).empty()) return out;
  for (const auto term : split_terms(text)) {
    field_requirement r;
    const auto ne = term.find("!=");
    const auto eq = term.find('=');
    if (ne != std::string_view::npos) {
      r.negated = true;
      r.field = std::string(trim(term.substr(0, ne)));
      r.value = std::string(trim(term.substr(ne + 2)));
    } else if (eq != std::string_view::npos) {
      const size_t skip = eq + 1 < term.size() && term[eq + 1] == '=' ? 2 : 1;
      r.field = std::string(trim(term.substr(0, eq)));
      r.value = std::string(trim(term.substr(eq + skip)));
    } else {
      return unexpected("invalid field selector term '" + std::string(term) + "': expected field=value");
    }
    if (r.field.empty()) return unexpected("invalid field selector term '" + std::string(term) + "'");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace brokkr::k8s
