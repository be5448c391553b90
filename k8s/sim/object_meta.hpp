#pragma once
// Reading and writing the metadata of unstructured objects in the simulated cluster.
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace brokkr::k8s::sim {

using json = nlohmann::json;

// Empty string / empty map when absent or of the wrong type.
std::string meta_string(const json& obj, const char* key);
std::map<std::string, std::string> labels_of(const json& obj);
std::string name_of(const json& obj);
std::string namespace_of(const json& obj);
std::string uid_of(const json& obj);
// "ns/name" or "name".
std::string key_of(std::string_view ns, std::string_view name);

// A string member at a dotted path ("spec.output.image"); "" when absent.
std::string string_at(const json& obj, std::string_view dotted_path);
// The member at a dotted path, or nullptr.
const json* at_path(const json& obj, std::string_view dotted_path);

// "a1b2c" style suffix for generateName; random but fine for names.
std::string random_suffix(size_t n = 5);
// An RFC 4122 version 4 UUID.
std::string new_uid();

}  // namespace brokkr::k8s::sim
