#include "k8s/yaml_json.hpp"

#include <yaml.h>

#include <cctype>
#include <cmath>
#include <optional>

#include "common/json_limits.hpp"

namespace brokkr::k8s {
namespace {

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string_view unsigned_part(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool looks_float(std::string_view s) {
  s = unsigned_part(s);
  const auto e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos && !digits(unsigned_part(s.substr(e + 1)))) return false;
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return digits(mantissa);
  const auto whole = mantissa.substr(0, dot);
  const auto frac = mantissa.substr(dot + 1);
  if (whole.empty()) return digits(frac);
  return digits(whole) && (frac.empty() || digits(frac));
}

nlohmann::json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (digits(unsigned_part(s))) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (looks_float(s)) {
    // Beyond a double's range either way (5e400, 1e-400) the text stays a string, as for integers
    // beyond int64: a peer's number never throws through the parser.
    try {
      return std::stod(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  return s;
}

// Builds JSON straight from libyaml's events with an explicit stack: no node tree, no recursion of
// ours, and the shapes a peer could abuse are refused before they cost anything: anchors and aliases
// (an alias bomb expands a kilobyte into gigabytes), nesting past the limit, and mapping keys that
// are not scalars. libyaml, not yaml-cpp: yaml-cpp 0.7 loops forever on inputs as small as "{},"
// (found by tests/fuzz), and a submitter must not be able to park a broker thread.
class json_builder {
 public:
  explicit json_builder(size_t max_depth) : max_depth_(max_depth) {}

  std::vector<nlohmann::json> docs;

  // Takes one event; an error message when the input is refused.
  std::optional<std::string> on(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        stack_.clear();
        current_ = nullptr;
        return std::nullopt;
      case YAML_DOCUMENT_END_EVENT:
        if (!current_.is_null()) docs.push_back(std::move(current_));
        current_ = nullptr;
        return std::nullopt;
      case YAML_ALIAS_EVENT:
        return std::string("YAML aliases (*name) are not accepted");
      case YAML_SCALAR_EVENT: {
        if (e.data.scalar.anchor) return std::string("YAML anchors (&name) are not accepted");
        std::string value(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        // A plain scalar without a tag is typed by the core schema; quoted or tagged ones stay text.
        const bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !e.data.scalar.tag;
        return add(plain ? plain_scalar(value) : nlohmann::json(value), &value);
      }
      case YAML_SEQUENCE_START_EVENT:
        if (e.data.sequence_start.anchor) return std::string("YAML anchors (&name) are not accepted");
        return open(nlohmann::json::array());
      case YAML_MAPPING_START_EVENT:
        if (e.data.mapping_start.anchor) return std::string("YAML anchors (&name) are not accepted");
        return open(nlohmann::json::object());
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return close();
      default:
        return std::nullopt;
    }
  }

 private:
  struct frame {
    nlohmann::json value;
    std::string key;
    bool has_key = false;  // mappings: a key was read, its value comes next
  };

  std::optional<std::string> open(nlohmann::json empty) {
    if (stack_.size() + 1 > max_depth_) return "nested deeper than " + std::to_string(max_depth_) + " levels";
    if (!stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key)
      return std::string("mapping keys must be scalars");
    stack_.push_back({std::move(empty), {}, false});
    return std::nullopt;
  }
  std::optional<std::string> close() {
    if (stack_.empty()) return std::nullopt;
    auto done = std::move(stack_.back().value);
    stack_.pop_back();
    return add(std::move(done), nullptr);
  }
  std::optional<std::string> add(nlohmann::json v, const std::string* raw) {
    if (stack_.empty()) {
      current_ = std::move(v);
      return std::nullopt;
    }
    auto& top = stack_.back();
    if (top.value.is_array()) {
      top.value.push_back(std::move(v));
    } else if (!top.has_key) {
      if (!raw) return std::string("mapping keys must be scalars");
      top.key = *raw;
      top.has_key = true;
    } else {
      top.value[top.key] = std::move(v);
      top.has_key = false;
    }
    return std::nullopt;
  }

  size_t max_depth_;
  std::vector<frame> stack_;
  nlohmann::json current_;
};

}  // namespace

expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(std::string_view text) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return unexpected(std::string("cannot start the YAML parser"));
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  json_builder builder(yaml_max_depth);
  std::optional<std::string> error;
  for (bool done = false; !done && !error;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      error = "invalid YAML at line " + std::to_string(parser.problem_mark.line + 1) + ", column " +
              std::to_string(parser.problem_mark.column + 1) + ": " + (parser.problem ? parser.problem : "malformed");
      break;
    }
    const auto mark = event.start_mark;
    done = event.type == YAML_STREAM_END_EVENT;
    if (auto refused = builder.on(event))
      error = "invalid YAML at line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
              ": " + *refused;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (error) return unexpected(std::move(*error));
  return std::move(builder.docs);
}

expected<nlohmann::json, std::string> parse_yaml_or_json(std::string_view text) {
  if (auto j = json_limits::parse(text, "document", yaml_max_depth)) return std::move(*j);
  else if (j.error().field != "document") return unexpected(j.error().message);
  auto docs = parse_yaml_documents(text);
  if (!docs) return unexpected(docs.error());
  if (docs->size() != 1) return unexpected("expected exactly one document, found " + std::to_string(docs->size()));
  return std::move(docs->front());
}

}  // namespace brokkr::k8s
