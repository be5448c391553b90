#include "cli/key_values.hpp"

namespace brokkr::cli {

result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            const std::string& source) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return unexpected(usage_error("invalid value '" + item + "' for " + source + ": must be KEY=VALUE"));
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::vector<std::string> rejoin_comma_values(const std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  for (const auto& p : pieces) {
    if (!out.empty() && p.find('=') == std::string::npos) out.back() += "," + p;
    else out.push_back(p);
  }
  return out;
}

}  // namespace brokkr::cli
