#pragma once
// -o table|json|yaml: tables are for people, JSON and YAML carry the API's objects unchanged for
// scripts.
#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string_view>

namespace brokkr::cli {

enum class output_format { table, json, yaml };

std::optional<output_format> parse_output_format(std::string_view text);
std::string_view to_string(output_format f);

// One document: pretty JSON, or YAML; `table` is the caller's business and writes nothing here.
void write_document(std::ostream& out, output_format format, const nlohmann::json& doc);
// One document of a stream (events --follow): a compact JSON line, or a YAML document after "---".
void write_stream_item(std::ostream& out, output_format format, const nlohmann::json& doc);

}  // namespace brokkr::cli
