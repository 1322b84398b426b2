// The failure paths of the non-throwing API, built with -fno-exceptions -DJSON_NOEXCEPTION: every
// hostile input returns a code and the process exits 0 (SECURITY-CATALOG JSON-9).
// SPDX-License-Identifier: MIT
#include <lightjwt/lightjwt.hpp>

// Its own Catch2 main: the shared test main is built with exceptions.
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_DISABLE_EXCEPTIONS
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#if defined(__cpp_exceptions) || !defined(JSON_NOEXCEPTION) || !defined(LIGHTJWT_NO_EXCEPTIONS)
#  error "noexcept_test must be built with -fno-exceptions -DJSON_NOEXCEPTION"
#endif

namespace {

using lightjwt::errc;
using lightjwt::hs256;

constexpr std::int64_t now = 1700000000;
constexpr std::string_view secret = "0123456789abcdef0123456789abcdef";
constexpr std::string_view other_secret = "fedcba9876543210fedcba9876543210";

lightjwt::hmac_key key_of(std::string_view s) {
  auto k = lightjwt::hmac_key::from_bytes(lightjwt::as_bytes(s));
  REQUIRE(k.has_value());
  return *k;
}

/// Builds header.payload.signature from raw JSON texts, byte for byte: the encoder would refuse
/// the hostile ones, so these tokens are assembled by hand and MACed with `key`.
std::string make_token(std::string_view header, std::string_view payload,
                       std::string_view key = secret) {
  std::string t = lightjwt::base64url::encode(header) + "." + lightjwt::base64url::encode(payload);
  auto ctx = hs256::sign_context::create(key_of(key));
  REQUIRE(ctx.has_value());
  unsigned char mac[hs256::max_signature_size] = {};
  auto n = ctx->sign(lightjwt::as_bytes(std::string_view(t)), lightjwt::mutable_bytes(mac));
  REQUIRE(n.has_value());
  return t + "." + lightjwt::base64url::encode(lightjwt::bytes_view(mac, *n));
}

std::string hs_token(std::string_view payload) {
  return make_token(R"({"alg":"HS256","typ":"JWT"})", payload);
}

lightjwt::verifier<hs256> make_verifier() {
  lightjwt::verifier<hs256>::builder b;
  b.key(hs256{}, key_of(secret)).ignore_audience();
  auto v = b.build();
  REQUIRE(v.has_value());
  return std::move(*v);
}

std::error_code code(errc e) { return lightjwt::make_error_code(e); }

}  // namespace

TEST_CASE("a valid token verifies and its DOMs build without exceptions", "[noexceptions]") {
  const auto v = make_verifier();
  const auto r = v.verify_at(
      hs_token(R"({"sub":"alice","exp":1700000600,"n":42,"admin":true,"x":{"y":[1,"\u0000"]}})"),
      now);
  REQUIRE(r.has_value());
  CHECK(r->sub() == std::string_view("alice"));
  CHECK(r->exp() == std::int64_t{1700000600});

  const auto claims = r->claims_json();
  REQUIRE(claims.has_value());
  CHECK(claims->is_object());
  const auto sub = claims->find("sub");
  REQUIRE(sub != claims->end());
  REQUIRE(sub->is_string());
  CHECK(*sub->get_ptr<const std::string*>() == "alice");

  const auto header = r->header_dom();
  REQUIRE(header.has_value());
  const auto alg = header->find("alg");
  REQUIRE(alg != header->end());
  CHECK(alg->is_string());

  const auto s = r->get_string("sub");
  REQUIRE(s.has_value());
  CHECK(*s == "alice");
  const auto n = r->get_int64("n");
  REQUIRE(n.has_value());
  CHECK(*n == 42);
  const auto admin = r->get_bool("admin");
  REQUIRE(admin.has_value());
  CHECK(*admin);
}

TEST_CASE("a bad signature is invalid_signature", "[noexceptions]") {
  const auto v = make_verifier();
  const std::string t =
      make_token(R"({"alg":"HS256"})", R"({"sub":"a","exp":1700000600})", other_secret);
  CHECK(v.verify_at(t, now).error() == code(errc::invalid_signature));
  // A signature of the wrong length never reaches the MAC comparison.
  const std::string good = hs_token(R"({"exp":1700000600})");
  CHECK(v.verify_at(good.substr(0, good.size() - 4), now).error() == code(errc::invalid_signature));
}

TEST_CASE("malformed tokens are malformed_token", "[noexceptions]") {
  const auto v = make_verifier();
  const std::string good = hs_token(R"({"exp":1700000600})");
  for (const std::string& t :
       {std::string(""), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"),
        std::string(".."), good + "=", good.substr(0, 4) + "+" + good.substr(5),
        make_token("not json", R"({"exp":1700000600})"), make_token(R"({"alg":"HS256"})", "[]"),
        make_token(R"({"alg":"HS256"})", R"({"exp":1700000600,})"),
        make_token(R"({"alg":"HS256"})", R"({"exp":1e400})")}) {
    INFO(t);
    const auto r = v.verify_at(t, now);
    CHECK_FALSE(r.has_value());
    CHECK(r.error() == code(errc::malformed_token));
    CHECK(lightjwt::decode_unverified(t).error() == code(errc::malformed_token));
  }
}

TEST_CASE("an expired token is token_expired", "[noexceptions]") {
  const auto v = make_verifier();
  CHECK(v.verify_at(hs_token(R"({"exp":1700000000})"), now).error() == code(errc::token_expired));
  CHECK(v.verify_at(hs_token(R"({"sub":"a"})"), now).error() == code(errc::missing_claim));
}

TEST_CASE("registered claims of the wrong JSON type are invalid_claim_type", "[noexceptions]") {
  const auto v = make_verifier();
  for (const char* payload : {
           R"({"exp":"x"})",
           R"({"exp":1700000600,"aud":{}})",
           R"({"exp":1700000600,"aud":[1]})",
           R"({"exp":1700000600,"iss":[1]})",
           R"({"exp":1700000600,"sub":null})",
           R"({"exp":1700000600,"jti":true})",
           R"({"exp":1700000600,"nbf":"0"})",
           R"({"exp":1700000600,"iat":[]})",
           R"({"exp":-1})",
           R"({"exp":1e300})",
           R"({"exp":1700000600,"sub":"a\u0000b"})",
       }) {
    INFO(payload);
    CHECK(v.verify_at(hs_token(payload), now).error() == code(errc::invalid_claim_type));
    CHECK(lightjwt::decode_unverified(hs_token(payload)).error() == code(errc::invalid_claim_type));
  }
}

TEST_CASE("hostile header parameters are refused with their codes", "[noexceptions]") {
  const auto v = make_verifier();
  const char* payload = R"({"exp":1700000600})";
  CHECK(v.verify_at(make_token(R"({"alg":1})", payload), now).error() ==
        code(errc::invalid_header));
  CHECK(v.verify_at(make_token(R"({"typ":"JWT"})", payload), now).error() ==
        code(errc::invalid_header));
  CHECK(v.verify_at(make_token(R"({"alg":"none"})", payload), now).error() ==
        code(errc::algorithm_not_allowed));
  CHECK(v.verify_at(make_token(R"({"alg":"HS256","kid":{}})", payload), now).error() ==
        code(errc::invalid_header));
  CHECK(v.verify_at(make_token(R"({"alg":"HS256","crit":["x"],"x":1})", payload), now).error() ==
        code(errc::unsupported_critical_header));
}

TEST_CASE("JSON-9: with exceptions off, claim accessors return codes for mistyped claims",
          "[noexceptions][security]") {
  const auto v = make_verifier();
  const auto r = v.verify_at(hs_token(R"({"exp":1700000600,"name":123,"count":"7","flag":"true",)"
                                      R"("frac":1.5,"sci":1e3,"huge":9223372036854775808,)"
                                      R"("nul":null,"obj":{"a":1},"arr":[true]})"),
                             now);
  REQUIRE(r.has_value());
  CHECK(r->get_string("name").error() == code(errc::invalid_claim_type));
  CHECK(r->get_string("obj").error() == code(errc::invalid_claim_type));
  CHECK(r->get_string("nul").error() == code(errc::invalid_claim_type));
  CHECK(r->get_int64("count").error() == code(errc::invalid_claim_type));
  CHECK(r->get_int64("frac").error() == code(errc::invalid_claim_type));
  CHECK(r->get_int64("sci").error() == code(errc::invalid_claim_type));
  CHECK(r->get_int64("huge").error() == code(errc::invalid_claim_type));
  CHECK(r->get_int64("arr").error() == code(errc::invalid_claim_type));
  CHECK(r->get_bool("flag").error() == code(errc::invalid_claim_type));
  CHECK(r->get_bool("count").error() == code(errc::invalid_claim_type));
  CHECK(r->get_bool("nul").error() == code(errc::invalid_claim_type));
  CHECK(r->get_string("missing").error() == code(errc::missing_claim));
  CHECK(r->get_int64("missing").error() == code(errc::missing_claim));
  CHECK(r->get_bool("missing").error() == code(errc::missing_claim));
  CHECK_FALSE(r->claim_equals("count", "8"));
  CHECK(r->claim_equals("count", "7"));

  // The DOM of the same claims builds, and is only read through type-checked calls.
  const auto claims = r->claims_json();
  REQUIRE(claims.has_value());
  const auto name = claims->find("name");
  REQUIRE(name != claims->end());
  CHECK_FALSE(name->is_string());
  CHECK(name->get_ptr<const std::string*>() == nullptr);
}

TEST_CASE("duplicate members are duplicate_member, escaped or not", "[noexceptions]") {
  const auto v = make_verifier();
  const char* payload = R"({"exp":1700000600})";
  for (const std::string& t : {
           hs_token(R"({"exp":1700000600,"sub":"a","sub":"b"})"),
           hs_token(R"({"exp":1700000600,"sub":"a","s\u0075b":"b"})"),
           hs_token(R"({"exp":1700000600,"x":{"k":1,"k":2}})"),
           make_token(R"({"alg":"HS256","alg":"none"})", payload),
           make_token(R"({"alg":"none","\u0061lg":"HS256"})", payload),
       }) {
    INFO(t);
    CHECK(v.verify_at(t, now).error() == code(errc::duplicate_member));
    CHECK(lightjwt::decode_unverified(t).error() == code(errc::duplicate_member));
  }
}

TEST_CASE("deep nesting is nesting_too_deep, also far beyond the limit", "[noexceptions]") {
  const auto v = make_verifier();
  for (const std::size_t depth : {std::size_t{16}, std::size_t{100}, std::size_t{3000}}) {
    INFO(depth);
    const std::string payload =
        R"({"exp":1700000600,"a":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    const std::string t = hs_token(payload);
    CHECK(v.verify_at(t, now).error() == code(errc::nesting_too_deep));
    CHECK(lightjwt::decode_unverified(t).error() == code(errc::nesting_too_deep));
  }
  // Unbalanced: the scanner stops at the limit, long before the end of the text.
  CHECK(v.verify_at(hs_token(R"({"exp":1700000600,"a":)" + std::string(8000, '[')), now).error() ==
        code(errc::nesting_too_deep));
}

TEST_CASE("invalid UTF-8 and oversized tokens return codes", "[noexceptions]") {
  const auto v = make_verifier();
  CHECK(v.verify_at(hs_token("{\"exp\":1700000600,\"s\":\"\xC0\xAF\"}"), now).error() ==
        code(errc::invalid_utf8));
  CHECK(v.verify_at(hs_token(R"({"exp":1700000600,"s":"\ud800"})"), now).error() ==
        code(errc::invalid_utf8));
  CHECK(v.verify_at(std::string(20000, 'a'), now).error() == code(errc::token_too_large));
}
