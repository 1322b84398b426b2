// Tests of decode_unverified(): what it returns, the strict syntax and limits it still applies, and
// that its result can never pass for a verified token.
// SPDX-License-Identifier: MIT
#include <lightjwt/decoder.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::decode_unverified;
using lightjwt::errc;

static_assert(!std::is_convertible_v<lightjwt::unverified_token, lightjwt::verified_token>);
static_assert(!std::is_constructible_v<lightjwt::verified_token, lightjwt::unverified_token>);
static_assert(!std::is_default_constructible_v<lightjwt::unverified_token>);

}  // namespace

TEST_CASE("decode_unverified returns the header and the claims without checking the signature",
          "[decoder]") {
  const auto k = test::test_key(1);
  const std::string header = R"({"alg":"HS256","typ":"at+jwt","kid":"k-1","cty":"json"})";
  const std::string claims = test::claims_text(
      R"("iss":"https://idp","sub":"u\u002d1","aud":["a","b"],"jti":"j","nbf":5,"iat":6)");
  const std::string token = test::make_token(k, header, claims);
  for (const std::string& t : {token, test::corrupt_signature(token)}) {
    const auto r = decode_unverified(t);
    REQUIRE(r.has_value());
    CHECK(r->alg() == "HS256");
    CHECK(r->typ() == "at+jwt");
    CHECK(r->kid() == "k-1");
    CHECK(r->cty() == "json");
    CHECK(r->iss() == "https://idp");
    CHECK(r->sub() == "u-1");
    CHECK(r->jti() == "j");
    REQUIRE(r->aud().size() == 2);
    CHECK(r->aud()[1] == "b");
    CHECK(r->exp() == test::now + 3600);
    CHECK(r->nbf() == 5);
    CHECK(r->iat() == 6);
    CHECK(r->header_json() == header);
    CHECK(r->payload_json() == claims);
    CHECK(r->claims_json().value() == nlohmann::json::parse(claims));
    CHECK(r->header_dom().value().at("kid") == "k-1");
  }
  // Any signature, even none at all, and any alg: nothing here is trusted.
  const auto unsigned_token = test::b64(R"({"alg":"none"})") + "." + test::b64(claims) + ".";
  const auto none = decode_unverified(unsigned_token);
  REQUIRE(none.has_value());
  CHECK(none->alg() == "none");
  CHECK_FALSE(none->kid().has_value());
}

TEST_CASE("decode_unverified reads the RFC 7515 A.5 unsecured example, which no verifier accepts",
          "[decoder][rfc7515]") {
  const auto v = test::load_json("rfc/rfc7515_A.5_unsecured.json");
  const std::string token = v.at("token");
  const auto r = decode_unverified(token);
  REQUIRE(r.has_value());
  CHECK(r->alg() == "none");
  CHECK(r->iss() == "joe");
  lightjwt::verifier<lightjwt::hs256>::builder b;
  b.key(lightjwt::hs256{}, test::test_key(1));
  CHECK_ERROR(b.build().value().verify_at(token, 1300819379), errc::algorithm_not_allowed);
}

TEST_CASE("decode_unverified applies the verifier's syntax rules and limits", "[decoder]") {
  const auto k = test::test_key(1);
  const std::string h = R"({"alg":"HS256"})";
  const auto tok = [&](std::string_view header, std::string_view payload) {
    return test::make_token(k, header, payload);
  };
  CHECK_OK(decode_unverified(tok(h, test::claims_text())));
  CHECK_ERROR(decode_unverified(""), errc::malformed_token);
  CHECK_ERROR(decode_unverified("a.b"), errc::malformed_token);
  CHECK_ERROR(decode_unverified(tok(h, test::claims_text()) + ".x"), errc::malformed_token);
  CHECK_ERROR(decode_unverified(tok(h, "[]")), errc::malformed_token);
  CHECK_ERROR(decode_unverified(tok(h, "Test")), errc::malformed_token);
  CHECK_ERROR(decode_unverified(tok("[]", test::claims_text())), errc::malformed_token);
  CHECK_ERROR(decode_unverified(tok(h, "{\"a\":\"\xff\"}")), errc::invalid_utf8);
  CHECK_ERROR(decode_unverified(tok(h, R"({"a":1,"a":2})")), errc::duplicate_member);
  CHECK_ERROR(decode_unverified(tok(R"({"alg":"HS256","alg":"none"})", "{}")),
              errc::duplicate_member);
  CHECK_ERROR(decode_unverified(tok(h, R"({"a":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]})")),
              errc::nesting_too_deep);
  CHECK_ERROR(decode_unverified(tok(R"({"typ":"JWT"})", "{}")), errc::invalid_header);
  CHECK_ERROR(decode_unverified(tok(R"({"alg":1})", "{}")), errc::invalid_header);
  CHECK_ERROR(decode_unverified(tok(h, R"({"exp":"1"})")), errc::invalid_claim_type);
  CHECK_ERROR(decode_unverified(tok(h, R"({"aud":[1]})")), errc::invalid_claim_type);
  CHECK_ERROR(decode_unverified(tok(h, R"({"sub":")" + std::string(257, 's') + "\"}")),
              errc::limit_exceeded);
  // Claim rules are not applied: an expired token decodes.
  CHECK_OK(decode_unverified(tok(h, R"({"exp":1})")));

  // Limits.
  const std::string at_limit = test::token_of_size(k, 16 * 1024);
  CHECK_OK(decode_unverified(at_limit));
  CHECK_ERROR(decode_unverified(test::token_of_size(k, 16 * 1024 + 1)), errc::token_too_large);
  lightjwt::token_limits small;
  small.max_token_size = 200;
  CHECK_OK(decode_unverified(test::token_of_size(k, 200), small));
  CHECK_ERROR(decode_unverified(test::token_of_size(k, 201), small), errc::token_too_large);
  lightjwt::token_limits shallow;
  shallow.json.max_depth = 2;
  CHECK_OK(decode_unverified(tok(h, R"({"a":[1]})"), shallow));
  CHECK_ERROR(decode_unverified(tok(h, R"({"a":[[1]]})"), shallow), errc::nesting_too_deep);
}

TEST_CASE("a decoded token keeps its values when copied or moved", "[decoder]") {
  const auto k = test::test_key(1);
  // One token small enough for the inline buffer, one that needs the heap.
  for (const std::size_t pad : {10U, 4000U}) {
    INFO("pad " << pad);
    const std::string token = test::make_token(
        k, R"({"alg":"HS256","kid":"k\u002d1"})",
        test::claims_text(R"("iss":"i\u0073s","pad":")" + std::string(pad, 'p') + "\""));
    auto original = decode_unverified(token);
    REQUIRE(original.has_value());
    const lightjwt::unverified_token copy = *original;
    lightjwt::unverified_token moved = std::move(*original);
    original = errc::malformed_token;  // destroys the source
    for (const lightjwt::unverified_token* t : {&copy, &std::as_const(moved)}) {
      CHECK(t->kid() == "k-1");
      CHECK(t->iss() == "iss");
      CHECK(t->get_string("pad").value().size() == pad);
    }
  }
}
