// One verifier shared by many threads: verify() on a const verifier takes no lock and shares
// the pre-built OpenSSL contexts (run under TSan too).
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/algorithms.hpp>
#include <lightjwt/encoder.hpp>

#include "test_keys.hpp"

TEST_CASE("8 threads verify 2000 RS256 and ES256 tokens each with one shared verifier",
          "[concurrency]") {
  const std::int64_t now = 1700000000;
  const auto rsa = lightjwt_test::generate_pair("RSA", 2048);
  const auto ec = lightjwt_test::generate_pair("EC", 0, "P-256");
  auto rs_enc = lightjwt::encoder<lightjwt::rs256>::create(rsa.priv, "rsa-1");
  auto es_enc = lightjwt::encoder<lightjwt::es256>::create(ec.priv, "ec-1");
  REQUIRE(rs_enc);
  REQUIRE(es_enc);
  std::vector<std::string> tokens;
  for (int i = 0; i < 4; ++i) {
    const nlohmann::json claims = {{"sub", "user-" + std::to_string(i)}, {"exp", now + 600}};
    auto rs = rs_enc->sign(claims);
    auto es = es_enc->sign(claims);
    REQUIRE(rs);
    REQUIRE(es);
    tokens.push_back(*rs);
    tokens.push_back(*es);
  }
  lightjwt::verifier<lightjwt::rs256, lightjwt::es256>::builder b;
  b.key(lightjwt::rs256{}, rsa.pub, "rsa-1").key(lightjwt::es256{}, ec.pub, "ec-1");
  auto built = b.build();
  REQUIRE(built);
  const auto& v = *built;

  constexpr int threads = 8;
  constexpr int per_thread = 2000;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto& token = tokens[static_cast<std::size_t>(t + i) % tokens.size()];
        if (v.verify_at(token, now)) {
          ok.fetch_add(1, std::memory_order_relaxed);
        } else {
          failed.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(failed.load() == 0);
  CHECK(ok.load() == threads * per_thread);
}
