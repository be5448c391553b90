#include "broker_node/auth/identity.hpp"

namespace brokkr::auth {

std::optional<identity> key_cache::get(const std::string& key_digest) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = entries_.find(key_digest);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires < std::chrono::steady_clock::now()) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.id;
}

void key_cache::put(const std::string& key_digest, identity id) {
  std::lock_guard<std::mutex> g(mutex_);
  if (entries_.size() > 10000) entries_.clear();  // bounded: a flood of keys cannot grow it
  entries_[key_digest] = entry{std::move(id), std::chrono::steady_clock::now() + ttl_};
}

void key_cache::clear() {
  std::lock_guard<std::mutex> g(mutex_);
  entries_.clear();
}

}  // namespace brokkr::auth
