#pragma once
// Who is calling, once their key checked out (DESIGN.md section 5: admin or one agent).
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace brokkr::auth {

enum class role : uint8_t { admin, agent };

struct identity {
  role who = role::agent;
  std::string agent_id;  // set for agents
  bool is_admin() const { return who == role::admin; }
};

// Verified keys, by the SHA-256 of the whole key text, for `ttl`: most requests then cost no
// database round trip. A revoked or rotated key keeps working on this broker for at most `ttl`.
class key_cache {
 public:
  explicit key_cache(std::chrono::milliseconds ttl = std::chrono::seconds(5)) : ttl_(ttl) {}
  std::optional<identity> get(const std::string& key_digest);
  void put(const std::string& key_digest, identity id);
  void clear();

 private:
  struct entry {
    identity id;
    std::chrono::steady_clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace brokkr::auth
