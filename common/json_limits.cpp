#include "common/json_limits.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace brokkr::json_limits {
namespace {

// One open container while scanning: the key or index a nested value sits under.
struct frame {
  bool object = false;
  size_t index = 0;  // arrays
  std::string key;   // objects: the latest key
};

std::string path_of(const std::vector<frame>& stack) {
  std::string out;
  const size_t shown = 8;
  for (size_t i = 0; i < stack.size(); ++i) {
    if (i == shown && stack.size() > shown + 1) {
      out += "...";
      i = stack.size() - 1;
    }
    const auto& f = stack[i];
    if (f.object) {
      if (!out.empty() && out.back() != '.') out += '.';
      out += f.key.size() > 64 ? f.key.substr(0, 64) + "..." : f.key;
    } else {
      out += "[" + std::to_string(f.index) + "]";
    }
  }
  return out;
}

}  // namespace

std::optional<too_deep> find_too_deep(std::string_view text, size_t max_depth) {
  std::vector<frame> stack;
  bool in_string = false;
  bool escaped = false;
  bool key_next = false;  // inside an object, the next string is a key
  std::string current;    // the string being read, when it is a key
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
        if (key_next) current += c;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (key_next) {
          stack.back().key = std::move(current);
          current.clear();
          key_next = false;
        }
      } else if (key_next && current.size() < 128) {
        current += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (stack.size() + 1 > max_depth) return too_deep{path_of(stack)};
        stack.push_back({c == '{', 0, {}});
        key_next = c == '{';
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        key_next = false;
        break;
      case ',':
        if (!stack.empty()) {
          if (stack.back().object) key_next = true;
          else ++stack.back().index;
        }
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

expected<nlohmann::json, parse_error> parse(std::string_view text, std::string_view what, size_t max_depth) {
  if (auto deep = find_too_deep(text, max_depth)) {
    const std::string field = deep->path.empty() ? std::string(what) : deep->path;
    return unexpected(parse_error{field, field + " is nested deeper than " + std::to_string(max_depth) + " levels"});
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return unexpected(parse_error{std::string(what), std::string(what) + " is not valid JSON"});
  return j;
}

nlohmann::json parse_or_discarded(std::string_view text, size_t max_depth) {
  if (find_too_deep(text, max_depth)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, false);
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace brokkr::json_limits
