#include "k8s/sim/object_meta.hpp"

#include <cstdio>
#include <mutex>
#include <random>

namespace brokkr::k8s::sim {
namespace {

std::mt19937_64& rng() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}
std::mutex rng_mu;

}  // namespace

std::string meta_string(const json& obj, const char* key) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return {};
  const auto it = meta->find(key);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::map<std::string, std::string> labels_of(const json& obj) {
  std::map<std::string, std::string> out;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return out;
  const auto labels = meta->find("labels");
  if (labels == meta->end() || !labels->is_object()) return out;
  for (const auto& [k, v] : labels->items())
    if (v.is_string()) out.emplace(k, v.get<std::string>());
  return out;
}

std::string name_of(const json& obj) { return meta_string(obj, "name"); }
std::string namespace_of(const json& obj) { return meta_string(obj, "namespace"); }
std::string uid_of(const json& obj) { return meta_string(obj, "uid"); }

std::string key_of(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

const json* at_path(const json& obj, std::string_view dotted_path) {
  const json* cur = &obj;
  while (!dotted_path.empty()) {
    const auto dot = dotted_path.find('.');
    const std::string part(dotted_path.substr(0, dot));
    if (!cur->is_object()) return nullptr;
    const auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    dotted_path = dot == std::string_view::npos ? std::string_view{} : dotted_path.substr(dot + 1);
  }
  return cur;
}

std::string string_at(const json& obj, std::string_view dotted_path) {
  const json* v = at_path(obj, dotted_path);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::string random_suffix(size_t n) {
  // Kubernetes leaves out vowels and look-alikes so generated names never spell words.
  static constexpr char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::lock_guard lock(rng_mu);
  std::uniform_int_distribution<size_t> pick(0, sizeof(alphabet) - 2);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += alphabet[pick(rng())];
  return out;
}

std::string new_uid() {
  std::lock_guard lock(rng_mu);
  const uint64_t a = rng()();
  const uint64_t b = rng()();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0x0fff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace brokkr::k8s::sim
