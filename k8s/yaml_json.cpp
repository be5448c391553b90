#include "k8s/yaml_json.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <sstream>

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
  if (looks_float(s)) return std::stod(s);
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  return s;
}

// Builds JSON straight from the parser's events with an explicit stack: no yaml-cpp node tree, no
// recursion of ours, and the shapes a peer could abuse are refused before they cost anything:
// anchors and aliases (an alias bomb expands a kilobyte into gigabytes), nesting past the limit,
// and mapping keys that are not scalars.
class json_builder final : public YAML::EventHandler {
 public:
  explicit json_builder(size_t max_depth) : max_depth_(max_depth) {}

  std::vector<nlohmann::json> docs;

  void OnDocumentStart(const YAML::Mark&) override { stack_.clear(); }
  void OnDocumentEnd() override {
    if (!current_.is_null()) docs.push_back(std::move(current_));
    current_ = nullptr;
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    add(mark, nullptr);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    refuse(mark, "YAML aliases (*name) are not accepted");
  }
  void OnAnchor(const YAML::Mark& mark, const std::string&) override {
    refuse(mark, "YAML anchors (&name) are not accepted");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    // "?" marks a plain scalar; "!" a quoted one; explicit !!str keeps text as text.
    add(mark, tag == "?" ? plain_scalar(value) : nlohmann::json(value), &value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_anchor(mark, anchor);
    open(mark, nlohmann::json::array());
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_anchor(mark, anchor);
    open(mark, nlohmann::json::object());
  }
  void OnMapEnd() override { close(); }

 private:
  struct frame {
    nlohmann::json value;
    std::string key;
    bool has_key = false;  // mappings: a key was read, its value comes next
  };

  [[noreturn]] void refuse(const YAML::Mark& mark, const std::string& why) {
    throw YAML::ParserException(mark, why);
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) refuse(mark, "YAML anchors (&name) are not accepted");
  }
  void open(const YAML::Mark& mark, nlohmann::json empty) {
    if (stack_.size() + 1 > max_depth_ || (!stack_.empty() && is_key_slot()))
      refuse(mark, stack_.size() + 1 > max_depth_
                       ? "nested deeper than " + std::to_string(max_depth_) + " levels"
                       : "mapping keys must be scalars");
    stack_.push_back({std::move(empty), {}, false});
  }
  void close() {
    auto done = std::move(stack_.back().value);
    stack_.pop_back();
    add(YAML::Mark::null_mark(), std::move(done));
  }
  bool is_key_slot() const { return stack_.back().value.is_object() && !stack_.back().has_key; }
  void add(const YAML::Mark& mark, nlohmann::json v, const std::string* raw = nullptr) {
    if (stack_.empty()) {
      current_ = std::move(v);
      return;
    }
    auto& top = stack_.back();
    if (top.value.is_array()) {
      top.value.push_back(std::move(v));
    } else if (!top.has_key) {
      if (!raw && !v.is_null()) refuse(mark, "mapping keys must be scalars");
      top.key = raw ? *raw : std::string();
      top.has_key = true;
    } else {
      top.value[top.key] = std::move(v);
      top.has_key = false;
    }
  }

  size_t max_depth_;
  std::vector<frame> stack_;
  nlohmann::json current_;
};

}  // namespace

expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(std::string_view text) {
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    json_builder builder(yaml_max_depth);
    while (parser.HandleNextDocument(builder)) {
    }
    return std::move(builder.docs);
  } catch (const YAML::Exception& e) {
    return unexpected("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
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
