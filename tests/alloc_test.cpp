// Counts C++ heap allocations on verify()'s hot path and on its rejection paths: there must be
// none. SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <catch2/catch.hpp>

#define LIGHTJWT_TEST_COUNT_ALLOCATIONS
#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs384;
using lightjwt::hs512;

// A typical access token: header alg/typ/kid; claims iss, sub, aud, iat, exp, jti, role.
std::string access_token_claims(std::int64_t exp = test::now + 840) {
  return R"({"iss":"https://auth.example.com/","sub":"user-8c1e5a40-2f34-4b7c-9e0a-61d1f7a0b2c3",)"
         R"("aud":"https://api.example.com","iat":)" +
         std::to_string(test::now - 60) + R"(,"exp":)" + std::to_string(exp) +
         R"(,"jti":"5f0c2a8e-1b7d-4c3e-a9f6-0e2d4b6c8a1f","role":"editor"})";
}

template <class S>
std::string access_token(const lightjwt::hmac_key& k) {
  const std::string header =
      R"({"alg":")" + std::string(S::name) + R"(","typ":"at+jwt","kid":"key-2024-06"})";
  return test::make_token<S>(k, header, access_token_claims());
}

template <class... S>
lightjwt::verifier<S...> make_verifier(typename lightjwt::verifier<S...>::builder& b) {
  b.issuer("https://auth.example.com/").audience("https://api.example.com").type("at+jwt");
  auto v = b.build();
  REQUIRE(v.has_value());
  return std::move(*v);
}

/// Verifies under an allocation counter and returns the code and the C++ allocation count.
template <class V>
std::pair<std::error_code, std::size_t> counted_verify(const V& v, std::string_view token) {
  test::alloc::scope counter;
  const auto r = v.verify_at(token, test::now);
  const std::size_t n = counter.stop();
  return {r ? std::error_code() : r.error(), n};
}

}  // namespace

TEST_CASE("the counting allocator sees allocations", "[alloc]") {
  test::alloc::scope counter;
  auto* p = new std::string(100, 'x');
  delete p;
  CHECK(counter.stop() >= 2);  // the string object and its buffer
}

TEST_CASE("verifying a typical HS256, HS384 or HS512 access token makes 0 allocations", "[alloc]") {
  const auto k = test::test_key(1);
  const auto check = [&](auto s) {
    using S = decltype(s);
    typename lightjwt::verifier<S>::builder b;
    b.key(S{}, k, "key-2024-06");
    const auto v = make_verifier<S>(b);
    const std::string token = access_token<S>(k);
    INFO(S::name << " token of " << token.size() << " bytes");
    CHECK(token.size() > 250);
    CHECK(token.size() < 500);
    (void)v.verify_at(token, test::now);  // warm-up: first-use statics are not the hot path
    const auto [ec, n] = counted_verify(v, token);
    std::cout << "alloc: verify_at of a " << token.size() << "-byte " << S::name
              << " access token: " << n << " allocations\n";
    CHECK(ec == std::error_code());
    CHECK(n == 0);
  };
  check(hs256{});
  check(hs384{});
  check(hs512{});
}

TEST_CASE("a verifier with several algorithms and keys also verifies without allocating",
          "[alloc]") {
  const auto k = test::test_key(1);
  lightjwt::verifier<hs256, hs384, hs512>::builder b;
  b.key(hs256{}, test::test_key(2), "a").key(hs384{}, test::test_key(3), "b");
  b.key(hs512{}, k, "key-2024-06");
  const auto v = make_verifier<hs256, hs384, hs512>(b);
  const std::string token = access_token<hs512>(k);
  (void)v.verify_at(token, test::now);
  const auto [ec, n] = counted_verify(v, token);
  std::cout << "alloc: verify_at through a 3-algorithm verifier: " << n << " allocations\n";
  CHECK(ec == std::error_code());
  CHECK(n == 0);
}

TEST_CASE("rejecting an oversized, a garbage or a badly signed token makes 0 allocations",
          "[alloc]") {
  const auto k = test::test_key(1);
  hs256::verify_context::create(k).value();
  lightjwt::verifier<hs256>::builder b;
  b.key(hs256{}, k, "key-2024-06");
  const auto v = make_verifier<hs256>(b);
  const std::string good = access_token<hs256>(k);
  (void)v.verify_at(good, test::now);

  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string random_bytes(16 * 1024, '\0');
  for (auto& c : random_bytes) c = static_cast<char>(byte(rng));
  // Garbage in the token alphabet with two dots, so that it gets past the alphabet check and
  // is decoded: the header is not JSON.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1);
  // Segments of 8000, 8000 and 382 characters: canonical lengths, and the last character of
  // the signature has no unused bits set, so nothing fails before the header is decoded.
  std::string shaped(16 * 1024, 'A');
  for (auto& c : shaped) c = alphabet[letter(rng)];
  shaped[8000] = '.';
  shaped[16001] = '.';
  shaped[16 * 1024 - 1] = 'A';

  struct row {
    const char* name;
    std::string token;
    errc expected;
  };
  const row rows[] = {
      {"16 KiB + 1 bytes", std::string(16 * 1024 + 1, 'A'), errc::token_too_large},
      {"16 KiB + 1 valid-looking bytes", test::token_of_size(k, 16 * 1024 + 1),
       errc::token_too_large},
      {"16 KiB of random bytes", random_bytes, errc::malformed_token},
      // The header decodes to random bytes, which are not UTF-8.
      {"16 KiB of Base64URL garbage in three segments", shaped, errc::invalid_utf8},
      {"a forged 16 KiB token", test::corrupt_signature(test::token_of_size(k, 16 * 1024)),
       errc::invalid_signature},
      {"a bad signature", test::corrupt_signature(good), errc::invalid_signature},
      {"an unknown kid",
       test::make_token(k, R"({"alg":"HS256","kid":"other"})", access_token_claims()),
       errc::key_not_found},
      {"alg none", test::b64(R"({"alg":"none"})") + "." + test::b64(access_token_claims()) + ".",
       errc::algorithm_not_allowed},
      {"an expired token",
       test::make_token(k, R"({"alg":"HS256","kid":"key-2024-06","typ":"at+jwt"})",
                        access_token_claims(test::now)),
       errc::token_expired},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto [ec, n] = counted_verify(v, r.token);
    std::cout << "alloc: rejecting " << r.name << " (" << ec.message() << "): " << n
              << " allocations\n";
    CHECK(ec == r.expected);
    CHECK(n == 0);
  }
}
