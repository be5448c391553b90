#pragma once
// Prefixed API keys: brokkr_BR<short>_<long>. <short> identifies the key (stored in clear, indexed);
// <long> is the secret, stored only as its SHA-256 hex and compared in constant time.
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace brokkr::auth {

inline constexpr std::string_view key_prefix = "brokkr_BR";
inline constexpr size_t short_id_length = 12;
inline constexpr size_t secret_length = 40;

struct api_key {
  std::string short_id;
  std::string secret;
  std::string text() const;  // the whole key, as handed to its holder once
};

// A new key from the operating system's CSPRNG (OpenSSL RAND_bytes).
api_key generate_key();
// `n` random base62 characters from the same source (session tokens: 32 characters, 190 bits).
std::string random_token(size_t n = 32);
// Splits a presented key; the error says what is wrong with its shape (never echoes the secret).
expected<api_key, std::string> parse_key(std::string_view text);
// SHA-256 hex of the secret part: what is stored.
std::string hash_secret(std::string_view secret);
// Equal-length comparison whose time does not depend on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace brokkr::auth
