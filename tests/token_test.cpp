// Tests of the token types and the encode/verify round trip: output alphabet, round trips of random
// claim sets, the header the caller cannot control, and verified versus unverified types.
// SPDX-License-Identifier: MIT
#include <lightjwt/token.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs384;
using lightjwt::hs512;
using lightjwt::unverified_token;
using lightjwt::verified_token;
using json = nlohmann::json;

// ALG-10: an unverified token can never pass for a verified one, nor reach a claim predicate.
static_assert(!std::is_convertible_v<unverified_token, verified_token>);
static_assert(!std::is_convertible_v<const unverified_token&, const verified_token&>);
static_assert(!std::is_constructible_v<verified_token, const unverified_token&>);
static_assert(!std::is_convertible_v<verified_token, unverified_token>);
static_assert(!std::is_default_constructible_v<verified_token>);
static_assert(!std::is_invocable_v<lightjwt::claim_predicate, const unverified_token&>);
static_assert(std::is_invocable_v<lightjwt::claim_predicate, const verified_token&>);
static_assert(!std::is_base_of_v<verified_token, unverified_token>);
static_assert(!std::is_base_of_v<unverified_token, verified_token>);

// SYN-6: the caller's header options have no alg member; only the signer policy writes alg.
template <class T, class = void>
struct has_alg_member : std::false_type {};
template <class T>
struct has_alg_member<T, std::void_t<decltype(std::declval<T&>().alg)>> : std::true_type {};
static_assert(!has_alg_member<lightjwt::header_options>::value);

/// Makes random JSON values of bounded size from a fixed-seed generator.
class random_json {
 public:
  explicit random_json(std::uint32_t seed) : rng_(seed) {}

  /// A random claims set: registered claims of the right types plus random custom members.
  /// Registered strings never hold U+0000, which JSON-6 refuses in them.
  json claims() {
    json c = json::object();
    c["exp"] = test::now + pick(1, 100000);
    if (coin()) c["iss"] = text(20, false);
    if (coin()) c["sub"] = text(30, false);
    if (coin()) c["jti"] = text(16, false);
    if (coin()) c["nbf"] = test::now - pick(0, 1000);
    if (coin()) c["iat"] = test::now - pick(0, 1000);
    if (coin()) {
      if (coin()) {
        c["aud"] = text(10, false);
      } else {
        json a = json::array();
        for (int i = pick(0, 4); i > 0; --i) a.push_back(text(10, false));
        c["aud"] = a;
      }
    }
    for (int i = pick(0, 8); i > 0; --i) c["c_" + text(8)] = value(3);
    return c;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return pick(0, 1) == 1; }

  /// A valid UTF-8 string with quotes, backslashes, controls, BMP and astral code points.
  std::string text(int max_len, bool nul = true) {
    std::string s;
    for (int n = pick(0, max_len); n > 0; --n) {
      std::uint32_t cp = 0;
      switch (pick(0, 5)) {
      case 0: cp = static_cast<std::uint32_t>(pick(nul ? 0 : 1, 0x1F)); break;
      case 1: cp = static_cast<std::uint32_t>(pick(0, 1) == 0 ? '"' : '\\'); break;
      case 2: cp = static_cast<std::uint32_t>(pick(0x80, 0x7FF)); break;
      case 3:
        cp = static_cast<std::uint32_t>(pick(0x800, 0xFFFF));
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        break;
      case 4: cp = static_cast<std::uint32_t>(pick(0x10000, 0x10FFFF)); break;
      default: cp = static_cast<std::uint32_t>(pick(0x20, 0x7E)); break;
      }
      append_utf8(s, cp);
    }
    return s;
  }

  static void append_utf8(std::string& s, std::uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  json value(int depth) {
    switch (pick(0, depth > 0 ? 8 : 6)) {
    case 0: return nullptr;
    case 1: return coin();
    case 2: return std::uniform_int_distribution<std::int64_t>()(rng_);
    case 3: return std::uniform_int_distribution<std::uint64_t>()(rng_);
    case 4: return std::uniform_real_distribution<double>(-1e12, 1e12)(rng_);
    case 5:
      return std::ldexp(std::uniform_real_distribution<double>(0.5, 1.0)(rng_), pick(-900, 900));
    case 6: return text(24);
    case 7: {
      json a = json::array();
      for (int i = pick(0, 4); i > 0; --i) a.push_back(value(depth - 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = pick(0, 4); i > 0; --i) o[text(6)] = value(depth - 1);
      return o;
    }
    }
  }

  std::mt19937 rng_;
};

/// Returns true when `t` matches ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$. (Written out
/// because GCC 12 warns, as an error, inside std::regex.)
bool matches_compact_form(std::string_view t) {
  int segments = 1;
  std::size_t run = 0;
  for (const char c : t) {
    if (c == '.') {
      if (run == 0) return false;
      ++segments;
      run = 0;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-') {
      ++run;
    } else {
      return false;
    }
  }
  return segments == 3 && run > 0;
}

template <class S>
lightjwt::verifier<S> make_verifier(const lightjwt::hmac_key& k) {
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, k, "k").ignore_audience();
  auto v = b.build();
  REQUIRE(v.has_value());
  return std::move(*v);
}

}  // namespace

TEST_CASE("encoder output is three Base64URL segments and round-trips for random claim sets",
          "[token]") {
  // The oracle itself, on known inputs.
  CHECK(matches_compact_form("a.b.c"));
  CHECK(matches_compact_form("A-_.0.z9"));
  for (const char* bad : {"", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "a.b=.c", "a.b.c\n",
                          "a+.b.c", "a/.b.c", "a .b.c"}) {
    CHECK_FALSE(matches_compact_form(bad));
  }
  const auto k = test::test_key(11);
  const auto e256 = lightjwt::encoder<hs256>::create(k, "k").value();
  const auto e384 = lightjwt::encoder<hs384>::create(k, "k").value();
  const auto e512 = lightjwt::encoder<hs512>::create(k, "k").value();
  const auto v256 = make_verifier<hs256>(k);
  const auto v384 = make_verifier<hs384>(k);
  const auto v512 = make_verifier<hs512>(k);
  random_json gen(20240601);
  int verified = 0;
  for (int i = 0; i < 200; ++i) {
    const json c = gen.claims();
    INFO("iteration " << i << ": " << c.dump());
    const int alg = i % 3;
    const auto t = alg == 0 ? e256.sign(c) : alg == 1 ? e384.sign(c) : e512.sign(c);
    REQUIRE(t.has_value());
    CHECK(matches_compact_form(*t));
    const auto r = alg == 0   ? v256.verify_at(*t, test::now)
                   : alg == 1 ? v384.verify_at(*t, test::now)
                              : v512.verify_at(*t, test::now);
    REQUIRE(r.has_value());
    const auto dom = r->claims_json();
    REQUIRE(dom.has_value());
    CHECK(*dom == c);
    // The scanner's typed view agrees with the DOM on every registered claim.
    CHECK(r->exp() == c.at("exp").get<std::int64_t>());
    if (c.contains("iss")) CHECK(r->iss() == c.at("iss").get<std::string>());
    if (c.contains("sub")) CHECK(r->sub() == c.at("sub").get<std::string>());
    if (c.contains("jti")) CHECK(r->jti() == c.at("jti").get<std::string>());
    if (c.contains("aud")) {
      const json& a = c.at("aud");
      const std::size_t n = a.is_string() ? 1 : a.size();
      REQUIRE(r->aud().size() == n);
      for (std::size_t j = 0; j < n; ++j) {
        CHECK(r->aud()[j] == (a.is_string() ? a : a.at(j)).get<std::string>());
      }
    }
    // A one-byte change to the MAC is caught.
    const auto bad = test::corrupt_signature(*t, static_cast<std::size_t>(i) % 32);
    CHECK_ERROR(v256.verify_at(bad, test::now),
                alg == 0 ? errc::invalid_signature : errc::algorithm_not_allowed);
    ++verified;
  }
  CHECK(verified == 200);
}

TEST_CASE("the header never carries an alg chosen by the caller", "[token]") {
  const auto k = test::test_key(1);
  const auto enc = lightjwt::encoder<hs384>::create(k).value();
  const json c = {{"exp", test::now + 60}, {"alg", "none"}, {"typ", "x"}};
  const auto t = enc.sign(c);
  REQUIRE(t.has_value());
  const auto h = json::parse(test::unb64_text(test::split(*t).header));
  CHECK(h.at("alg") == "HS384");
  // Claims named like header parameters stay claims.
  const auto r = make_verifier<hs384>(k).verify_at(*t, test::now);
  REQUIRE(r.has_value());
  CHECK(r->alg() == "HS384");
  CHECK(r->typ() == "JWT");
  CHECK(r->get_string("alg").value() == "none");
}

TEST_CASE("signing a non-object is invalid_argument and invalid UTF-8 is invalid_utf8", "[token]") {
  const auto enc = lightjwt::encoder<hs256>::create(test::test_key(1)).value();
  CHECK_ERROR(enc.sign(json::array({json::object()})), errc::invalid_argument);
  CHECK_ERROR(enc.sign(json("{}")), errc::invalid_argument);
  CHECK_ERROR(enc.sign(json({{"exp", test::now}, {"name", "caf\xe9"}})), errc::invalid_utf8);
}

TEST_CASE("decode_unverified returns the header and payload of an encoded token", "[token]") {
  const auto k = test::test_key(1);
  lightjwt::header_options h;
  h.kid = "kid-7";
  h.typ = "at+jwt";
  const json c = {{"exp", test::now + 60}, {"sub", "s"}, {"aud", "a"}};
  const auto t = lightjwt::encoder<hs256>::create(k).value().sign(c, h);
  REQUIRE(t.has_value());
  const auto u = lightjwt::decode_unverified(*t);
  REQUIRE(u.has_value());
  CHECK(u->alg() == "HS256");
  CHECK(u->kid() == "kid-7");
  CHECK(u->typ() == "at+jwt");
  CHECK(u->sub() == "s");
  CHECK(u->aud().contains("a"));
  CHECK(json::parse(u->payload_json()) == c);
  CHECK(u->header_dom().value() == json({{"alg", "HS256"}, {"kid", "kid-7"}, {"typ", "at+jwt"}}));
}

TEST_CASE("a verified token keeps its views valid when copied or moved", "[token]") {
  const auto k = test::test_key(1);
  const auto v = make_verifier<hs256>(k);
  for (const std::size_t pad : {1U, 5000U}) {
    INFO("pad " << pad);
    const std::string token =
        test::make_token(k, R"({"alg":"HS256","kid":"k"})",
                         test::claims_text(R"("sub":"\u0073ub","aud":["x","y"],"pad":")" +
                                           std::string(pad, 'p') + "\""));
    auto r = v.verify_at(token, test::now);
    REQUIRE(r.has_value());
    const verified_token copy = *r;
    verified_token moved = std::move(*r);
    r = errc::malformed_token;
    for (const verified_token* t : {&copy, &std::as_const(moved)}) {
      CHECK(t->sub() == "sub");
      CHECK(t->aud()[1] == "y");
      CHECK(t->kid() == "k");
      CHECK(t->get_string("pad").value().size() == pad);
    }
  }
}

TEST_CASE("a failed verification returns no token, and asking for one throws the code", "[token]") {
  const auto k = test::test_key(1);
  const auto v = make_verifier<hs256>(k);
  const auto r = v.verify_at(test::make_token(k, R"({"alg":"HS256"})", R"({"exp":1})"), test::now);
  CHECK_ERROR(r, errc::token_expired);
  try {
    (void)r->sub();
    FAIL("no exception");
  } catch (const lightjwt::error& e) {
    CHECK(e.code() == errc::token_expired);
  }
}
