// Counts C++ heap allocations in verify() for every algorithm: a typical token needs none.
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <catch2/catch.hpp>

#include <lightjwt/encoder.hpp>

#define LIGHTJWT_TEST_COUNT_ALLOCATIONS
#include "test_keys.hpp"
#include "test_support.hpp"

namespace {

using lightjwt::errc;

// A typical access token: header alg/typ/kid; claims iss, sub, aud, iat, exp, jti, role.
std::string access_claims() {
  return R"({"iss":"https://auth.example.com/","sub":"user-8c1e5a40-2f34-4b7c-9e0a-61d1f7a0b2c3",)"
         R"("aud":"https://api.example.com","iat":)" +
         std::to_string(test::now - 60) + R"(,"exp":)" + std::to_string(test::now + 840) +
         R"(,"jti":"5f0c2a8e-1b7d-4c3e-a9f6-0e2d4b6c8a1f","role":"editor"})";
}

struct counts {
  std::error_code ec;
  std::size_t cxx = 0;
  std::size_t ossl = 0;
};

/// Signs the typical token with S, verifies it once to warm up (first-use statics are not the
/// hot path), then verifies it again under the counters.
template <class S>
counts count_verify(const typename S::sign_key& sk, const typename S::verify_key& vk,
                    std::string_view token_override = {}) {
  auto enc = lightjwt::encoder<S>::create(sk, "key-2024-06");
  REQUIRE(enc.has_value());
  lightjwt::header_options h;
  h.typ = "at+jwt";
  auto token = enc->sign_json(access_claims(), h);
  REQUIRE(token.has_value());
  const std::string t = token_override.empty() ? *token : std::string(token_override);
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, vk, "key-2024-06")
      .issuer("https://auth.example.com/")
      .audience("https://api.example.com")
      .type("at+jwt");
  auto v = std::move(b).build();
  REQUIRE(v.has_value());
  (void)v->verify_at(t, test::now);
  (void)v->verify_at(t, test::now);
  counts c;
  {
    test::alloc::scope counter;
    const auto r = v->verify_at(t, test::now);
    c.cxx = counter.stop();
    c.ossl = test::alloc::scope::ossl_count();
    c.ec = r ? std::error_code() : r.error();
  }
  std::cout << "alloc: verify_at of a " << t.size() << "-byte " << S::name << " token: " << c.cxx
            << " C++ allocations, " << c.ossl << " OpenSSL allocations\n";
  return c;
}

template <class S>
void check_hmac() {
  INFO(S::name);
  const auto k = test::test_key(1);
  const counts c = count_verify<S>(k, k);
  CHECK(c.ec == std::error_code());
  CHECK(c.cxx == 0);
}

template <class S>
void check_pair(const lightjwt_test::key_pair& kp) {
  INFO(S::name);
  const counts c = count_verify<S>(kp.priv, kp.pub);
  CHECK(c.ec == std::error_code());
  CHECK(c.cxx == 0);
}

}  // namespace

TEST_CASE("the counting allocator sees OpenSSL's allocations too", "[alloc]") {
  REQUIRE(test::alloc::ossl_hooked);
  test::alloc::scope counter;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  counter.stop();
  EVP_MD_CTX_free(c);
  CHECK(test::alloc::scope::ossl_count() >= 1);
}

TEST_CASE("verifying a typical HS256, HS384 or HS512 token makes 0 C++ allocations", "[alloc]") {
  check_hmac<lightjwt::hs256>();
  check_hmac<lightjwt::hs384>();
  check_hmac<lightjwt::hs512>();
}

TEST_CASE("verifying a typical RS256, RS384 or RS512 token makes 0 C++ allocations", "[alloc]") {
  const auto kp = lightjwt_test::generate_pair("RSA", 2048);
  check_pair<lightjwt::rs256>(kp);
  check_pair<lightjwt::rs384>(kp);
  check_pair<lightjwt::rs512>(kp);
}

TEST_CASE("verifying a typical PS256, PS384 or PS512 token makes 0 C++ allocations", "[alloc]") {
  const auto kp = lightjwt_test::generate_pair("RSA", 2048);
  check_pair<lightjwt::ps256>(kp);
  check_pair<lightjwt::ps384>(kp);
  check_pair<lightjwt::ps512>(kp);
}

TEST_CASE("verifying a typical ES256, ES384 or ES512 token makes 0 C++ allocations", "[alloc]") {
  check_pair<lightjwt::es256>(lightjwt_test::generate_pair("EC", 0, "P-256"));
  check_pair<lightjwt::es384>(lightjwt_test::generate_pair("EC", 0, "P-384"));
  check_pair<lightjwt::es512>(lightjwt_test::generate_pair("EC", 0, "P-521"));
}

TEST_CASE("verifying a typical EdDSA, Ed25519 or Ed448 token makes 0 C++ allocations", "[alloc]") {
  const auto ed25519 = lightjwt_test::generate_pair("ED25519");
  const auto ed448 = lightjwt_test::generate_pair("ED448");
  check_pair<lightjwt::eddsa>(ed25519);
  check_pair<lightjwt::eddsa>(ed448);
  check_pair<lightjwt::ed25519>(ed25519);
  check_pair<lightjwt::ed448>(ed448);
}

TEST_CASE("refusing a forged token makes 0 C++ allocations with every kind of key", "[alloc]") {
  const auto rsa = lightjwt_test::generate_pair("RSA", 2048);
  const auto ec = lightjwt_test::generate_pair("EC", 0, "P-256");
  const auto ed = lightjwt_test::generate_pair("ED25519");
  const auto forge = [](const lightjwt::private_key& k, auto s) {
    using S = decltype(s);
    auto enc = lightjwt::encoder<S>::create(k, "key-2024-06");
    REQUIRE(enc.has_value());
    lightjwt::header_options h;
    h.typ = "at+jwt";
    auto t = enc->sign_json(access_claims(), h);
    REQUIRE(t.has_value());
    return test::corrupt_signature(*t, 10);
  };
  const auto rs =
      count_verify<lightjwt::rs256>(rsa.priv, rsa.pub, forge(rsa.priv, lightjwt::rs256{}));
  CHECK(rs.ec == errc::invalid_signature);
  CHECK(rs.cxx == 0);
  const auto es = count_verify<lightjwt::es256>(ec.priv, ec.pub, forge(ec.priv, lightjwt::es256{}));
  CHECK(es.ec == errc::invalid_signature);
  CHECK(es.cxx == 0);
  const auto ed25519 =
      count_verify<lightjwt::eddsa>(ed.priv, ed.pub, forge(ed.priv, lightjwt::eddsa{}));
  CHECK(ed25519.ec == errc::invalid_signature);
  CHECK(ed25519.cxx == 0);
}
