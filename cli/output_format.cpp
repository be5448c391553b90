#include "cli/output_format.hpp"

#include "cli/yaml_text.hpp"

namespace brokkr::cli {

std::optional<output_format> parse_output_format(std::string_view text) {
  if (text == "table") return output_format::table;
  if (text == "json") return output_format::json;
  if (text == "yaml") return output_format::yaml;
  return std::nullopt;
}

std::string_view to_string(output_format f) {
  switch (f) {
    case output_format::json: return "json";
    case output_format::yaml: return "yaml";
    case output_format::table: break;
  }
  return "table";
}

void write_document(std::ostream& out, output_format format, const nlohmann::json& doc) {
  if (format == output_format::json) out << doc.dump(2) << "\n";
  if (format == output_format::yaml) out << to_yaml(doc) << "\n";
}

void write_stream_item(std::ostream& out, output_format format, const nlohmann::json& doc) {
  if (format == output_format::json) out << doc.dump() << "\n";
  if (format == output_format::yaml) out << "---\n" << to_yaml(doc) << "\n";
  out.flush();  // a follower reads each item as it happens
}

}  // namespace brokkr::cli
