// Tests of encoder<>: the header it writes, the MAC it appends, what it refuses to sign, and that
// what it signs verifies.
// SPDX-License-Identifier: MIT
#include <lightjwt/encoder.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs384;
using lightjwt::hs512;
using json = nlohmann::json;

template <class S>
lightjwt::encoder<S> make_encoder(const lightjwt::hmac_key& k, std::string kid = {}) {
  auto e = lightjwt::encoder<S>::create(k, std::move(kid));
  REQUIRE(e.has_value());
  return std::move(*e);
}

template <class S>
lightjwt::verifier<S> make_verifier(const lightjwt::hmac_key& k) {
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, k).ignore_audience();
  auto v = b.build();
  REQUIRE(v.has_value());
  return std::move(*v);
}

json header_of(std::string_view token) {
  return json::parse(test::unb64_text(test::split(token).header));
}

std::string payload_of(std::string_view token) {
  return test::unb64_text(test::split(token).payload);
}

const json claims = {{"exp", test::now + 3600}, {"sub", "user-1"}, {"role", "admin"}};

}  // namespace

TEST_CASE("the encoder writes alg from its policy and typ JWT by default", "[encoder]") {
  const auto k = test::test_key(1);
  const auto t256 = make_encoder<hs256>(k).sign(claims);
  REQUIRE(t256.has_value());
  CHECK(header_of(*t256) == json({{"alg", "HS256"}, {"typ", "JWT"}}));
  CHECK(header_of(make_encoder<hs384>(k).sign(claims).value()) ==
        json({{"alg", "HS384"}, {"typ", "JWT"}}));
  CHECK(header_of(make_encoder<hs512>(k).sign(claims).value()) ==
        json({{"alg", "HS512"}, {"typ", "JWT"}}));
  // The claims are the object's compact dump.
  CHECK(payload_of(*t256) == claims.dump());
}

TEST_CASE("header options set typ, kid and cty, and none of them can set alg", "[encoder]") {
  const auto k = test::test_key(1);
  const auto enc = make_encoder<hs256>(k, "key-1");
  CHECK(header_of(enc.sign(claims).value()) ==
        json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "key-1"}}));
  lightjwt::header_options h;
  h.typ = "at+jwt";
  h.kid = "key-2";
  h.cty = "json";
  CHECK(header_of(enc.sign(claims, h).value()) ==
        json({{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "key-2"}, {"cty", "json"}}));
  lightjwt::header_options none;
  none.typ.clear();
  CHECK(header_of(make_encoder<hs256>(k).sign(claims, none).value()) == json({{"alg", "HS256"}}));
  // A typ or kid that tries to smuggle JSON stays one escaped string.
  lightjwt::header_options hostile;
  hostile.typ = R"(JWT","alg":"none)";
  const auto t = enc.sign(claims, hostile);
  REQUIRE(t.has_value());
  CHECK(header_of(*t).at("alg") == "HS256");
  CHECK(header_of(*t).at("typ") == R"(JWT","alg":"none)");
  CHECK_OK(make_verifier<hs256>(k).verify_at(*t, test::now));
}

TEST_CASE("the signature is the policy's MAC over the encoded header and payload", "[encoder]") {
  const auto k = test::test_key(4);
  const auto t = make_encoder<hs512>(k).sign(claims).value();
  const auto p = test::split(t);
  CHECK(p.signature == test::mac_b64<hs512>(k, p.header + "." + p.payload));
  CHECK(p.signature.size() == 86);
  // HMAC is deterministic: the same input signs to the same token.
  CHECK(make_encoder<hs512>(k).sign(claims).value() == t);
}

TEST_CASE("signing something that is not an object is invalid_argument", "[encoder]") {
  const auto enc = make_encoder<hs256>(test::test_key(1));
  for (const json& j : {json::array({1}), json("x"), json(1), json(nullptr), json(true), json(1.5),
                        json::array()}) {
    INFO(j.dump());
    CHECK_ERROR(enc.sign(j), errc::invalid_argument);
  }
  CHECK_OK(enc.sign(json::object()));
}

TEST_CASE("non-finite numbers are invalid_argument and invalid UTF-8 is invalid_utf8",
          "[encoder]") {
  const auto enc = make_encoder<hs256>(test::test_key(1));
  for (const double d : {std::nan(""), std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity()}) {
    CHECK_ERROR(enc.sign(json({{"exp", test::now}, {"x", d}})), errc::invalid_argument);
    CHECK_ERROR(enc.sign(json({{"x", json::array({1, d})}})), errc::invalid_argument);
  }
  for (const char* bad :
       {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"}) {
    INFO("bytes " << bad);
    CHECK_ERROR(enc.sign(json({{"sub", bad}})), errc::invalid_utf8);
    CHECK_ERROR(enc.sign(json({{bad, 1}})), errc::invalid_utf8);
    CHECK_ERROR(enc.sign(json({{"x", {{"y", json::array({"ok", bad})}}}})), errc::invalid_utf8);
    lightjwt::header_options h;
    h.kid = bad;
    CHECK_ERROR(enc.sign(claims, h), errc::invalid_utf8);
  }
  CHECK_OK(enc.sign(json({{"sub", "\xf0\x9f\x98\x80 \xc3\xa9"}})));
}

TEST_CASE("sign_json signs the caller's bytes exactly after the verifier's strict checks",
          "[encoder]") {
  const auto k = test::test_key(1);
  const auto enc = make_encoder<hs256>(k);
  const std::string text =
      "{ \"exp\" : " + std::to_string(test::now + 60) + ",\n\t\"sub\":\"a\\u0062c\" }";
  const auto t = enc.sign_json(text);
  REQUIRE(t.has_value());
  CHECK(payload_of(*t) == text);
  const auto v = make_verifier<hs256>(k).verify_at(*t, test::now);
  REQUIRE(v.has_value());
  CHECK(v->sub() == "abc");

  CHECK_ERROR(enc.sign_json(R"({"a":1,"a":2})"), errc::duplicate_member);
  CHECK_ERROR(enc.sign_json(R"({"a":1,"\u0061":2})"), errc::duplicate_member);
  CHECK_ERROR(enc.sign_json(R"({"a":1,})"), errc::malformed_token);
  CHECK_ERROR(enc.sign_json("\xEF\xBB\xBF{}"), errc::malformed_token);
  CHECK_ERROR(enc.sign_json("{\"a\":\"\xff\"}"), errc::invalid_utf8);
  CHECK_ERROR(enc.sign_json("[]"), errc::malformed_token);
  CHECK_ERROR(enc.sign_json(""), errc::malformed_token);
  std::string deep = R"({"a":)";
  for (int i = 0; i < 16; ++i) deep += "[";
  for (int i = 0; i < 16; ++i) deep += "]";
  CHECK_ERROR(enc.sign_json(deep + "}"), errc::nesting_too_deep);
  CHECK_ERROR(enc.sign(json::parse(deep + "}")), errc::nesting_too_deep);
}

TEST_CASE("every token the encoder signs verifies, for each HS algorithm", "[encoder]") {
  const auto k = test::test_key(7);
  const json c = {{"exp", test::now + 60},
                  {"iss", "https://idp.example"},
                  {"aud", json::array({"a", "b"})},
                  {"n", -1},
                  {"f", 0.1},
                  {"u", "\xe2\x82\xac \\ \" \n"}};
  const auto check = [&](auto s) {
    using S = decltype(s);
    const auto t = make_encoder<S>(k, "kid-1").sign(c);
    REQUIRE(t.has_value());
    const auto r = make_verifier<S>(k).verify_at(*t, test::now);
    REQUIRE(r.has_value());
    CHECK(r->alg() == S::name);
    CHECK(r->kid() == "kid-1");
    CHECK(r->claims_json().value() == c);
  };
  check(hs256{});
  check(hs384{});
  check(hs512{});
}

TEST_CASE("the encoder refuses claims that the default verifier limits would refuse",
          "[encoder][security]") {
  // encoder::sign documents "the verifier's codes when the result would break the default
  // limits (so that every token verifies, SYN-6)".
  const auto k = test::test_key(1);
  const auto enc = make_encoder<hs256>(k);
  CHECK_OK(enc.sign(json({{"exp", test::now + 60}, {"sub", std::string(256, 's')}})));
  CHECK_ERROR(enc.sign(json({{"exp", test::now + 60}, {"sub", std::string(257, 's')}})),
              errc::limit_exceeded);
  CHECK_ERROR(enc.sign(json({{"exp", test::now + 60}, {"jti", std::string(257, 'j')}})),
              errc::limit_exceeded);
  lightjwt::header_options h;
  h.kid = std::string(257, 'k');
  CHECK_ERROR(enc.sign(claims, h), errc::limit_exceeded);
  CHECK_ERROR(enc.sign(json({{"exp", test::now + 60}, {"pad", std::string(16 * 1024, 'p')}})),
              errc::token_too_large);
}
