// Tests of verifier<>: published vectors, key binding and selection, limits, sharing across
// threads. SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs384;
using lightjwt::hs512;
using hs256_verifier = lightjwt::verifier<hs256>;

template <class V>
V built(typename V::builder& b) {
  auto r = b.build();
  REQUIRE(r.has_value());
  return std::move(*r);
}

}  // namespace

TEST_CASE("the RFC 7515 A.1 token verifies just before exp and is token_expired at exp",
          "[verifier][rfc7515]") {
  const auto v = test::load_json("rfc/rfc7515_A.1_hs256.json");
  const auto key = test::key_from_jwk(v.at("jwk"));
  const std::string token = v.at("token");
  hs256_verifier::builder b;
  b.key(hs256{}, key);
  const auto verifier = built<hs256_verifier>(b);

  const auto ok = verifier.verify_at(token, 1300819379);
  REQUIRE(ok.has_value());
  CHECK(ok->alg() == "HS256");
  CHECK(ok->typ() == "JWT");
  CHECK(ok->iss() == "joe");
  CHECK(ok->exp() == 1300819380);
  CHECK(ok->get_bool("http://example.com/is_root").value());
  // The JSON exactly as signed, CRLF and leading spaces included (RFC 7515 §5.2 step 8).
  CHECK(ok->header_json() == v.at("header_json").get<std::string>());
  CHECK(ok->payload_json() == v.at("payload").get<std::string>());

  CHECK_ERROR(verifier.verify_at(token, 1300819380), errc::token_expired);
  // With the real clock the example is long expired.
  CHECK_ERROR(verifier.verify(token), errc::token_expired);
}

TEST_CASE("an injected clock decides expiry for verify()", "[verifier][rfc7515]") {
  const auto v = test::load_json("rfc/rfc7515_A.1_hs256.json");
  const auto key = test::key_from_jwk(v.at("jwk"));
  std::int64_t clock_now = 1300819379;
  hs256_verifier::builder b;
  b.key(hs256{}, key).clock([&clock_now] { return clock_now; });
  const auto verifier = built<hs256_verifier>(b);
  CHECK_OK(verifier.verify(v.at("token").get<std::string>()));
  clock_now = 1300819380;
  CHECK_ERROR(verifier.verify(v.at("token").get<std::string>()), errc::token_expired);
}

TEST_CASE("the RFC 7519 §3.1 example JWT verifies with the A.1 key and yields its claims",
          "[verifier][rfc7519]") {
  const auto v = test::load_json("rfc/rfc7519_3.1_example_jwt.json");
  const auto key = test::key_from_jwk(v.at("jwk"));
  hs256_verifier::builder b;
  b.key(hs256{}, key).issuer("joe");
  const auto verifier = built<hs256_verifier>(b);
  const std::string token = v.at("token");

  const auto ok = verifier.verify_at(token, 1300819379);
  REQUIRE(ok.has_value());
  const auto dom = ok->claims_json();
  REQUIRE(dom.has_value());
  CHECK(*dom == v.at("claims"));
  CHECK(ok->exp() == v.at("claims").at("exp").get<std::int64_t>());
  CHECK_ERROR(verifier.verify_at(token, 1300819380), errc::token_expired);
}

TEST_CASE("HMAC of the RFC 7515 A.1 signing input equals the published signature byte for byte",
          "[verifier][rfc7515]") {
  const auto v = test::load_json("rfc/rfc7515_A.1_hs256.json");
  const auto key = test::key_from_jwk(v.at("jwk"));
  CHECK(key.size() == 64);
  auto ctx = hs256::sign_context::create(key);
  REQUIRE(ctx.has_value());
  CHECK(ctx->signature_size() == 32);
  std::array<unsigned char, 32> sig{};
  const std::string input = v.at("signing_input");
  const auto n = ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
  REQUIRE(n.has_value());
  CHECK(*n == 32);
  CHECK(lightjwt::base64url::encode(lightjwt::bytes_view(sig.data(), *n)) ==
        v.at("signature_b64").get<std::string>());
  // The verify side of the same context accepts it and refuses a one-bit change.
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), lightjwt::bytes_view(sig.data(), sig.size())));
  sig[31] ^= 0x80;
  CHECK(ctx->verify(lightjwt::as_bytes(input), lightjwt::bytes_view(sig.data(), sig.size())) ==
        errc::invalid_signature);
  // A buffer too small for the MAC is refused rather than overrun.
  std::array<unsigned char, 31> small{};
  CHECK_ERROR(ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(small)),
              errc::buffer_too_small);
}

TEST_CASE(
    "the JOSE cookbook 4.4 HS256 token passes its kid-bound signature check and then fails "
    "as malformed_token because its payload is not a JWT claims set",
    "[verifier][rfc7520]") {
  // RFC 7520 §4.4 signs a line of prose, not a JSON object. A JWT verifier must check the
  // signature first (it holds) and only then refuse the payload (RFC 7519 §7.2 step 10): the
  // code is malformed_token, with or without allow_missing_exp. The controls below prove the
  // signature step passed: a corrupted MAC gives invalid_signature, another kid key_not_found.
  const auto v = test::load_json("jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json");
  const auto& jwk = v.at("input").at("key");
  const auto key = test::key_from_jwk(jwk);
  const std::string kid = jwk.at("kid");
  const std::string token = v.at("output").at("compact");

  // Signing the published input reproduces the published MAC (the cookbook marks it
  // reproducible).
  CHECK(test::mac_b64<hs256>(key, v.at("signing").at("sig-input").get<std::string>()) ==
        v.at("signing").at("sig").get<std::string>());

  for (const bool allow_missing_exp : {false, true}) {
    INFO("allow_missing_exp " << allow_missing_exp);
    hs256_verifier::builder b;
    b.key(hs256{}, test::test_key(9), "another-key").key(hs256{}, key, kid);
    if (allow_missing_exp) b.allow_missing_exp();
    const auto verifier = built<hs256_verifier>(b);
    CHECK_ERROR(verifier.verify_at(token, test::now), errc::malformed_token);
    CHECK_ERROR(verifier.verify_at(test::corrupt_signature(token), test::now),
                errc::invalid_signature);
  }
  hs256_verifier::builder other;
  other.key(hs256{}, key, "not-" + kid);
  CHECK_ERROR(built<hs256_verifier>(other).verify_at(token, test::now), errc::key_not_found);

  // The same key and kid over a JSON claims set verify: only the payload was at fault.
  hs256_verifier::builder b;
  b.key(hs256{}, key, kid);
  const std::string header = R"({"alg":"HS256","kid":")" + kid + "\"}";
  CHECK_OK(built<hs256_verifier>(b).verify_at(test::make_token(key, header, test::claims_text()),
                                              test::now));
}

TEST_CASE("Wycheproof HMAC vectors give the right answer through the HS policies",
          "[verifier][wycheproof]") {
  const auto report = [](std::string_view file, const test::wycheproof_tally& t) {
    std::cout << "wycheproof " << file << ": " << t.full_tag_valid << " valid accepted, "
              << t.full_tag_invalid << " invalid refused, " << t.truncated_tag
              << " truncated tags refused, " << t.weak_key << " short keys refused, " << t.wrong
              << " wrong\n";
    CHECK(t.full_tag_valid + t.full_tag_invalid + t.truncated_tag + t.weak_key + t.wrong == 174);
    return t.wrong;
  };
  std::size_t wrong = 0;
  wrong +=
      report("hmac_sha256_test.json", test::run_wycheproof_hmac<hs256>("hmac_sha256_test.json"));
  wrong +=
      report("hmac_sha384_test.json", test::run_wycheproof_hmac<hs384>("hmac_sha384_test.json"));
  wrong +=
      report("hmac_sha512_test.json", test::run_wycheproof_hmac<hs512>("hmac_sha512_test.json"));
  REQUIRE(wrong == 0);
}

TEST_CASE("the token's kid selects the key bound under that id", "[verifier]") {
  const auto k1 = test::test_key(1);
  const auto k2 = test::test_key(2);
  hs256_verifier::builder b;
  b.key(hs256{}, k1, "k1").key(hs256{}, k2, "k2");
  const auto v = built<hs256_verifier>(b);
  const std::string claims = test::claims_text();
  CHECK_OK(v.verify_at(test::make_token(k1, R"({"alg":"HS256","kid":"k1"})", claims), test::now));
  CHECK_OK(v.verify_at(test::make_token(k2, R"({"alg":"HS256","kid":"k2"})", claims), test::now));
  // The kid decides, not trial and error: k2's MAC under kid k1 fails.
  CHECK_ERROR(v.verify_at(test::make_token(k2, R"({"alg":"HS256","kid":"k1"})", claims), test::now),
              errc::invalid_signature);
  // An escaped kid is compared after unescaping.
  CHECK_OK(
      v.verify_at(test::make_token(k2, R"({"alg":"HS256","kid":"k\u0032"})", claims), test::now));
  const auto ok =
      v.verify_at(test::make_token(k2, R"({"alg":"HS256","kid":"k2"})", claims), test::now);
  REQUIRE(ok.has_value());
  CHECK(ok->kid() == "k2");
}

TEST_CASE("an unknown kid is key_not_found", "[verifier]") {
  const auto k1 = test::test_key(1);
  hs256_verifier::builder b;
  b.key(hs256{}, k1, "k1");
  const auto v = built<hs256_verifier>(b);
  const std::string claims = test::claims_text();
  CHECK_OK(v.verify_at(test::make_token(k1, R"({"alg":"HS256","kid":"k1"})", claims), test::now));
  for (const char* kid : {"k2", "K1", "k1 ", "", "k"}) {
    INFO("kid " << kid);
    const std::string header = R"({"alg":"HS256","kid":")" + std::string(kid) + "\"}";
    CHECK_ERROR(v.verify_at(test::make_token(k1, header, claims), test::now), errc::key_not_found);
  }
  // A verifier whose keys have no ids treats a token's kid as a hint: the algorithm's single
  // key is the candidate, whatever the kid says.
  hs256_verifier::builder anonymous;
  anonymous.key(hs256{}, k1);
  CHECK_OK(built<hs256_verifier>(anonymous).verify_at(
      test::make_token(k1, R"({"alg":"HS256","kid":"whatever"})", claims), test::now));
}

TEST_CASE(
    "a token without kid uses the only key of its algorithm and is key_not_found when "
    "two keys could fit",
    "[verifier]") {
  const auto k1 = test::test_key(1);
  const auto k2 = test::test_key(2);
  const std::string token = test::make_token(k1, R"({"alg":"HS256"})", test::claims_text());

  hs256_verifier::builder one;
  one.key(hs256{}, k1);
  CHECK_OK(built<hs256_verifier>(one).verify_at(token, test::now));
  hs256_verifier::builder one_with_id;
  one_with_id.key(hs256{}, k1, "k1");
  CHECK_OK(built<hs256_verifier>(one_with_id).verify_at(token, test::now));

  hs256_verifier::builder two;
  two.key(hs256{}, k1, "k1").key(hs256{}, k2, "k2");
  CHECK_ERROR(built<hs256_verifier>(two).verify_at(token, test::now), errc::key_not_found);

  // Keys of other algorithms do not make the choice ambiguous.
  lightjwt::verifier<hs256, hs384>::builder mixed;
  mixed.key(hs256{}, k1).key(hs384{}, k2);
  CHECK_OK(built<lightjwt::verifier<hs256, hs384>>(mixed).verify_at(token, test::now));
}

TEST_CASE("an alg that is not bound to a key is algorithm_not_allowed", "[verifier]") {
  using v2 = lightjwt::verifier<hs256, hs384>;
  const auto k = test::test_key(1);
  v2::builder b;
  b.key(hs256{}, k, "a");
  const auto v = built<v2>(b);
  const std::string claims = test::claims_text();
  CHECK_OK(v.verify_at(test::make_token<hs256>(k, R"({"alg":"HS256"})", claims), test::now));
  // HS384 is in the allowlist but no key is bound to it.
  CHECK_ERROR(v.verify_at(test::make_token<hs384>(k, R"({"alg":"HS384"})", claims), test::now),
              errc::algorithm_not_allowed);
  // HS512 is not in the allowlist at all.
  CHECK_ERROR(v.verify_at(test::make_token<hs512>(k, R"({"alg":"HS512"})", claims), test::now),
              errc::algorithm_not_allowed);
  // The kid names an HS256 key but the token claims HS384 (RFC 8725 §3.1: one key, one alg).
  v2::builder both_builder;
  both_builder.key(hs256{}, k, "a").key(hs384{}, test::test_key(2), "b");
  const auto both = built<v2>(both_builder);
  CHECK_ERROR(
      both.verify_at(test::make_token<hs384>(k, R"({"alg":"HS384","kid":"a"})", claims), test::now),
      errc::algorithm_not_allowed);
  CHECK_OK(both.verify_at(test::make_token<hs256>(k, R"({"alg":"HS256","kid":"a"})", claims),
                          test::now));
}

TEST_CASE("build() refuses duplicate kids, missing keys and invalid settings", "[verifier]") {
  const auto k1 = test::test_key(1);
  const auto k2 = test::test_key(2);
  {
    hs256_verifier::builder b;
    b.key(hs256{}, k1, "same").key(hs256{}, k2, "same");
    CHECK_ERROR(b.build(), errc::invalid_key);
  }
  {
    lightjwt::verifier<hs256, hs512>::builder b;
    b.key(hs256{}, k1, "same").key(hs512{}, k2, "same");
    CHECK_ERROR(b.build(), errc::invalid_key);
  }
  {
    hs256_verifier::builder b;
    b.key(hs256{}, k1, "a").key(hs256{}, k2, "b");
    CHECK_OK(b.build());
  }
  {
    hs256_verifier::builder b;
    CHECK_ERROR(b.build(), errc::invalid_argument);
  }
  {
    hs256_verifier::builder b;
    b.key(hs256{}, k1).critical("alg");
    CHECK_ERROR(b.build(), errc::invalid_argument);
  }
  {
    hs256_verifier::builder b;
    b.key(hs256{}, k1).critical("b64");  // RFC 7797 §7: never for JWTs
    CHECK_ERROR(b.build(), errc::insecure_configuration);
  }
  {
    hs256_verifier::builder b;
    b.key(hs256{}, k1).max_token_size(0);
    CHECK_ERROR(b.build(), errc::invalid_argument);
  }
  {
    // The first key error is the one reported.
    lightjwt::verifier<hs256, hs512>::builder b;
    b.key(hs512{}, test::test_key(3, 32)).key(hs256{}, k1, "a").key(hs256{}, k2, "a");
    CHECK_ERROR(b.build(), errc::key_too_weak);
  }
}

TEST_CASE("a key registered for one issuer refuses tokens of another issuer", "[verifier]") {
  const auto ka = test::test_key(1);
  const auto kb = test::test_key(2);
  hs256_verifier::builder b;
  b.key_for_issuer(hs256{}, ka, "a", "https://a.example")
      .key_for_issuer(hs256{}, kb, "b", "https://b.example");
  const auto v = built<hs256_verifier>(b);
  const std::string claims_a = test::claims_text(R"("iss":"https://a.example")");
  CHECK_OK(v.verify_at(test::make_token(ka, R"({"alg":"HS256","kid":"a"})", claims_a), test::now));
  CHECK_OK(v.verify_at(test::make_token(kb, R"({"alg":"HS256","kid":"b"})",
                                        test::claims_text(R"("iss":"https://b.example")")),
                       test::now));
  // Tenant B's key signs a token that claims to come from A.
  CHECK_ERROR(
      v.verify_at(test::make_token(kb, R"({"alg":"HS256","kid":"b"})", claims_a), test::now),
      errc::invalid_issuer);
  // No iss at all is no better.
  CHECK_ERROR(v.verify_at(test::make_token(kb, R"({"alg":"HS256","kid":"b"})", test::claims_text()),
                          test::now),
              errc::invalid_issuer);
}

TEST_CASE("a 16 KiB token verifies and one byte more is token_too_large", "[verifier]") {
  const auto k = test::test_key(1);
  hs256_verifier::builder b;
  b.key(hs256{}, k);
  const auto v = built<hs256_verifier>(b);
  CHECK(v.limits().max_token_size == 16 * 1024);
  const std::string at_limit = test::token_of_size(k, 16 * 1024);
  const std::string over = test::token_of_size(k, 16 * 1024 + 1);
  CHECK_OK(v.verify_at(at_limit, test::now));
  CHECK_ERROR(v.verify_at(over, test::now), errc::token_too_large);
  // The size check comes before everything else, even for bytes that are not a token at all.
  CHECK_ERROR(v.verify_at(std::string(16 * 1024 + 1, '\0'), test::now), errc::token_too_large);

  // The limit is a setting.
  hs256_verifier::builder larger;
  larger.key(hs256{}, k).max_token_size(16 * 1024 + 1);
  CHECK_OK(built<hs256_verifier>(larger).verify_at(over, test::now));
  hs256_verifier::builder smaller_builder;
  smaller_builder.key(hs256{}, k).max_token_size(200);
  const auto smaller = built<hs256_verifier>(smaller_builder);
  CHECK_OK(smaller.verify_at(test::token_of_size(k, 200), test::now));
  CHECK_ERROR(smaller.verify_at(test::token_of_size(k, 201), test::now), errc::token_too_large);
}

TEST_CASE("one verifier shared by 4 threads gives every thread the right answers", "[verifier]") {
  const auto k1 = test::test_key(1);
  const auto k2 = test::test_key(2);
  hs256_verifier::builder b;
  b.key(hs256{}, k1, "k1").key(hs256{}, k2, "k2").audience("api");
  const auto v = built<hs256_verifier>(b);

  struct job {
    std::string token;
    std::error_code expected;
  };
  std::vector<job> jobs;
  for (int i = 0; i < 16; ++i) {
    const std::string kid = i % 2 == 0 ? "k1" : "k2";
    const auto& key = i % 2 == 0 ? k1 : k2;
    const std::string header = R"({"alg":"HS256","kid":")" + kid + "\"}";
    const std::string sub = "\"sub\":\"user-" + std::to_string(i) + "\"";
    const std::string good =
        test::make_token(key, header, test::claims_text(sub + R"(,"aud":"api")"));
    jobs.push_back({good, {}});
    jobs.push_back(
        {test::corrupt_signature(good, static_cast<std::size_t>(i)), errc::invalid_signature});
    jobs.push_back({test::make_token(key, header, test::claims_text(sub + R"(,"aud":"web")")),
                    errc::invalid_audience});
  }
  std::atomic<int> wrong{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round) {
        for (std::size_t i = 0; i < jobs.size(); ++i) {
          const auto& j = jobs[(i + static_cast<std::size_t>(t) * 7) % jobs.size()];
          const auto r = v.verify_at(j.token, test::now);
          const std::error_code got = r ? std::error_code() : r.error();
          if (got != j.expected) ++wrong;
          if (r && r->sub()->substr(0, 5) != "user-") ++wrong;
          ++done;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(done == static_cast<int>(4 * 25 * jobs.size()));
  CHECK(wrong == 0);
}
