#include "cli/command_support.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>

#include "common/http_url.hpp"

namespace brokkr::cli {

void print_result(command_context& c, const nlohmann::json& doc, const std::string& table_text) {
  if (c.format == output_format::table) c.out << table_text;
  else write_document(c.out, c.format, doc);
}

std::string work_path(const std::string& id, const std::string& suffix) {
  return "/api/v1/ephemeral-work/" + http::percent_encode(id) + suffix;
}

std::string agent_path(const std::string& id, const std::string& suffix) {
  return "/api/v1/agents/" + http::percent_encode(id) + suffix;
}

std::string upper_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return text;
}

}  // namespace brokkr::cli
