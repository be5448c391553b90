#pragma once
// Label and field selectors as the API server parses them (used by the simulated cluster, and by
// clients that filter objects they already hold).
//   labels: "app=x,env!=prod,tier in (a, b),track notin (canary),release,!legacy"
//   fields: "metadata.name=x,metadata.namespace!=y"
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace brokkr::k8s {

struct label_requirement {
  enum class op { equals, not_equals, in, not_in, exists, not_exists };
  std::string key;
  op operation = op::exists;
  std::vector<std::string> values;
};

class label_selector {
 public:
  // An empty text selects everything. The error names the offending term.
  static expected<label_selector, std::string> parse(std::string_view text);
  bool matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<label_requirement>& requirements() const { return requirements_; }

 private:
  std::vector<label_requirement> requirements_;
};

struct field_requirement {
  std::string field;  // "metadata.name"
  bool negated = false;
  std::string value;
};

// Only =, == and != exist for fields.
expected<std::vector<field_requirement>, std::string> parse_field_selector(std::string_view text);

}  // namespace brokkr::k8s
