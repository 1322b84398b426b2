// The security catalogue (SECURITY-CATALOG.md) rows of JWKs and JWK Sets: JSON-1 (duplicate
// members), KEY-6 (use and metadata), KEY-7 (private keys in a verification set), KEY-8
// (ambiguous keys) and RES-6 (hostile JWKS limits). One test case per row, named by its ID.
// SPDX-License-Identifier: MIT
#include <lightjwt/jwk.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/verifier.hpp>

#include "../test_keys.hpp"
#include "../test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::jwk;
using lightjwt::jwk_access;
using lightjwt::jwk_limits;
using lightjwt::jwk_set;

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

const lightjwt_test::key_pair& ec_pair() {
  static const auto p = lightjwt_test::generate_pair("EC");
  return p;
}

nlohmann::json ec_public(const std::string& kid) {
  auto j = jwk::from_key(ec_pair().pub, kid);
  REQUIRE(j);
  return nlohmann::json::parse(j->to_json());
}

nlohmann::json wycheproof_group(int tc_id) {
  static const auto doc = test::load_json("wycheproof/json_web_key_test.json");
  for (const auto& g : doc.at("testGroups")) {
    if (g.at("tests").at(0).at("tcId") == tc_id) return g;
  }
  FAIL("no Wycheproof json_web_key group with tcId " << tc_id);
  return {};
}

// Returns a JWKS document of exactly `size` bytes: `keys` plus a "pad" member that fills it.
std::string document_of_size(const nlohmann::json& keys, std::size_t size) {
  const std::string head = R"({"keys":)" + keys.dump() + R"(,"pad":")";
  REQUIRE(size >= head.size() + 2);
  return head + std::string(size - head.size() - 2, 'a') + "\"}";
}

using es_verifier = lightjwt::verifier<lightjwt::es256, lightjwt::rs256>;

}  // namespace

TEST_CASE(
    "JSON-1: a JWK with two k members and duplicates anywhere in a JWK Set are "
    "duplicate_member",
    "[security][jwk]") {
  const std::string k = test::b64(test::key_bytes(32));
  CHECK_ERROR(jwk::parse(R"({"kty":"oct","k":")" + k + R"(","k":")" + k + R"("})",
                         jwk_access::allow_private),
              errc::duplicate_member);
  // Different values under one name: nlohmann would keep the last; we refuse both.
  const std::string other = test::b64(test::key_bytes(32, 2));
  CHECK_ERROR(jwk::parse(R"({"kty":"oct","k":")" + k + R"(","k":")" + other + R"("})",
                         jwk_access::allow_private),
              errc::duplicate_member);
  // Escaped spelling of the same name.
  CHECK_ERROR(jwk::parse(R"({"kty":"oct","k":")" + k + R"(","\u006b":")" + k + R"("})",
                         jwk_access::allow_private),
              errc::duplicate_member);
  const std::string ec = ec_public("a").dump();
  // A duplicate in a nested, otherwise ignored member.
  std::string nested = ec;
  nested.insert(1, R"("ext":{"z":{"a":1,"a":2}},)");
  CHECK_ERROR(jwk::parse(nested), errc::duplicate_member);
  // In a set: the keys member twice, and a duplicate kid member inside one entry.
  CHECK_ERROR(jwk_set::parse(R"({"keys":[)" + ec + R"(],"keys":[]})"), errc::duplicate_member);
  std::string entry = ec;
  entry.insert(1, R"("kid":"b",)");
  CHECK_ERROR(jwk_set::parse(R"({"keys":[)" + entry + "]}"), errc::duplicate_member);
  // The document check comes first: a duplicate in a private JWK loaded as public is still
  // reported as the duplicate it is.
  CHECK_ERROR(jwk::parse(R"({"kty":"EC","d":"AA","d":"AA"})"), errc::duplicate_member);
  CHECK_OK(jwk::parse(ec));
}

TEST_CASE("KEY-6: JWK metadata that contradicts a use for signatures is invalid_key",
          "[security][jwk]") {
  const nlohmann::json base = ec_public("a");
  const auto bind = [](const nlohmann::json& j) -> std::error_code {
    auto parsed = jwk::parse(j.dump());
    if (!parsed) return parsed.error();
    es_verifier::builder b;
    b.key(*parsed);
    return b.build().error();
  };
  REQUIRE(bind(base) == std::error_code());
  nlohmann::json enc = base;
  enc["use"] = "enc";
  CHECK(bind(enc) == errc::invalid_key);  // a "use":"enc" key bound for verification
  nlohmann::json no_verify = base;
  no_verify["key_ops"] = {"sign"};
  CHECK(bind(no_verify) == errc::invalid_key);  // key_ops without verify
  nlohmann::json no_verify2 = base;
  no_verify2["key_ops"] = nlohmann::json::array({"encrypt", "wrapKey"});
  CHECK(bind(no_verify2) == errc::invalid_key);
  nlohmann::json wrong_alg = base;
  wrong_alg["alg"] = "ES384";  // a JWK alg that the key cannot have
  CHECK(bind(wrong_alg) == errc::invalid_key);
  nlohmann::json rsa_alg = base;
  rsa_alg["alg"] = "RS256";
  CHECK(bind(rsa_alg) == errc::invalid_key);
  nlohmann::json disagree = base;  // use and key_ops that disagree
  disagree["use"] = "sig";
  disagree["key_ops"] = nlohmann::json::array({"encrypt"});
  CHECK(bind(disagree) == errc::invalid_key);
  nlohmann::json disagree2 = base;
  disagree2["use"] = "enc";
  disagree2["key_ops"] = nlohmann::json::array({"verify"});
  CHECK(bind(disagree2) == errc::invalid_key);
  nlohmann::json enc_alg = base;  // a JWS alg on an encryption key, a JWE alg on a signing key
  enc_alg["use"] = "enc";
  enc_alg["alg"] = "ES256";
  CHECK(bind(enc_alg) == errc::invalid_key);
  nlohmann::json sig_jwe = base;
  sig_jwe["use"] = "sig";
  sig_jwe["alg"] = "ECDH-ES";
  CHECK(bind(sig_jwe) == errc::invalid_key);
  // RFC 7518 §6.3.1.1: an RSA n with a leading zero octet.
  nlohmann::json rsa = test::load_json("jose-cookbook/jwk/3_3.rsa_public_key.json");
  REQUIRE(bind(rsa) == std::error_code());
  auto n = test::unb64(rsa.at("n").get<std::string>());
  n.insert(n.begin(), 0);
  rsa["n"] = test::b64(n);
  CHECK(bind(rsa) == errc::invalid_key);
  // A JWK alg other than the token's: the token is refused.
  auto es = jwk::parse(base.dump());
  REQUIRE(es);
  es_verifier::builder b;
  b.key(*es);
  auto v = b.build();
  REQUIRE(v);
  CHECK_ERROR(v->verify_at(sign_token<lightjwt::es256>(ec_pair().priv,
                                                       R"({"alg":"RS256","kid":"a"})", claims()),
                           test::now),
              errc::algorithm_not_allowed);
  // Wycheproof json_web_key tcId 6 (rejectsWrongUse): an RSA1_5 "use":"enc" key.
  const auto g6 = wycheproof_group(6);
  auto set6 = jwk_set::parse(g6.at("public").dump());
  REQUIRE(set6);
  REQUIRE(set6->keys().size() == 1);
  CHECK_FALSE(set6->keys()[0].usable_for_verification());
  es_verifier::builder b6;
  b6.key(set6->keys()[0]);
  CHECK_ERROR(b6.build(), errc::invalid_key);
}

TEST_CASE(
    "KEY-7: a verification key set holding private members or oct keys is invalid_key "
    "as a whole",
    "[security][jwk]") {
  // Wycheproof json_web_key tcId 1 (MixedKeySet), 25 and 26 (rejectsAesKey).
  for (const int id : {1, 25, 26}) {
    INFO("tcId " << id);
    const auto g = wycheproof_group(id);
    CHECK_ERROR(jwk_set::parse(g.at("private").dump()), errc::invalid_key);
  }
  // Cookbook 3.2 and 3.4 (private EC and RSA) loaded as a public set, beside a good key.
  const nlohmann::json good = ec_public("good");
  for (const char* f : {"3_2.ec_private_key.json", "3_4.rsa_private_key.json",
                        "3_5.symmetric_key_mac_computation.json"}) {
    INFO(f);
    const auto key = test::load_json(std::string("jose-cookbook/jwk/") + f);
    CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {good, key}}}).dump()), errc::invalid_key);
    CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {key, good}}}).dump()), errc::invalid_key);
  }
  // Each private member alone, even on an entry of an unknown kty.
  for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
    INFO(m);
    nlohmann::json leaked = ec_public("leak");
    leaked[m] = "AQAB";
    CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {good, leaked}}}).dump()),
                errc::invalid_key);
    const nlohmann::json foo = {{"kty", "FOO"}, {m, "AQAB"}};
    CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {good, foo}}}).dump()), errc::invalid_key);
  }
  // An entry of an unknown kty is skipped and reported, never half-used.
  const nlohmann::json foo = {{"kty", "FOO"}, {"kid", "foo"}, {"n", "AQAB"}};
  auto set = jwk_set::parse(nlohmann::json({{"keys", {foo, good}}}).dump());
  REQUIRE(set);
  CHECK(set->keys().size() == 1);
  CHECK(set->skipped() == 1);
  CHECK(set->find("foo") == nullptr);
  CHECK(set->find("good") != nullptr);
  // Deriving the public key from a private JWK is an explicit call.
  const auto priv = test::load_json("jose-cookbook/jwk/3_4.rsa_private_key.json");
  auto full = jwk::parse(priv.dump(), jwk_access::allow_private);
  REQUIRE(full);
  auto derived = jwk::from_key(*full->private_key_ptr(), false, std::string(full->kid()));
  REQUIRE(derived);
  CHECK_FALSE(derived->has_private());
  CHECK_OK(jwk_set::parse(R"({"keys":[)" + derived->to_json() + "]}"));
  // A private export of a set is an explicit call too; the default export holds no secrets.
  jwk_set out;
  out.add(*full);
  CHECK_ERROR(jwk_set::parse(out.to_json(true)), errc::invalid_key);
  CHECK_OK(jwk_set::parse(out.to_json()));
}

TEST_CASE(
    "KEY-8: a duplicate kid is invalid_key, and a token without kid facing two keys is "
    "key_not_found",
    "[security][jwk]") {
  // Wycheproof json_web_key tcId 4 (DuplicateKid).
  const auto g = wycheproof_group(4);
  CHECK_ERROR(jwk_set::parse(g.at("private").dump(), jwk_access::allow_private), errc::invalid_key);
  // Two public keys with one kid.
  const auto other = lightjwt_test::generate_pair("EC");
  auto other_jwk = jwk::from_key(other.pub, "same");
  REQUIRE(other_jwk);
  const nlohmann::json dup = {
      {"keys", {ec_public("same"), nlohmann::json::parse(other_jwk->to_json())}}};
  CHECK_ERROR(jwk_set::parse(dup.dump()), errc::invalid_key);
  // Two ES256 keys and a token without kid: no trial and error.
  const std::string token =
      sign_token<lightjwt::es256>(ec_pair().priv, R"({"alg":"ES256"})", claims());
  auto two = jwk_set::parse(
      nlohmann::json(
          {{"keys",
            {ec_public("a"), nlohmann::json::parse(jwk::from_key(other.pub, "b")->to_json())}}})
          .dump());
  REQUIRE(two);
  es_verifier::builder b2;
  b2.keys(*two);
  auto v2 = b2.build();
  REQUIRE(v2);
  CHECK_ERROR(v2->verify_at(token, test::now), errc::key_not_found);
  // With one key it verifies.
  auto one = jwk_set::parse(nlohmann::json({{"keys", {ec_public("a")}}}).dump());
  REQUIRE(one);
  es_verifier::builder b1;
  b1.keys(*one);
  auto v1 = b1.build();
  REQUIRE(v1);
  CHECK_OK(v1->verify_at(token, test::now));
}

TEST_CASE(
    "RES-6: JWKS document size, key count and modulus size are accepted at the limit and "
    "refused one above it",
    "[security][jwk]") {
  SECTION("document size, default and configured") {
    // array(): `json x = {obj}` is a copy of obj with clang and a one-element array with gcc.
    const nlohmann::json keys = nlohmann::json::array({ec_public("a")});
    const jwk_limits def;
    CHECK(def.max_document_size == 256 * 1024);
    CHECK_OK(jwk_set::parse(document_of_size(keys, def.max_document_size)));
    CHECK_ERROR(jwk_set::parse(document_of_size(keys, def.max_document_size + 1)),
                errc::limit_exceeded);
    // Megabytes are refused before any parsing: even a document that is not JSON.
    CHECK_ERROR(jwk_set::parse(std::string(std::size_t{4} << 20, '[')), errc::limit_exceeded);
    jwk_limits small;
    small.max_document_size = 1000;
    CHECK_OK(jwk_set::parse(document_of_size(keys, 1000), jwk_access::public_only, small));
    CHECK_ERROR(jwk_set::parse(document_of_size(keys, 1001), jwk_access::public_only, small),
                errc::limit_exceeded);
    // One JWK: the same limit.
    const std::string head = ec_public("a").dump();
    std::string one = head.substr(0, head.size() - 1) + R"(,"pad":")";
    one += std::string(1000 - one.size() - 2, 'a') + "\"}";
    REQUIRE(one.size() == 1000);
    CHECK_OK(jwk::parse(one, jwk_access::public_only, small));
    one.insert(one.size() - 2, "a");
    CHECK_ERROR(jwk::parse(one, jwk_access::public_only, small), errc::limit_exceeded);
  }
  SECTION("key count, default and configured") {
    const auto set_of = [](std::size_t n) {
      nlohmann::json keys = nlohmann::json::array();
      for (std::size_t i = 0; i < n; ++i) keys.push_back(ec_public("k" + std::to_string(i)));
      return nlohmann::json({{"keys", keys}}).dump();
    };
    const jwk_limits def;
    CHECK(def.max_keys == 64);
    auto at = jwk_set::parse(set_of(64));
    REQUIRE(at);
    CHECK(at->keys().size() == 64);
    CHECK_ERROR(jwk_set::parse(set_of(65)), errc::limit_exceeded);
    jwk_limits three;
    three.max_keys = 3;
    CHECK_OK(jwk_set::parse(set_of(3), jwk_access::public_only, three));
    CHECK_ERROR(jwk_set::parse(set_of(4), jwk_access::public_only, three), errc::limit_exceeded);
    // Counted before any entry is read, skipped and malformed ones included.
    CHECK_ERROR(jwk_set::parse(R"({"keys":[{},{},{},{}]})", jwk_access::public_only, three),
                errc::limit_exceeded);
    CHECK_ERROR(jwk_set::parse(R"({"keys":[{"kty":"FOO"},{"kty":"FOO"},{"kty":"FOO"},{}]})",
                               jwk_access::public_only, three),
                errc::limit_exceeded);
    // A limit above the scanner's default member bound still counts exactly.
    jwk_limits many;
    many.max_keys = 300;
    nlohmann::json foos = nlohmann::json::array();
    for (int i = 0; i < 301; ++i) foos.push_back({{"kty", "FOO"}});
    CHECK_ERROR(
        jwk_set::parse(nlohmann::json({{"keys", foos}}).dump(), jwk_access::public_only, many),
        errc::limit_exceeded);
    foos.erase(foos.begin());
    auto ok =
        jwk_set::parse(nlohmann::json({{"keys", foos}}).dump(), jwk_access::public_only, many);
    REQUIRE(ok);
    CHECK(ok->skipped() == 300);
  }
  SECTION("RSA modulus: 8192 bits accepted, 8193 bits invalid_key") {
    nlohmann::json rsa = {{"kty", "RSA"}, {"e", "AQAB"}};
    std::vector<unsigned char> n(lightjwt::max_rsa_bits / 8, 0xC5);
    n.back() = 0xC7;  // odd
    rsa["n"] = test::b64(n);
    auto at = jwk::parse(rsa.dump());
    REQUIRE(at);
    CHECK(at->public_key_ptr()->bits() == 8192);
    n.insert(n.begin(), 0x01);  // 8193 bits
    rsa["n"] = test::b64(n);
    CHECK_ERROR(jwk::parse(rsa.dump()), errc::invalid_key);
    // A 16384-bit modulus in a set fails the set.
    std::vector<unsigned char> huge(16384 / 8, 0xC5);
    rsa["n"] = test::b64(huge);
    CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {rsa}}}).dump()), errc::invalid_key);
  }
}
