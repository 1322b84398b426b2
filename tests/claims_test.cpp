// Tests of the claim rules: time claims and their boundaries, iss, aud, sub, typ, cty, required
// claims, leeway limits, custom predicates and the typed claim accessors.
// SPDX-License-Identifier: MIT
#include <lightjwt/claims.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using hs256_verifier = lightjwt::verifier<hs256>;
using configure = std::function<void(hs256_verifier::builder&)>;

const lightjwt::hmac_key& key() {
  static const lightjwt::hmac_key k = test::test_key(1);
  return k;
}

/// A verifier with the test key and whatever `f` adds.
hs256_verifier make_verifier(const configure& f = {}) {
  hs256_verifier::builder b;
  b.key(hs256{}, key());
  if (f) f(b);
  auto r = b.build();
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// Signs an exact claims text with the test key and header {"alg":"HS256"}.
std::string token(std::string_view claims, std::string_view header = R"({"alg":"HS256"})") {
  return test::make_token(key(), header, claims);
}

std::string num(std::int64_t v) { return std::to_string(v); }

constexpr std::int64_t t0 = test::now;

}  // namespace

TEST_CASE(
    "exp is valid until the second before it and expired from exp on, with and without "
    "leeway",
    "[claims][rfc7519]") {
  const std::string tok = token(R"({"exp":)" + num(t0 + 100) + "}");
  const auto strict = make_verifier();
  CHECK_OK(strict.verify_at(tok, t0 + 99));
  CHECK_ERROR(strict.verify_at(tok, t0 + 100), errc::token_expired);
  CHECK_ERROR(strict.verify_at(tok, t0 + 101), errc::token_expired);

  const auto lenient = make_verifier([](auto& b) { b.leeway(std::chrono::seconds(60)); });
  CHECK_OK(lenient.verify_at(tok, t0 + 159));
  CHECK_ERROR(lenient.verify_at(tok, t0 + 160), errc::token_expired);
}

TEST_CASE("nbf is not yet valid before it and valid from nbf on, with and without leeway",
          "[claims][rfc7519]") {
  const std::string tok = token(R"({"exp":)" + num(t0 + 3600) + R"(,"nbf":)" + num(t0) + "}");
  const auto strict = make_verifier();
  CHECK_ERROR(strict.verify_at(tok, t0 - 1), errc::token_not_yet_valid);
  CHECK_OK(strict.verify_at(tok, t0));
  const auto lenient = make_verifier([](auto& b) { b.leeway(std::chrono::seconds(60)); });
  CHECK_OK(lenient.verify_at(tok, t0 - 60));
  CHECK_ERROR(lenient.verify_at(tok, t0 - 61), errc::token_not_yet_valid);
}

TEST_CASE("an iat in the future is token_not_yet_valid", "[claims][rfc7519]") {
  const auto strict = make_verifier();
  const auto at = [](std::int64_t iat) {
    return token(R"({"exp":)" + num(t0 + 3600) + R"(,"iat":)" + num(iat) + "}");
  };
  CHECK_OK(strict.verify_at(at(t0), t0));
  CHECK_OK(strict.verify_at(at(t0 - 1000), t0));
  CHECK_ERROR(strict.verify_at(at(t0 + 1), t0), errc::token_not_yet_valid);
  const auto lenient = make_verifier([](auto& b) { b.leeway(std::chrono::seconds(60)); });
  CHECK_OK(lenient.verify_at(at(t0 + 60), t0));
  CHECK_ERROR(lenient.verify_at(at(t0 + 61), t0), errc::token_not_yet_valid);
}

TEST_CASE("max_age refuses a token issued longer ago and requires iat", "[claims]") {
  const auto at = [](std::int64_t iat) {
    return token(R"({"exp":)" + num(t0 + 3600) + R"(,"iat":)" + num(iat) + "}");
  };
  const auto v = make_verifier([](auto& b) { b.max_age(std::chrono::seconds(3600)); });
  CHECK_OK(v.verify_at(at(t0 - 3600), t0));
  CHECK_ERROR(v.verify_at(at(t0 - 3601), t0), errc::token_expired);
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + num(t0 + 3600) + "}"), t0), errc::missing_claim);
  const auto lenient = make_verifier(
      [](auto& b) { b.max_age(std::chrono::seconds(3600)).leeway(std::chrono::seconds(60)); });
  CHECK_OK(lenient.verify_at(at(t0 - 3660), t0));
  CHECK_ERROR(lenient.verify_at(at(t0 - 3661), t0), errc::token_expired);
  // Without max_age, an old iat is fine.
  CHECK_OK(make_verifier().verify_at(at(0), t0));
}

TEST_CASE("fractional times round in the safe direction", "[claims][rfc7519]") {
  const auto v = make_verifier();
  const std::string exp = num(t0 + 3600);
  // exp rounds down: T+0.9 at T is expired.
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + num(t0) + ".9}"), t0), errc::token_expired);
  CHECK_OK(v.verify_at(token(R"({"exp":)" + num(t0) + ".9}"), t0 - 1));
  CHECK_OK(v.verify_at(token(R"({"exp":)" + num(t0 + 1) + ".5}"), t0));
  // nbf rounds up: T+0.1 at T is not yet valid.
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,"nbf":)" + num(t0) + ".1}"), t0),
              errc::token_not_yet_valid);
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"nbf":)" + num(t0) + ".1}"), t0 + 1));
  // iat rounds up as well.
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,"iat":)" + num(t0) + ".1}"), t0),
              errc::token_not_yet_valid);
  // Exponent forms are numbers like any other.
  const auto ok = v.verify_at(token(R"({"exp":1.7000036E9})"), t0);
  REQUIRE(ok.has_value());
  CHECK(ok->exp() == 1700003600);
}

TEST_CASE("exp, nbf and iat of a non-number type are invalid_claim_type", "[claims][rfc7519]") {
  const auto v = make_verifier();
  const std::string exp = num(t0 + 3600);
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const char* value :
         {R"("9999999999")", "true", "false", "null", "[1]", "{}", R"({"exp":1})", R"("")"}) {
      INFO(claim << " = " << value);
      const std::string c = std::string(claim) == "exp"
                                ? R"({"exp":)" + std::string(value) + "}"
                                : R"({"exp":)" + exp + ",\"" + claim + "\":" + value + "}";
      CHECK_ERROR(v.verify_at(token(c), t0), errc::invalid_claim_type);
    }
  }
  // The control: the same shape with a number verifies.
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"nbf":1,"iat":1})"), t0));
}

TEST_CASE("NumericDates outside [0, 253402300799] are invalid_claim_type", "[claims][rfc7519]") {
  const auto v = make_verifier();
  const std::string exp = num(t0 + 3600);
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const char* value :
         {"-1", "-0.5", "253402300800", "253402300799.5", "1e19", "1e300", "-1e300",
          "9223372036854775807", "9223372036854775808", "18446744073709551616"}) {
      INFO(claim << " = " << value);
      const std::string c = std::string(claim) == "exp"
                                ? R"({"exp":)" + std::string(value) + "}"
                                : R"({"exp":)" + exp + ",\"" + claim + "\":" + value + "}";
      CHECK_ERROR(v.verify_at(token(c), t0), errc::invalid_claim_type);
    }
  }
  // The bounds themselves are NumericDates.
  CHECK_OK(v.verify_at(token(R"({"exp":253402300799})"), t0));
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"nbf":0,"iat":0})"), t0));
  CHECK_ERROR(v.verify_at(token(R"({"exp":0})"), t0), errc::token_expired);
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,"nbf":253402300799})"), t0),
              errc::token_not_yet_valid);
  // Beyond a double, the JSON itself is refused (JSON-7), not the claim.
  CHECK_ERROR(v.verify_at(token(R"({"exp":1e400})"), t0), errc::malformed_token);
}

TEST_CASE("a missing exp is missing_claim unless allow_missing_exp is set", "[claims]") {
  const std::string tok = token(R"({"sub":"x"})");
  CHECK_ERROR(make_verifier().verify_at(tok, t0), errc::missing_claim);
  const auto relaxed = make_verifier([](auto& b) { b.allow_missing_exp(); });
  CHECK_OK(relaxed.verify_at(tok, t0));
  CHECK_OK(relaxed.verify_at(token("{}"), t0));
  // The opt-out does not make a present exp optional.
  CHECK_ERROR(relaxed.verify_at(token(R"({"exp":)" + num(t0) + "}"), t0), errc::token_expired);
}

TEST_CASE("required claims must be present", "[claims]") {
  const auto v = make_verifier([](auto& b) { b.require("jti").require("role"); });
  CHECK_OK(v.verify_at(token(test::claims_text(R"("jti":"1","role":"admin")")), t0));
  CHECK_ERROR(v.verify_at(token(test::claims_text(R"("role":"admin")")), t0), errc::missing_claim);
  CHECK_ERROR(v.verify_at(token(test::claims_text(R"("jti":"1")")), t0), errc::missing_claim);
  // A nested member of that name does not count.
  CHECK_ERROR(v.verify_at(token(test::claims_text(R"("jti":"1","x":{"role":"admin"})")), t0),
              errc::missing_claim);
  // null is present: presence is checked, the value is the application's business.
  CHECK_OK(v.verify_at(token(test::claims_text(R"("jti":"1","role":null)")), t0));
  // Configured issuer, audience and subject make their claims required too.
  CHECK_ERROR(
      make_verifier([](auto& b) { b.issuer("i"); }).verify_at(token(test::claims_text()), t0),
      errc::missing_claim);
  CHECK_ERROR(
      make_verifier([](auto& b) { b.audience("a"); }).verify_at(token(test::claims_text()), t0),
      errc::missing_claim);
  CHECK_ERROR(
      make_verifier([](auto& b) { b.subject("s"); }).verify_at(token(test::claims_text()), t0),
      errc::missing_claim);
}

TEST_CASE("iss must equal the expected issuer exactly", "[claims][rfc7519]") {
  const auto v = make_verifier([](auto& b) { b.issuer("https://idp.example"); });
  CHECK_OK(v.verify_at(token(test::claims_text(R"("iss":"https://idp.example")")), t0));
  for (const char* near_miss :
       {"HTTPS://IDP.EXAMPLE", "https://IDP.example", "https://idp.exampl", "ttps://idp.example",
        "https://idp.example.com", "xhttps://idp.example", "https://idp.example/",
        "https://idp.example ", " https://idp.example", "https://idp.example\\u0000", ""}) {
    INFO("iss " << near_miss);
    const std::string c = test::claims_text(R"("iss":")" + std::string(near_miss) + "\"");
    const auto r = v.verify_at(token(c), t0);
    // U+0000 in iss is refused as a type error (JSON-6); every other spelling is another issuer.
    CHECK_ERROR(r, std::string_view(near_miss).find("\\u0000") != std::string_view::npos
                       ? errc::invalid_claim_type
                       : errc::invalid_issuer);
  }
  // Substrings either way.
  const auto abc = make_verifier([](auto& b) { b.issuer("_abc_"); });
  CHECK_OK(abc.verify_at(token(test::claims_text(R"("iss":"_abc_")")), t0));
  CHECK_ERROR(abc.verify_at(token(test::claims_text(R"("iss":"__abc__")")), t0),
              errc::invalid_issuer);
  CHECK_ERROR(abc.verify_at(token(test::claims_text(R"("iss":"abc")")), t0), errc::invalid_issuer);
  // Not a string.
  for (const char* shape : {R"(["https://idp.example"])", "1", "true", "null", "{}"}) {
    INFO("iss " << shape);
    CHECK_ERROR(v.verify_at(token(test::claims_text(std::string(R"("iss":)") + shape)), t0),
                errc::invalid_claim_type);
  }
  // Escapes are resolved before the comparison (RFC 7519 §7.3).
  CHECK_OK(v.verify_at(token(test::claims_text(R"("iss":"https:\/\/idp.example")")), t0));
  CHECK_OK(v.verify_at(token(test::claims_text(R"("iss":"\u0068ttps://idp.example")")), t0));
  const auto short_idp = make_verifier([](auto& b) { b.issuer("https://idp"); });
  CHECK_OK(short_idp.verify_at(token(test::claims_text(R"("iss":"https:\/\/idp")")), t0));
  // Several accepted issuers.
  const auto two = make_verifier([](auto& b) { b.issuer("a").issuer("b"); });
  CHECK_OK(two.verify_at(token(test::claims_text(R"("iss":"b")")), t0));
  CHECK_ERROR(two.verify_at(token(test::claims_text(R"("iss":"c")")), t0), errc::invalid_issuer);
}

TEST_CASE("aud shapes against expected audiences", "[claims][rfc7519]") {
  struct row {
    const char* aud;
    errc one;  // expecting "api"
    errc two;  // expecting "api" or "web"
  };
  constexpr errc ok{};
  const row rows[] = {
      {R"("api")", ok, ok},
      {R"("web")", errc::invalid_audience, ok},
      {R"("api2")", errc::invalid_audience, errc::invalid_audience},
      {R"("ap")", errc::invalid_audience, errc::invalid_audience},
      {R"("API")", errc::invalid_audience, errc::invalid_audience},
      {R"("api web")", errc::invalid_audience, errc::invalid_audience},
      {R"(["api"])", ok, ok},
      {R"(["x","api"])", ok, ok},
      {R"(["x","web"])", errc::invalid_audience, ok},
      {R"(["x"])", errc::invalid_audience, errc::invalid_audience},
      {R"(["apix","xapi"])", errc::invalid_audience, errc::invalid_audience},
      {R"([])", errc::invalid_audience, errc::invalid_audience},
      {R"("")", errc::invalid_audience, errc::invalid_audience},
      {R"(["\u0061pi"])", ok, ok},
      {"null", errc::invalid_claim_type, errc::invalid_claim_type},
      {"1", errc::invalid_claim_type, errc::invalid_claim_type},
      {"true", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"({"aud":"api"})", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"(["api",1])", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"(["api",null])", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"([["api"]])", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"([{"a":"api"}])", errc::invalid_claim_type, errc::invalid_claim_type},
      {R"(["ap\u0000i"])", errc::invalid_claim_type, errc::invalid_claim_type},
  };
  const auto one = make_verifier([](auto& b) { b.audience("api"); });
  const auto two = make_verifier([](auto& b) { b.audience("api").audience("web"); });
  for (const auto& r : rows) {
    INFO("aud " << r.aud);
    const std::string tok = token(test::claims_text(std::string(R"("aud":)") + r.aud));
    const auto a = one.verify_at(tok, t0);
    CHECK(a.error() == test::code(r.one));
    CHECK(a.has_value() == (r.one == ok));
    const auto b = two.verify_at(tok, t0);
    CHECK(b.error() == test::code(r.two));
    CHECK(b.has_value() == (r.two == ok));
  }
  // The accessor lists every audience.
  const auto r = two.verify_at(token(test::claims_text(R"("aud":["x","web"])")), t0);
  REQUIRE(r.has_value());
  REQUIRE(r->aud().size() == 2);
  CHECK(r->aud()[0] == "x");
  CHECK(r->aud()[1] == "web");
  CHECK(r->aud().contains("web"));
  CHECK_FALSE(r->aud().contains("we"));
}

TEST_CASE(
    "an aud without a configured audience is invalid_audience unless ignore_audience is "
    "set",
    "[claims][rfc7519]") {
  const auto strict = make_verifier();
  const auto ignoring = make_verifier([](auto& b) { b.ignore_audience(); });
  for (const char* aud : {R"("api")", R"(["api"])", "[]"}) {
    INFO("aud " << aud);
    const std::string tok = token(test::claims_text(std::string(R"("aud":)") + aud));
    CHECK_ERROR(strict.verify_at(tok, t0), errc::invalid_audience);
    CHECK_OK(ignoring.verify_at(tok, t0));
  }
  CHECK_OK(strict.verify_at(token(test::claims_text()), t0));
  // Ignoring the audience does not make a malformed one acceptable.
  CHECK_ERROR(ignoring.verify_at(token(test::claims_text(R"("aud":1)")), t0),
              errc::invalid_claim_type);
}

TEST_CASE("sub must equal the expected subject", "[claims][rfc7519]") {
  const auto v = make_verifier([](auto& b) { b.subject("user-1"); });
  CHECK_OK(v.verify_at(token(test::claims_text(R"("sub":"user-1")")), t0));
  CHECK_OK(v.verify_at(token(test::claims_text(R"("sub":"user\u002d1")")), t0));
  for (const char* sub : {"user-2", "user-10", "USER-1", "user-1 ", "user"}) {
    INFO("sub " << sub);
    CHECK_ERROR(v.verify_at(token(test::claims_text(R"("sub":")" + std::string(sub) + "\"")), t0),
                errc::invalid_subject);
  }
  CHECK_ERROR(v.verify_at(token(test::claims_text(R"("sub":["user-1"])")), t0),
              errc::invalid_claim_type);
  CHECK_ERROR(v.verify_at(token(test::claims_text(R"("sub":1)")), t0), errc::invalid_claim_type);
}

TEST_CASE("typ is compared as a media type", "[claims][rfc7515]") {
  const auto v = make_verifier([](auto& b) { b.type("at+jwt"); });
  const auto with_typ = [](std::string_view typ) {
    return token(test::claims_text(), R"({"alg":"HS256","typ":")" + std::string(typ) + "\"}");
  };
  for (const char* same : {"at+jwt", "AT+JWT", "At+Jwt", "application/at+jwt", "APPLICATION/AT+JWT",
                           "Application/at+JWT"}) {
    INFO("typ " << same);
    CHECK_OK(v.verify_at(with_typ(same), t0));
  }
  for (const char* other : {"at+jwt2", "at+jwt;v=1", "xat+jwt", "at+jwt ", " at+jwt", "at+jw",
                            "JWT", "jwt", "application/", "application/jwt", "text/at+jwt",
                            "application/application/at+jwt", "at jwt", ""}) {
    INFO("typ " << other);
    CHECK_ERROR(v.verify_at(with_typ(other), t0), errc::invalid_type);
  }
  CHECK_ERROR(v.verify_at(token(test::claims_text()), t0), errc::invalid_type);  // no typ
  // The expected type may itself carry the prefix.
  const auto prefixed = make_verifier([](auto& b) { b.type("application/at+jwt"); });
  CHECK_OK(prefixed.verify_at(with_typ("at+jwt"), t0));
  // A non-string typ is a malformed header, whatever the profile.
  CHECK_ERROR(v.verify_at(token(test::claims_text(), R"({"alg":"HS256","typ":1})"), t0),
              errc::invalid_header);
  // Without a configured type, any typ is accepted.
  CHECK_OK(make_verifier().verify_at(with_typ("anything"), t0));
}

TEST_CASE("cty JWT announces a nested token and is invalid_type", "[claims][rfc7519]") {
  const auto v = make_verifier();
  for (const char* cty : {"JWT", "jwt", "application/jwt", "APPLICATION/JWT"}) {
    INFO("cty " << cty);
    CHECK_ERROR(
        v.verify_at(
            token(test::claims_text(), R"({"alg":"HS256","cty":")" + std::string(cty) + "\"}"), t0),
        errc::invalid_type);
  }
  CHECK_OK(v.verify_at(token(test::claims_text(), R"({"alg":"HS256","cty":"json"})"), t0));
}

TEST_CASE("a leeway below 0 or above 300 s is insecure_configuration at build()", "[claims]") {
  const auto with_leeway = [](std::chrono::seconds s) {
    hs256_verifier::builder b;
    b.key(hs256{}, key()).leeway(s);
    return b.build().error();
  };
  CHECK(with_leeway(std::chrono::seconds(-1)) == errc::insecure_configuration);
  CHECK(with_leeway(std::chrono::seconds(301)) == errc::insecure_configuration);
  CHECK(with_leeway(std::chrono::seconds(std::numeric_limits<std::int64_t>::max())) ==
        errc::insecure_configuration);
  CHECK(with_leeway(std::chrono::seconds(std::numeric_limits<std::int64_t>::min())) ==
        errc::insecure_configuration);
  CHECK(with_leeway(std::chrono::seconds(300)) == std::error_code());
  CHECK(with_leeway(std::chrono::seconds(0)) == std::error_code());
  CHECK(lightjwt::max_leeway == std::chrono::seconds(300));
  const auto with_max_age = [](std::chrono::seconds s) {
    hs256_verifier::builder b;
    b.key(hs256{}, key()).max_age(s);
    return b.build().error();
  };
  CHECK(with_max_age(std::chrono::seconds(-1)) == errc::insecure_configuration);
  CHECK(with_max_age(lightjwt::max_max_age + std::chrono::seconds(1)) ==
        errc::insecure_configuration);
  CHECK(with_max_age(lightjwt::max_max_age) == std::error_code());
}

TEST_CASE("a custom predicate refuses with claim_rejected or its own code", "[claims]") {
  const auto admins_only = make_verifier([](auto& b) {
    b.predicate([](const lightjwt::verified_token& t) -> std::error_code {
      if (!t.claim_equals("role", "admin")) return lightjwt::errc::claim_rejected;
      return {};
    });
  });
  CHECK_OK(admins_only.verify_at(token(test::claims_text(R"("role":"admin")")), t0));
  CHECK_ERROR(admins_only.verify_at(token(test::claims_text(R"("role":"user")")), t0),
              errc::claim_rejected);
  // A mistyped claim (an array where a string was expected) gives a code, never an exception.
  CHECK_ERROR(admins_only.verify_at(token(test::claims_text(R"("role":["admin"])")), t0),
              errc::claim_rejected);
  CHECK_ERROR(admins_only.verify_at(token(test::claims_text()), t0), errc::claim_rejected);

  const auto own_code = make_verifier([](auto& b) {
    b.predicate([](const lightjwt::verified_token&) -> std::error_code {
      return std::make_error_code(std::errc::permission_denied);
    });
  });
  CHECK_ERROR(own_code.verify_at(token(test::claims_text()), t0),
              std::make_error_code(std::errc::permission_denied));
  // Predicates run last: an expired token is token_expired even when a predicate would refuse.
  CHECK_ERROR(admins_only.verify_at(token(R"({"exp":)" + num(t0) + "}"), t0), errc::token_expired);
  // Every predicate runs, in order; the first refusal wins.
  int calls = 0;
  const auto two = make_verifier([&calls](auto& b) {
    b.predicate([&calls](const lightjwt::verified_token&) -> std::error_code {
       ++calls;
       return {};
     }).predicate([&calls](const lightjwt::verified_token&) -> std::error_code {
      ++calls;
      return lightjwt::errc::claim_rejected;
    });
  });
  CHECK_ERROR(two.verify_at(token(test::claims_text()), t0), errc::claim_rejected);
  CHECK(calls == 2);
}

TEST_CASE("typed claim accessors return values, missing_claim or invalid_claim_type", "[claims]") {
  const auto v = make_verifier();
  const auto r = v.verify_at(
      token(test::claims_text(
          R"("name":"J\u00f6rg \"J\"","n":-42,"big":9223372036854775807,"over":9223372036854775808,)"
          R"("f":1.5,"e":1e2,"yes":true,"no":false,"nil":null,"arr":[1],"obj":{"k":"v"},)"
          R"("nul":"a\u0000b")")),
      t0);
  REQUIRE(r.has_value());
  const auto& t = *r;
  CHECK(t.get_string("name").value() == "J\xC3\xB6rg \"J\"");
  CHECK(t.get_string("nul").value() == std::string("a\0b", 3));
  CHECK(t.get_int64("n").value() == -42);
  CHECK(t.get_int64("big").value() == std::numeric_limits<std::int64_t>::max());
  CHECK(t.get_int64("exp").value() == t0 + 3600);
  CHECK(t.get_bool("yes").value());
  CHECK_FALSE(t.get_bool("no").value());

  CHECK_ERROR(t.get_string("absent"), errc::missing_claim);
  CHECK_ERROR(t.get_int64("absent"), errc::missing_claim);
  CHECK_ERROR(t.get_bool("absent"), errc::missing_claim);
  for (const char* name : {"n", "yes", "nil", "arr", "obj"}) {
    INFO(name);
    CHECK_ERROR(t.get_string(name), errc::invalid_claim_type);
  }
  for (const char* name : {"name", "over", "f", "e", "yes", "nil", "arr", "obj"}) {
    INFO(name);
    CHECK_ERROR(t.get_int64(name), errc::invalid_claim_type);
  }
  for (const char* name : {"name", "n", "nil", "arr"}) {
    INFO(name);
    CHECK_ERROR(t.get_bool(name), errc::invalid_claim_type);
  }
  CHECK(t.has_claim("nil"));
  CHECK(t.has_claim("exp"));
  CHECK_FALSE(t.has_claim("k"));  // nested members are not claims
  CHECK_FALSE(t.has_claim("absent"));
  CHECK(t.claim_equals("name", "J\xC3\xB6rg \"J\""));
  CHECK_FALSE(t.claim_equals("name", "J\xC3\xB6rg"));
  CHECK_FALSE(t.claim_equals("n", "-42"));  // a number is not the string "-42"
  CHECK_FALSE(t.claim_equals("absent", ""));
  CHECK(t.claim_equals("nul", std::string_view("a\0b", 3)));
  CHECK_FALSE(t.claim_equals("nul", "a"));
}

TEST_CASE("sub and jti of 256 bytes are accepted and 257 bytes are limit_exceeded", "[claims]") {
  const auto v = make_verifier();
  for (const char* claim : {"sub", "jti"}) {
    INFO(claim);
    const auto with = [&](std::size_t n) {
      return token(
          test::claims_text("\"" + std::string(claim) + "\":\"" + std::string(n, 'x') + "\""));
    };
    const auto ok = v.verify_at(with(256), t0);
    REQUIRE(ok.has_value());
    CHECK((std::string(claim) == "sub" ? ok->sub() : ok->jti())->size() == 256);
    CHECK_ERROR(v.verify_at(with(257), t0), errc::limit_exceeded);
    // The length is counted after unescaping: 256 escaped characters are 256 bytes.
    std::string escaped;
    for (int i = 0; i < 256; ++i) escaped += "\\u0078";
    CHECK_OK(v.verify_at(
        token(test::claims_text("\"" + std::string(claim) + "\":\"" + escaped + "\"")), t0));
  }
  // The limit is a setting.
  hs256_verifier::builder b;
  lightjwt::token_limits lim;
  lim.max_identifier_length = 8;
  b.key(hs256{}, key()).limits(lim);
  auto small = b.build();
  REQUIRE(small.has_value());
  CHECK_OK(small->verify_at(token(test::claims_text(R"("sub":"12345678")")), t0));
  CHECK_ERROR(small->verify_at(token(test::claims_text(R"("sub":"123456789")")), t0),
              errc::limit_exceeded);
}
