// Tests of hmac_key: minimum lengths, binding to HS256/384/512, refusal of public-key material
// offered as a secret, and generation.
// SPDX-License-Identifier: MIT
#include <lightjwt/keys.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hmac_key;

// KEY-1: keys are built from bytes only, never from text that could be a password literal.
static_assert(!std::is_constructible_v<hmac_key, const char*>);
static_assert(!std::is_constructible_v<hmac_key, std::string>);
static_assert(!std::is_constructible_v<hmac_key, std::string_view>);
static_assert(!std::is_constructible_v<hmac_key, lightjwt::bytes_view>);
static_assert(!std::is_default_constructible_v<hmac_key>);
static_assert(!std::is_convertible_v<const char*, lightjwt::bytes_view>);
static_assert(!std::is_convertible_v<std::string, lightjwt::bytes_view>);
static_assert(!std::is_convertible_v<const char (&)[7], lightjwt::bytes_view>);
static_assert(std::is_nothrow_move_constructible_v<hmac_key>);
static_assert(lightjwt::min_hmac_key_size == 32);

/// Returns the code of binding a key of n bytes to S (from_bytes first, then the policy).
template <class S>
std::error_code bind_code(std::size_t n) {
  const auto bytes = test::key_bytes(n, 5);
  auto k = hmac_key::from_bytes(bytes);
  if (!k) return k.error();
  return S::verify_context::create(*k).error();
}

std::vector<unsigned char> with_prefix(std::string_view prefix,
                                       const std::vector<unsigned char>& b) {
  std::vector<unsigned char> out(prefix.begin(), prefix.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

TEST_CASE("secrets of 0, 1 and 31 bytes are key_too_weak and 32 or 33 bytes are accepted",
          "[keys]") {
  for (const std::size_t n : {0U, 1U, 16U, 31U}) {
    INFO(n << " bytes");
    const auto bytes = test::key_bytes(n);
    CHECK_ERROR(hmac_key::from_bytes(bytes), errc::key_too_weak);
  }
  for (const std::size_t n : {32U, 33U, 64U, 65U, 1000U}) {
    INFO(n << " bytes");
    const auto bytes = test::key_bytes(n);
    const auto k = hmac_key::from_bytes(bytes);
    REQUIRE(k.has_value());
    CHECK(k->size() == n);
    CHECK(std::equal(k->bytes().begin(), k->bytes().end(), bytes.begin(), bytes.end()));
  }
  // Any byte values, zeros included, make a secret.
  const std::vector<unsigned char> zeros(32, 0);
  const std::vector<unsigned char> ones(32, 0xFF);
  CHECK_OK(hmac_key::from_bytes(zeros));
  CHECK_OK(hmac_key::from_bytes(ones));
}

TEST_CASE("binding a key to HS384 needs 48 bytes and to HS512 64 bytes", "[keys]") {
  CHECK(bind_code<lightjwt::hs256>(31) == errc::key_too_weak);
  CHECK(bind_code<lightjwt::hs256>(32) == std::error_code());
  CHECK(bind_code<lightjwt::hs384>(47) == errc::key_too_weak);
  CHECK(bind_code<lightjwt::hs384>(48) == std::error_code());
  CHECK(bind_code<lightjwt::hs384>(49) == std::error_code());
  CHECK(bind_code<lightjwt::hs512>(63) == errc::key_too_weak);
  CHECK(bind_code<lightjwt::hs512>(64) == std::error_code());
  CHECK(bind_code<lightjwt::hs512>(65) == std::error_code());

  // The verifier's builder and the encoder report the same code.
  const auto k47 = test::test_key(1, 47);
  lightjwt::verifier<lightjwt::hs384>::builder b;
  b.key(lightjwt::hs384{}, k47);
  CHECK_ERROR(b.build(), errc::key_too_weak);
  CHECK_ERROR(lightjwt::encoder<lightjwt::hs384>::create(k47), errc::key_too_weak);
  CHECK_ERROR(lightjwt::encoder<lightjwt::hs512>::create(test::test_key(1, 63)),
              errc::key_too_weak);
  CHECK_OK(lightjwt::encoder<lightjwt::hs512>::create(test::test_key(1, 64)));
}

TEST_CASE("Wycheproof JWK keys shorter than the hash or empty are refused", "[keys][wycheproof]") {
  // json_web_key_test.json tcId 10-12 (31/47/63-byte keys), 13-15 (65-byte keys, valid) and
  // 16-18 (empty keys).
  const auto doc = test::load_json("wycheproof/json_web_key_test.json");
  int checked = 0;
  for (const auto& g : doc.at("testGroups")) {
    for (const auto& tc : g.at("tests")) {
      const int id = tc.at("tcId");
      if (id < 10 || id > 18) continue;
      const auto& jwk = g.at("private").at("keys").at(0);
      const std::string alg = jwk.at("alg");
      const auto bytes = test::unb64(jwk.at("k").get<std::string>());
      INFO("tcId " << id << " alg " << alg << ", " << bytes.size() << " bytes");
      std::error_code ec;
      auto k = hmac_key::from_bytes(bytes);
      if (!k) {
        ec = k.error();
      } else if (alg == "HS256") {
        ec = lightjwt::hs256::verify_context::create(*k).error();
      } else if (alg == "HS384") {
        ec = lightjwt::hs384::verify_context::create(*k).error();
      } else {
        ec = lightjwt::hs512::verify_context::create(*k).error();
      }
      if (tc.at("result") == "valid") {
        CHECK(ec == std::error_code());
      } else {
        CHECK(ec == errc::key_too_weak);
      }
      ++checked;
    }
  }
  CHECK(checked == 9);
}

TEST_CASE(
    "public keys, certificates and JWKs offered as HMAC secrets are invalid_key, with and "
    "without leading whitespace",
    "[keys][security]") {
  // KEY-2 (CVE-2022-29217 and kin): the RS->HS confusion starts with a public key accepted as a
  // secret. RSA-2048, P-256 and Ed25519 keys in every common encoding.
  for (const auto& e : test::public_key_encodings()) {
    for (const std::string_view prefix : {"", "\n ", " ", "\r\n\t"}) {
      INFO(e.name << " with prefix of " << prefix.size() << " bytes");
      const auto bytes = with_prefix(prefix, e.bytes);
      CHECK_ERROR(hmac_key::from_bytes(bytes), errc::invalid_key);
    }
  }
}

TEST_CASE("a random secret that happens to start like a JWK or contain armour is still a secret",
          "[keys]") {
  // A generated secret begins with '{' once in 256 keys (Wycheproof hmac_sha256_test.json tcId 82
  // has such a key: 7bf9e536...). It is not JSON, so it is not a JWK.
  const auto wycheproof_82 =
      test::from_hex("7bf9e536b66a215c22233fe2daaa743a898b9acb9f7802de70b40e3d6e43ef97");
  CHECK_OK(hmac_key::from_bytes(wycheproof_82));
  auto brace = test::key_bytes(32, 3);
  brace[0] = '{';
  CHECK_OK(hmac_key::from_bytes(brace));
  brace[0] = ' ';
  brace[1] = '{';
  CHECK_OK(hmac_key::from_bytes(brace));
  // Armour later in the bytes is not armour.
  const auto later = test::bytes_of("0123456789abcdef-----BEGIN xxxxxxxxxxxxxx");
  CHECK_OK(hmac_key::from_bytes(later));
  // A JWK really is refused, also without "kty" first.
  const auto jwk = test::bytes_of(R"({"k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","kty":"oct"})");
  CHECK_ERROR(hmac_key::from_bytes(jwk), errc::invalid_key);
}

TEST_CASE("generate() draws distinct 64-byte keys that bind to every HS algorithm", "[keys]") {
  std::set<std::vector<unsigned char>> seen;
  for (int i = 0; i < 32; ++i) {
    auto k = hmac_key::generate();
    REQUIRE(k.has_value());
    CHECK(k->size() == 64);
    seen.emplace(k->bytes().begin(), k->bytes().end());
    CHECK_OK(lightjwt::hs512::verify_context::create(*k));
    CHECK_OK(lightjwt::hs384::verify_context::create(*k));
    CHECK_OK(lightjwt::hs256::verify_context::create(*k));
  }
  CHECK(seen.size() == 32);
  CHECK(hmac_key::generate(48)->size() == 48);
  CHECK(hmac_key::generate(32)->size() == 32);
  CHECK_ERROR(hmac_key::generate(31), errc::key_too_weak);
  CHECK_ERROR(hmac_key::generate(0), errc::key_too_weak);
}

TEST_CASE("a copied key holds the same secret and a key's view points into it", "[keys]") {
  const auto bytes = test::key_bytes(40, 9);
  const hmac_key a = test::make_key(bytes);
  const hmac_key b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(b.size() == 40);
  CHECK(std::equal(b.bytes().begin(), b.bytes().end(), bytes.begin(), bytes.end()));
  CHECK(a.bytes().data() != b.bytes().data());
  hmac_key c = test::test_key(2, 32);
  c = a;
  CHECK(std::equal(c.bytes().begin(), c.bytes().end(), bytes.begin(), bytes.end()));
  hmac_key d = test::test_key(3, 32);
  d = std::move(c);
  CHECK(std::equal(d.bytes().begin(), d.bytes().end(), bytes.begin(), bytes.end()));
}
