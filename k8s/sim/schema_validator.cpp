#include "k8s/sim/schema_validator.hpp"

#include <cmath>
#include <set>

#include "common/time.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

const std::set<std::string>& object_meta_fields() {
  static const std::set<std::string> fields = {
      "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
      "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
      "ownerReferences", "finalizers", "managedFields"};
  return fields;
}

std::string quoted(const json& v) { return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump(); }

class walker {
 public:
  validation_result result;

  void walk(json& node, const json& schema, const std::string& path) {
    if (!check_type(node, schema, path)) return;
    check_enum(node, schema, path);
    if (node.is_object()) walk_object(node, schema, path);
    else if (node.is_array()) walk_array(node, schema, path);
    else if (node.is_string()) check_string(node.get<std::string>(), schema, path);
    else if (node.is_number()) check_number(node, schema, path);
  }

  void walk_metadata(json& meta) {
    if (!meta.is_object()) return invalid_value("metadata", meta, "must be an object");
    for (auto it = meta.begin(); it != meta.end();) {
      if (object_meta_fields().count(it.key())) {
        ++it;
        continue;
      }
      result.unknown_fields.push_back("metadata." + it.key());
      it = meta.erase(it);
    }
    for (const char* map : {"labels", "annotations"}) {
      if (!meta.contains(map) || meta[map].is_null()) continue;
      if (!meta[map].is_object()) {
        invalid_value(std::string("metadata.") + map, meta[map], "must be a map of strings");
        continue;
      }
      for (const auto& [k, v] : meta[map].items())
        if (!v.is_string()) invalid_value("metadata." + std::string(map) + "." + k, v, "must be a string");
    }
  }

 private:
  void cause(std::string reason, const std::string& field, std::string message) {
    result.errors.push_back({std::move(reason), std::move(message), field});
  }
  void invalid_value(const std::string& field, const json& v, const std::string& why) {
    cause("FieldValueInvalid", field, "Invalid value: " + quoted(v) + ": " + why);
  }

  static std::string type_of(const json& v) {
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
      return "integer";
    if (v.is_number()) return "number";
    return "null";
  }

  static bool type_matches(const json& v, const std::string& type) {
    const std::string actual = type_of(v);
    return type.empty() || actual == type || (type == "number" && actual == "integer");
  }

  bool check_type(const json& node, const json& schema, const std::string& path) {
    if (schema.value("x-kubernetes-int-or-string", false)) {
      if (type_of(node) == "integer" || node.is_string()) return true;
      cause("FieldValueInvalid", path, "Invalid value: " + quoted(node) + ": must be an integer or a string");
      return false;
    }
    if (const auto any = schema.find("anyOf"); any != schema.end()) {
      for (const auto& alt : *any)
        if (type_matches(node, alt.value("type", ""))) return true;
    }
    const std::string type = schema.value("type", "");
    if (type_matches(node, type)) return true;
    cause("FieldValueTypeInvalid", path,
          "Invalid value: \"" + type_of(node) + "\": " + path + " in body must be of type " + type + ": \"" +
              type_of(node) + "\"");
    return false;
  }

  void check_enum(const json& node, const json& schema, const std::string& path) {
    const auto e = schema.find("enum");
    if (e == schema.end() || !e->is_array()) return;
    for (const auto& allowed : *e)
      if (allowed == node) return;
    cause("FieldValueNotSupported", path, "Unsupported value: " + quoted(node) + ": supported values: " + e->dump());
  }

  void check_string(const std::string& s, const json& schema, const std::string& path) {
    const std::string format = schema.value("format", "");
    if (format == "duration" && !parse_duration(s.size() && s[0] == '-' ? s.substr(1) : s))
      invalid_value(path, s, path + " in body must be of type duration: \"" + s + "\"");
    if (format == "date-time" && !parse_rfc3339(s))
      invalid_value(path, s, path + " in body must be of type date-time: \"" + s + "\"");
    if (schema.contains("maxLength") && s.size() > schema["maxLength"].get<size_t>())
      cause("FieldValueTooLong", path, "Too long: may not be longer than " + schema["maxLength"].dump());
    if (schema.contains("minLength") && s.size() < schema["minLength"].get<size_t>())
      invalid_value(path, s, path + " in body should be at least " + schema["minLength"].dump() + " chars long");
  }

  void check_number(const json& v, const json& schema, const std::string& path) {
    const double x = v.get<double>();
    if (schema.contains("minimum") && x < schema["minimum"].get<double>())
      invalid_value(path, v, path + " in body should be greater than or equal to " + schema["minimum"].dump());
    if (schema.contains("maximum") && x > schema["maximum"].get<double>())
      invalid_value(path, v, path + " in body should be less than or equal to " + schema["maximum"].dump());
    if (schema.value("format", "") == "int32" && (x < -2147483648.0 || x > 2147483647.0))
      invalid_value(path, v, "must fit in a 32-bit integer");
  }

  void walk_array(json& node, const json& schema, const std::string& path) {
    if (schema.contains("minItems") && node.size() < schema["minItems"].get<size_t>())
      invalid_value(path, node, path + " in body should have at least " + schema["minItems"].dump() + " items");
    if (schema.contains("maxItems") && node.size() > schema["maxItems"].get<size_t>())
      cause("FieldValueTooMany", path, "Too many: must have at most " + schema["maxItems"].dump() + " items");
    const auto items = schema.find("items");
    if (items == schema.end()) return;
    for (size_t i = 0; i < node.size(); ++i) walk(node[i], *items, path + "[" + std::to_string(i) + "]");
  }

  void walk_object(json& node, const json& schema, const std::string& path) {
    const auto props = schema.find("properties");
    const auto additional = schema.find("additionalProperties");
    const bool preserve = schema.value("x-kubernetes-preserve-unknown-fields", false);
    const std::string prefix = path.empty() ? "" : path + ".";
    for (auto it = node.begin(); it != node.end();) {
      const json* sub = nullptr;
      if (props != schema.end() && props->contains(it.key())) sub = &(*props)[it.key()];
      else if (additional != schema.end() && additional->is_object()) sub = &*additional;
      if (it->is_null() && !(sub && sub->value("nullable", false))) {
        it = node.erase(it);  // nulls of non-nullable fields are pruned, not rejected
        continue;
      }
      if (path.empty() && it.key() == "metadata") {
        walk_metadata(*it);
      } else if (sub) {
        walk(*it, *sub, prefix + it.key());
      } else if (!preserve && !(path.empty() && (it.key() == "apiVersion" || it.key() == "kind"))) {
        result.unknown_fields.push_back(prefix + it.key());
        it = node.erase(it);
        continue;
      }
      ++it;
    }
    if (props != schema.end()) {
      for (const auto& [k, sub] : props->items())
        if (!node.contains(k) && sub.contains("default")) node[k] = sub["default"];
    }
    if (const auto req = schema.find("required"); req != schema.end()) {
      for (const auto& k : *req)
        if (!node.contains(k.get<std::string>())) cause("FieldValueRequired", prefix + k.get<std::string>(), "Required value");
    }
  }
};

}  // namespace

validation_result validate_object(json& obj, const json& schema) {
  walker w;
  if (obj.is_object() && !schema.is_null()) w.walk(obj, schema, "");
  return std::move(w.result);
}

}  // namespace brokkr::k8s::sim
