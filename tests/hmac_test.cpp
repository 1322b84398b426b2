// HMAC contexts: the pool of pre-keyed contexts behind HS256/384/512 under threads and reuse.
// SPDX-License-Identifier: MIT
#include <lightjwt/algorithms/hmac.hpp>

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <lightjwt/verifier.hpp>

#include "test_support.hpp"

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs512;

TEST_CASE("pooled HMAC contexts give the same MAC on every call and in every thread", "[hmac]") {
  const auto k = test::test_key(3);
  auto ctx = hs256::sign_context::create(k);
  REQUIRE(ctx.has_value());
  const std::string input = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0";
  std::array<unsigned char, 32> first{};
  REQUIRE(ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(first)).has_value());
  // More threads than the pool has slots: some contexts are copied from the template and freed.
  constexpr int threads = 3 * static_cast<int>(lightjwt::detail::mac_pool::slots) / 2;
  std::atomic<int> wrong{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        std::array<unsigned char, 32> mac{};
        auto n = ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(mac));
        if (!n || mac != first) wrong.fetch_add(1, std::memory_order_relaxed);
        if (ctx->verify(lightjwt::as_bytes(input), lightjwt::bytes_view(first.data(), 32))) {
          wrong.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("a verifier built where another was destroyed never uses the old key's contexts",
          "[hmac][security]") {
  const auto old_key = test::test_key(4);
  const auto new_key = test::test_key(5);
  const std::string old_token =
      test::sign_claims(old_key, nlohmann::json::parse(test::claims_text()));
  const std::string new_token =
      test::sign_claims(new_key, nlohmann::json::parse(test::claims_text()));
  std::optional<lightjwt::verifier<hs256>> v;
  const auto build = [&](const lightjwt::hmac_key& k) {
    lightjwt::verifier<hs256>::builder b;
    b.key(hs256{}, k);
    auto r = b.build();
    REQUIRE(r.has_value());
    v.emplace(std::move(*r));
  };
  build(old_key);
  const void* const at = &*v;
  for (int i = 0; i < 4; ++i) CHECK(v->verify_at(old_token, test::now).has_value());
  v.reset();
  build(new_key);  // the same storage, so the same address
  CHECK(static_cast<const void*>(&*v) == at);
  CHECK_ERROR(v->verify_at(old_token, test::now), errc::invalid_signature);
  CHECK(v->verify_at(new_token, test::now).has_value());
}

TEST_CASE("HS256 and HS512 keys of one verifier keep separate pooled contexts", "[hmac]") {
  const auto k256 = test::test_key(6);
  const auto k512 = test::test_key(7);
  lightjwt::verifier<hs256, hs512>::builder b;
  b.key(hs256{}, k256, "a").key(hs512{}, k512, "b");
  auto v = b.build();
  REQUIRE(v.has_value());
  const auto claims = nlohmann::json::parse(test::claims_text());
  const std::string t256 = test::sign_claims<hs256>(k256, claims, R"({"alg":"HS256","kid":"a"})");
  const std::string t512 = test::sign_claims<hs512>(k512, claims, R"({"alg":"HS512","kid":"b"})");
  for (int i = 0; i < 8; ++i) {
    CHECK(v->verify_at(t256, test::now).has_value());
    CHECK(v->verify_at(t512, test::now).has_value());
    CHECK_ERROR(v->verify_at(test::corrupt_signature(t256), test::now), errc::invalid_signature);
  }
}
