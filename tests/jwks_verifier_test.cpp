// Verifiers built from JWKs and JWK Sets: key binding (builder::key, builder::keys), kid
// selection, Wycheproof json_web_key_test.json, and a verify with 0 C++ heap allocations.
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/jwk.hpp>

#include "test_keys.hpp"
#define LIGHTJWT_TEST_COUNT_ALLOCATIONS
#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::jwk;
using lightjwt::jwk_access;
using lightjwt::jwk_set;

// Signs header.payload with S and the private key `k` (through the policy, not the encoder, so
// that any header can be made).
template <class S>
std::string sign_token(const lightjwt::private_key& k, const std::string& header,
                       const std::string& payload) {
  auto ctx = S::sign_context::create(k);
  REQUIRE(ctx);
  const std::string input = test::b64(header) + "." + test::b64(payload);
  std::vector<unsigned char> sig(ctx->signature_size());
  auto n = ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
  REQUIRE(n);
  sig.resize(*n);
  return input + "." + test::b64(sig);
}

std::string claims() { return R"({"sub":"alice","exp":)" + std::to_string(test::now + 600) + "}"; }

std::string header(std::string_view alg, std::string_view kid = {}) {
  nlohmann::json h = {{"alg", alg}};
  if (!kid.empty()) h["kid"] = kid;
  return h.dump();
}

// Key pairs generated once per process.
struct keys {
  lightjwt_test::key_pair ec_a = lightjwt_test::generate_pair("EC");
  lightjwt_test::key_pair ec_b = lightjwt_test::generate_pair("EC");
  lightjwt_test::key_pair rsa = lightjwt_test::generate_pair("RSA", 2048);
  lightjwt_test::key_pair ed = lightjwt_test::generate_pair("ED25519");
  lightjwt_test::key_pair attacker = lightjwt_test::generate_pair("EC");
};
const keys& k() {
  static const keys all;
  return all;
}

jwk public_jwk(const lightjwt::public_key& key, std::string kid, std::string alg = {}) {
  auto j = jwk::from_key(key, std::move(kid), std::move(alg));
  REQUIRE(j);
  return std::move(*j);
}

// Builds a public set through its JSON form, as a JWKS endpoint would serve it.
jwk_set public_set(const std::vector<jwk>& keys) {
  jwk_set s;
  for (const auto& key : keys) s.add(key);
  auto parsed = jwk_set::parse(s.to_json());
  REQUIRE(parsed);
  REQUIRE(parsed->keys().size() == keys.size());
  return std::move(*parsed);
}

using es_rs = lightjwt::verifier<lightjwt::es256, lightjwt::rs256, lightjwt::ps256>;

template <class V>
V build(typename V::builder& b) {
  auto v = b.build();
  REQUIRE(v.error() == std::error_code());
  return std::move(*v);
}

}  // namespace

TEST_CASE("a token's kid picks the key of a set, and a key from another kid does not verify",
          "[jwks_verifier][security]") {
  const auto set =
      public_set({public_jwk(k().ec_a.pub, "a", "ES256"), public_jwk(k().rsa.pub, "r", "RS256"),
                  public_jwk(k().ec_b.pub, "b", "ES256")});
  es_rs::builder b;
  b.keys(set);
  const es_rs v = build<es_rs>(b);
  CHECK_OK(v.verify_at(sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "a"), claims()),
                       test::now));
  CHECK_OK(v.verify_at(sign_token<lightjwt::es256>(k().ec_b.priv, header("ES256", "b"), claims()),
                       test::now));
  CHECK_OK(v.verify_at(sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256", "r"), claims()),
                       test::now));
  // Signed with b's key but naming a: a's key is used, and it does not verify.
  CHECK_ERROR(
      v.verify_at(sign_token<lightjwt::es256>(k().ec_b.priv, header("ES256", "a"), claims()),
                  test::now),
      errc::invalid_signature);
  // Unknown kid.
  CHECK_ERROR(
      v.verify_at(sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "zz"), claims()),
                  test::now),
      errc::key_not_found);
  // A header alg other than the key's bound alg.
  CHECK_ERROR(v.verify_at(sign_token<lightjwt::ps256>(k().rsa.priv, header("PS256", "r"), claims()),
                          test::now),
              errc::algorithm_not_allowed);
  CHECK_ERROR(v.verify_at(sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256", "a"), claims()),
                          test::now),
              errc::algorithm_not_allowed);
}

TEST_CASE("a token without kid is accepted only when exactly one key fits its alg",
          "[jwks_verifier][security]") {
  const std::string es = sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256"), claims());
  const std::string rs = sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256"), claims());
  {
    es_rs::builder b;
    b.keys(public_set({public_jwk(k().ec_a.pub, "a"), public_jwk(k().rsa.pub, "r", "RS256")}));
    const es_rs v = build<es_rs>(b);
    CHECK_OK(v.verify_at(es, test::now));
    CHECK_OK(v.verify_at(rs, test::now));
  }
  {
    es_rs::builder b;
    b.keys(public_set({public_jwk(k().ec_a.pub, "a"), public_jwk(k().ec_b.pub, "b")}));
    const es_rs v = build<es_rs>(b);
    CHECK_ERROR(v.verify_at(es, test::now), errc::key_not_found);
    CHECK_ERROR(v.verify_at(rs, test::now), errc::algorithm_not_allowed);  // no RS256 key
  }
}

TEST_CASE("jwk, jku, x5u and x5c header members are never used to find a key",
          "[jwks_verifier][security]") {
  es_rs::builder b;
  b.keys(public_set({public_jwk(k().ec_a.pub, "a", "ES256")}));
  const es_rs v = build<es_rs>(b);
  auto attacker_jwk = jwk::from_key(k().attacker.pub, "a", "ES256");
  REQUIRE(attacker_jwk);
  for (const bool with_kid : {true, false}) {
    nlohmann::json h = {{"alg", "ES256"},
                        {"jwk", nlohmann::json::parse(attacker_jwk->to_json())},
                        {"jku", "https://attacker.example/jwks.json"},
                        {"x5u", "https://attacker.example/cert.pem"},
                        {"x5c", {"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"}}};
    if (with_kid) h["kid"] = "a";
    INFO("kid: " << with_kid);
    const std::string forged = sign_token<lightjwt::es256>(k().attacker.priv, h.dump(), claims());
    CHECK_ERROR(v.verify_at(forged, test::now), errc::invalid_signature);
    // The same header signed with the set's key verifies: the members are merely ignored.
    const std::string genuine = sign_token<lightjwt::es256>(k().ec_a.priv, h.dump(), claims());
    CHECK_OK(v.verify_at(genuine, test::now));
  }
}

TEST_CASE("a JWK without alg is bound to the single algorithm of the allowlist that fits it",
          "[jwks_verifier][security]") {
  SECTION("EC P-256 with verifier<es256, rs256> binds ES256") {
    using V = lightjwt::verifier<lightjwt::es256, lightjwt::rs256>;
    V::builder b;
    b.key(public_jwk(k().ec_a.pub, "a"));
    const V v = build<V>(b);
    CHECK_OK(v.verify_at(sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "a"), claims()),
                         test::now));
    CHECK_ERROR(
        v.verify_at(sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256", "a"), claims()),
                    test::now),
        errc::algorithm_not_allowed);
  }
  SECTION("RSA with verifier<rs256, ps256> is insecure_configuration") {
    using V = lightjwt::verifier<lightjwt::rs256, lightjwt::ps256>;
    V::builder b;
    b.key(public_jwk(k().rsa.pub, "r"));
    CHECK_ERROR(b.build(), errc::insecure_configuration);
    V::builder with_alg;
    with_alg.key(public_jwk(k().rsa.pub, "r", "PS256"));
    const V v = build<V>(with_alg);
    CHECK_OK(v.verify_at(sign_token<lightjwt::ps256>(k().rsa.priv, header("PS256", "r"), claims()),
                         test::now));
    CHECK_ERROR(
        v.verify_at(sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256", "r"), claims()),
                    test::now),
        errc::algorithm_not_allowed);
  }
  SECTION("Ed25519 with verifier<eddsa, ed25519> is insecure_configuration") {
    using V = lightjwt::verifier<lightjwt::eddsa, lightjwt::ed25519>;
    V::builder b;
    b.key(public_jwk(k().ed.pub, "e"));
    CHECK_ERROR(b.build(), errc::insecure_configuration);
  }
  SECTION("a key no algorithm of the allowlist accepts is invalid_key") {
    using V = lightjwt::verifier<lightjwt::es384, lightjwt::rs256>;
    V::builder b;
    b.key(public_jwk(k().ec_a.pub, "a"));
    CHECK_ERROR(b.build(), errc::invalid_key);
  }
  SECTION("in a set, an entry without alg that no allowed algorithm accepts is left out") {
    using V = lightjwt::verifier<lightjwt::rs256>;
    V::builder b;
    b.keys(public_set({public_jwk(k().ec_a.pub, "a"), public_jwk(k().rsa.pub, "r")}));
    CHECK(b.keys_left_out() == 1);
    CHECK(b.build().has_value());
  }
  SECTION("oct keys: the hash length decides which HS algorithms fit") {
    using V = lightjwt::verifier<lightjwt::hs256, lightjwt::hs512>;
    const auto oct = [](std::size_t n) {
      auto hk = lightjwt::hmac_key::from_bytes(test::key_bytes(n));
      REQUIRE(hk);
      auto j = jwk::from_key(*hk, "h");
      REQUIRE(j);
      return std::move(*j);
    };
    V::builder b32;
    b32.key(oct(32));
    const V v = build<V>(b32);
    CHECK_OK(v.verify_at(test::make_token<lightjwt::hs256>(test::make_key(test::key_bytes(32)),
                                                           header("HS256", "h"), claims()),
                         test::now));
    V::builder b64;
    b64.key(oct(64));
    CHECK_ERROR(b64.build(), errc::insecure_configuration);
  }
}

TEST_CASE("builder::key refuses JWKs not meant for verification or for the allowlist",
          "[jwks_verifier][security]") {
  nlohmann::json base = nlohmann::json::parse(public_jwk(k().ec_a.pub, "a", "ES256").to_json());
  const auto bind = [](const nlohmann::json& j) {
    auto parsed = jwk::parse(j.dump());
    REQUIRE(parsed);
    es_rs::builder b;
    b.key(*parsed);
    return b.build().error();
  };
  CHECK(bind(base) == std::error_code());
  nlohmann::json enc = base;
  enc.erase("alg");
  enc["use"] = "enc";
  CHECK(bind(enc) == errc::invalid_key);
  nlohmann::json sign_only = base;
  sign_only["key_ops"] = {"sign"};
  CHECK(bind(sign_only) == errc::invalid_key);
  nlohmann::json es384 = nlohmann::json::parse(
      public_jwk(lightjwt_test::generate_pair("EC", 0, "P-384").pub, "c", "ES384").to_json());
  CHECK(bind(es384) == errc::algorithm_not_allowed);
  nlohmann::json private_name = base;
  private_name["alg"] = "ECDH-ES";
  CHECK(bind(private_name) == errc::algorithm_not_allowed);
}

TEST_CASE("builder::keys leaves out entries not for verification or outside the allowlist",
          "[jwks_verifier][security]") {
  nlohmann::json enc = nlohmann::json::parse(public_jwk(k().ec_b.pub, "enc-key").to_json());
  enc["use"] = "enc";
  nlohmann::json es384 = nlohmann::json::parse(
      public_jwk(lightjwt_test::generate_pair("EC", 0, "P-384").pub, "p384", "ES384").to_json());
  nlohmann::json ok = nlohmann::json::parse(public_jwk(k().ec_a.pub, "a").to_json());
  const nlohmann::json doc = {{"keys", {enc, es384, ok}}};
  auto set = jwk_set::parse(doc.dump());
  REQUIRE(set);
  es_rs::builder b;
  b.keys(*set);
  CHECK(b.keys_left_out() == 2);
  const es_rs v = build<es_rs>(b);
  CHECK_OK(v.verify_at(sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "a"), claims()),
                       test::now));
  CHECK_ERROR(
      v.verify_at(sign_token<lightjwt::es256>(k().ec_b.priv, header("ES256", "enc-key"), claims()),
                  test::now),
      errc::key_not_found);
  // A set that leaves nothing bound.
  auto none = jwk_set::parse(nlohmann::json({{"keys", {enc, es384}}}).dump());
  REQUIRE(none);
  es_rs::builder empty;
  empty.keys(*none);
  CHECK_ERROR(empty.build(), errc::key_not_found);
  es_rs::builder zero;
  zero.keys(jwk_set());
  CHECK_ERROR(zero.build(), errc::key_not_found);
  // An oct set loaded with allow_private binds HMAC keys.
  auto oct = jwk_set::parse(
      R"({"keys":[)" +
          test::load_json("jose-cookbook/jwk/3_5.symmetric_key_mac_computation.json").dump() + "]}",
      jwk_access::allow_private);
  REQUIRE(oct);
  using H = lightjwt::verifier<lightjwt::hs256, lightjwt::es256>;
  H::builder hb;
  hb.keys(*oct);
  const H hv = build<H>(hb);
  const auto secret = test::key_from_jwk(
      test::load_json("jose-cookbook/jwk/3_5.symmetric_key_mac_computation.json"));
  CHECK_OK(hv.verify_at(
      test::make_token(secret, header("HS256", "018c0ae5-4d9b-471b-bfd6-eef314bc7037"), claims()),
      test::now));
}

namespace {

// Wycheproof json_web_key_test.json: what the library answers instead of the upstream result,
// with the reason. Listed, counted and checked, never skipped.
struct deviation {
  bool accepted;
  const char* why;
};
const std::map<int, deviation>& jwk_deviations() {
  static const std::map<int, deviation> m = {
      // Upstream: invalid (rejectsKeyWithRocaVulnerability). lightjwt does not test RSA moduli
      // for the ROCA structure (CVE-2017-15361); the key is otherwise sound and its token
      // verifies. Known failure, documented in docs/api/jwk.md.
      {7, {true, "ROCA-vulnerable RSA modulus is not detected"}},
  };
  return m;
}

// The code each refused Wycheproof test gets, and where: a stable answer, not just "refused".
const std::map<int, errc>& jwk_expected_codes() {
  static const std::map<int, errc> m = {
      {1, errc::invalid_key},        // MixedKeySet: oct entry in a verification set (KEY-7)
      {3, errc::invalid_signature},  // modified signature
      {4, errc::invalid_key},        // DuplicateKid (KEY-8)
      {6, errc::key_not_found},      // use enc: left out, the set binds nothing (KEY-6)
      {8, errc::key_too_weak},       // 1024-bit RSA (KEY-3)
      {9, errc::invalid_key},        // e = 1 (KEY-4)
      {10, errc::key_too_weak},      // HS256 key of 31 bytes
      {11, errc::key_too_weak},      // HS384 key of 47 bytes
      {12, errc::key_too_weak},      // HS512 key of 63 bytes
      {16, errc::key_too_weak},      // empty HS256 key
      {17, errc::key_too_weak},      // empty HS384 key
      {18, errc::key_too_weak},      // empty HS512 key
      {19, errc::key_not_found},     // alg ES521 is no allowed algorithm: left out
      {20, errc::key_not_found},     // alg ES224 likewise
      {21, errc::invalid_key},       // use enc with alg ES256 (KEY-6)
      {22, errc::invalid_key},       // point off the curve
      {23, errc::invalid_key},       // P-256 coordinates under crv P-384
      {24, errc::invalid_key},       // kty RSA with EC members
      {25, errc::invalid_key},       // use sig with alg A256GCM (KEY-6)
      {26, errc::invalid_key},       // use sig with alg A256KW (KEY-6)
  };
  return m;
}

using all_algorithms =
    lightjwt::verifier<lightjwt::hs256, lightjwt::hs384, lightjwt::hs512, lightjwt::rs256,
                       lightjwt::rs384, lightjwt::rs512, lightjwt::ps256, lightjwt::ps384,
                       lightjwt::ps512, lightjwt::es256, lightjwt::es384, lightjwt::es512,
                       lightjwt::eddsa>;

bool all_oct(const nlohmann::json& set) {
  for (const auto& key : set.at("keys")) {
    if (key.value("kty", "") != "oct") return false;
  }
  return true;
}

}  // namespace

TEST_CASE("Wycheproof json_web_key vectors through jwk_set and the verifier",
          "[jwks_verifier][wycheproof]") {
  const auto doc = test::load_json("wycheproof/json_web_key_test.json");
  std::size_t tests = 0, valid = 0, valid_accepted = 0, invalid = 0, invalid_refused = 0;
  std::size_t deviations = 0, wrong = 0;
  for (const auto& group : doc.at("testGroups")) {
    // The public set where there is one; a private set only of oct keys (secrets have no public
    // form); any other private-only set is loaded as a verification set, as a JWKS would be.
    const bool use_public = group.contains("public");
    const nlohmann::json& set_doc = use_public ? group.at("public") : group.at("private");
    const jwk_access access =
        !use_public && all_oct(set_doc) ? jwk_access::allow_private : jwk_access::public_only;
    std::error_code load_error;
    std::optional<all_algorithms> v;
    auto set = jwk_set::parse(set_doc.dump(), access);
    if (!set) {
      load_error = set.error();
    } else {
      all_algorithms::builder b;
      b.allow_missing_exp().keys(*set);
      auto built = b.build();
      if (built) {
        v.emplace(std::move(*built));
      } else {
        load_error = built.error();
      }
    }
    for (const auto& test : group.at("tests")) {
      ++tests;
      const int id = test.at("tcId");
      const std::string jws = test.at("jws");
      const bool expect_valid = test.at("result") == "valid";
      INFO("tcId " << id << " (" << test.at("comment").get<std::string>() << ")");
      std::error_code ec = load_error;
      if (v) ec = v->verify_at(jws, 0).error();
      // The payload "foo" is no JWT: a token whose signature held fails after it with
      // malformed_token. Its twin with a corrupted signature must fail at the signature.
      bool accepted = false;
      if (v && (!ec || ec == errc::malformed_token)) {
        std::string twin = jws;
        const auto last = twin.rfind('.');
        twin[last + 1] = twin[last + 1] == 'A' ? 'B' : 'A';
        accepted = v->verify_at(twin, 0).error() == errc::invalid_signature;
      }
      const auto dev = jwk_deviations().find(id);
      bool right = false;
      if (dev != jwk_deviations().end()) {
        ++deviations;
        right = accepted == dev->second.accepted;
        WARN("Wycheproof json_web_key tcId "
             << id << ": upstream " << test.at("result").get<std::string>() << ", lightjwt "
             << (accepted ? "accepts" : "refuses") << " (documented deviation: " << dev->second.why
             << ")");
      } else if (expect_valid) {
        ++valid;
        right = accepted;
        valid_accepted += right ? 1U : 0U;
      } else {
        ++invalid;
        const auto code = jwk_expected_codes().find(id);
        REQUIRE(code != jwk_expected_codes().end());
        right = !accepted && ec == code->second;
        invalid_refused += right ? 1U : 0U;
      }
      if (!right) {
        ++wrong;
        FAIL_CHECK("got " << (ec ? ec.message() : std::string("success")));
      }
    }
  }
  CHECK(tests == doc.at("numberOfTests").get<std::size_t>());
  CHECK(deviations == jwk_deviations().size());
  CHECK(valid == 5);
  CHECK(invalid == 20);
  WARN("json_web_key_test.json: " << tests << " tests, " << valid_accepted << "/" << valid
                                  << " valid accepted, " << invalid_refused << "/" << invalid
                                  << " invalid refused with the expected code, " << deviations
                                  << " documented deviation (tcId 7, ROCA), wrong answers: "
                                  << wrong);
  REQUIRE(wrong == 0);
}

TEST_CASE("verify through a verifier built from a jwk_set makes no C++ heap allocation",
          "[jwks_verifier][alloc]") {
  const auto set =
      public_set({public_jwk(k().rsa.pub, "r", "RS256"), public_jwk(k().ec_b.pub, "b", "ES256"),
                  public_jwk(k().ec_a.pub, "a", "ES256"), public_jwk(k().ed.pub, "e", "EdDSA")});
  using V = lightjwt::verifier<lightjwt::rs256, lightjwt::es256, lightjwt::eddsa>;
  V::builder b;
  b.keys(set);
  const V v = build<V>(b);
  const std::string es = sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "a"), claims());
  const std::string rs = sign_token<lightjwt::rs256>(k().rsa.priv, header("RS256", "r"), claims());
  const std::string ed = sign_token<lightjwt::eddsa>(k().ed.priv, header("EdDSA", "e"), claims());
  const std::string unknown =
      sign_token<lightjwt::es256>(k().ec_a.priv, header("ES256", "nope"), claims());
  for (const auto& [token, want] : std::vector<std::pair<std::string, std::error_code>>{
           {es, {}}, {rs, {}}, {ed, {}}, {unknown, make_error_code(errc::key_not_found)}}) {
    REQUIRE(v.verify_at(token, test::now).error() == want);  // warm-up
    test::alloc::scope counter;
    const auto r = v.verify_at(token, test::now);
    const std::size_t n = counter.stop();
    CHECK(r.error() == want);
    CHECK(n == 0);
  }
}
