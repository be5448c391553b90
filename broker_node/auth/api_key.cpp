#include "broker_node/auth/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <stdexcept>

namespace brokkr::auth {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Uniform base62 characters: bytes >= 248 (= 4 * 62) are drawn again, so no character is favoured.
std::string random_base62(size_t n) {
  std::string out;
  unsigned char buf[64];
  while (out.size() < n) {
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char b : buf) {
      if (b >= 248) continue;
      out += alphabet[b % 62];
      if (out.size() == n) break;
    }
  }
  return out;
}

bool is_base62(std::string_view s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string api_key::text() const { return std::string(key_prefix) + short_id + "_" + secret; }

std::string random_token(size_t n) { return random_base62(n); }

api_key generate_key() { return api_key{random_base62(short_id_length), random_base62(secret_length)}; }

expected<api_key, std::string> parse_key(std::string_view text) {
  if (text.substr(0, key_prefix.size()) != key_prefix)
    return unexpected(std::string("API keys start with brokkr_BR"));
  const auto rest = text.substr(key_prefix.size());
  const auto sep = rest.find('_');
  if (sep == std::string_view::npos) return unexpected(std::string("malformed API key"));
  const auto short_id = rest.substr(0, sep), secret = rest.substr(sep + 1);
  if (short_id.empty() || short_id.size() > 64 || secret.size() < 16 || secret.size() > 128 ||
      !is_base62(short_id) || !is_base62(secret))
    return unexpected(std::string("malformed API key"));
  return api_key{std::string(short_id), std::string(secret)};
}

std::string hash_secret(std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace brokkr::auth
