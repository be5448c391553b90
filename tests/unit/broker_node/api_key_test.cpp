#include <boost/test/unit_test.hpp>

#include <set>

#include "broker_node/auth/api_key.hpp"
#include "broker_node/auth/identity.hpp"

using namespace brokkr::auth;

BOOST_AUTO_TEST_CASE(generated_keys_round_trip_and_differ) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto k = generate_key();
    BOOST_TEST(k.short_id.size() == short_id_length);
    BOOST_TEST(k.secret.size() == secret_length);
    const auto parsed = parse_key(k.text());
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->short_id == k.short_id);
    BOOST_TEST(parsed->secret == k.secret);
    seen.insert(k.text());
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(malformed_keys_are_refused_without_echoing_them) {
  for (const char* bad : {"", "brokkr_BR", "brokkr_BRabc", "brokkr_BRabc_short", "xbrokkr_BRabc_0123456789abcdef0123",
                          "brokkr_BRa-b_0123456789abcdef0123", "brokkr_BRab_0123456789abcdef012!"}) {
    const auto r = parse_key(bad);
    BOOST_TEST(!r.has_value(), bad);
    if (!r) BOOST_TEST(r.error().find("0123456789") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(sha256_hex_and_constant_time_compare) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  BOOST_TEST(hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(constant_time_equal("abc", "abc"));
  BOOST_TEST(!constant_time_equal("abc", "abd"));
  BOOST_TEST(!constant_time_equal("abc", "abcd"));
}

BOOST_AUTO_TEST_CASE(key_cache_expires_entries) {
  key_cache cache(std::chrono::milliseconds(0));
  cache.put("d", identity{role::admin, {}});
  BOOST_TEST(!cache.get("d").has_value());
  key_cache lasting(std::chrono::seconds(60));
  lasting.put("d", identity{role::agent, "a1"});
  BOOST_TEST(lasting.get("d")->agent_id == "a1");
  lasting.clear();
  BOOST_TEST(!lasting.get("d").has_value());
}
