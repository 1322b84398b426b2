// jwk and jwk_set: parsing, validation with stable codes, export, RFC 7638 / RFC 8037 thumbprints.
// SPDX-License-Identifier: MIT
#include <lightjwt/jwk.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_keys.hpp"
#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::jwk;
using lightjwt::jwk_access;
using lightjwt::jwk_set;

static_assert(std::is_nothrow_move_constructible_v<jwk>);
static_assert(std::is_nothrow_move_constructible_v<jwk_set>);

constexpr auto allow_private = jwk_access::allow_private;

nlohmann::json cookbook(std::string_view name) {
  return test::load_json("jose-cookbook/jwk/" + std::string(name));
}

// The RFC 7515 A.3 P-256 public key: a known-good EC key to mutate.
nlohmann::json p256_jwk() {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
          {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
}

nlohmann::json rsa_jwk() { return cookbook("3_3.rsa_public_key.json"); }

// Replaces member `name` of `j` and returns the result as text.
std::string with(nlohmann::json j, const std::string& name, nlohmann::json value) {
  j[name] = std::move(value);
  return j.dump();
}

nlohmann::json with_json(nlohmann::json j, const std::string& name, nlohmann::json value) {
  j[name] = std::move(value);
  return j;
}

nlohmann::json ops(std::initializer_list<const char*> names) {
  nlohmann::json a = nlohmann::json::array();
  for (const char* n : names) a.push_back(n);
  return a;
}

std::string without(nlohmann::json j, const std::string& name) {
  j.erase(name);
  return j.dump();
}

// Compares two JWK documents member by member (order and whitespace aside).
void check_same_members(const std::string& a, const std::string& b) {
  CHECK(nlohmann::json::parse(a) == nlohmann::json::parse(b));
}

}  // namespace

TEST_CASE("the JOSE cookbook JWKs 3.1 to 3.5 round-trip through parse and to_json",
          "[jwk][rfc7520]") {
  const std::vector<std::string> files = {"3_1.ec_public_key.json", "3_2.ec_private_key.json",
                                          "3_3.rsa_public_key.json", "3_4.rsa_private_key.json",
                                          "3_5.symmetric_key_mac_computation.json"};
  for (const auto& f : files) {
    INFO(f);
    const nlohmann::json original = cookbook(f);
    auto k = jwk::parse(original.dump(), allow_private);
    REQUIRE(k);
    const std::string out = k->to_json(true);
    CHECK(nlohmann::json::parse(out) == original);  // the same members, nothing lost or added
    auto again = jwk::parse(out, allow_private);
    REQUIRE(again);
    check_same_members(again->to_json(true), out);
    CHECK(again->thumbprint() == k->thumbprint());
    CHECK(k->kid() == original.at("kid").get<std::string>());
    CHECK(k->use() == "sig");
    CHECK(k->usable_for_verification());
  }
  auto ec = jwk::parse(cookbook("3_2.ec_private_key.json").dump(), allow_private);
  REQUIRE(ec);
  CHECK(ec->kty() == "EC");
  CHECK(ec->crv() == "P-521");
  CHECK(ec->has_private());
  REQUIRE(ec->private_key_ptr() != nullptr);
  REQUIRE(ec->public_key_ptr() != nullptr);
  CHECK(ec->public_key_ptr()->curve() == lightjwt::key_curve::p521);
  CHECK(ec->hmac_key_ptr() == nullptr);
  // Without private members the export equals the public cookbook key 3.1.
  CHECK(nlohmann::json::parse(ec->to_json()) == cookbook("3_1.ec_public_key.json"));
  auto rsa = jwk::parse(cookbook("3_4.rsa_private_key.json").dump(), allow_private);
  REQUIRE(rsa);
  CHECK(nlohmann::json::parse(rsa->to_json()) == cookbook("3_3.rsa_public_key.json"));
  CHECK(rsa->public_key_ptr()->bits() == 2048);
  auto oct = jwk::parse(cookbook("3_5.symmetric_key_mac_computation.json").dump(), allow_private);
  REQUIRE(oct);
  CHECK(oct->kty() == "oct");
  CHECK(oct->alg() == "HS256");
  CHECK(oct->has_private());
  REQUIRE(oct->hmac_key_ptr() != nullptr);
  CHECK(oct->hmac_key_ptr()->size() == 32);
  CHECK(oct->public_key_ptr() == nullptr);
  CHECK(oct->private_key_ptr() == nullptr);
  // A secret is never written without with_private.
  CHECK(nlohmann::json::parse(oct->to_json()).count("k") == 0);
}

TEST_CASE("cookbook private JWKs 3.2 and 3.4 and the oct 3.5 are invalid_key as public keys",
          "[jwk][rfc7520][security]") {
  for (const char* f : {"3_2.ec_private_key.json", "3_4.rsa_private_key.json",
                        "3_5.symmetric_key_mac_computation.json"}) {
    INFO(f);
    const std::string text = cookbook(f).dump();
    CHECK_ERROR(jwk::parse(text), errc::invalid_key);
    CHECK_ERROR(jwk_set::parse(R"({"keys":[)" + text + "]}"), errc::invalid_key);
    CHECK_OK(jwk::parse(text, allow_private));
  }
  CHECK_OK(jwk::parse(cookbook("3_1.ec_public_key.json").dump()));
  CHECK_OK(jwk::parse(cookbook("3_3.rsa_public_key.json").dump()));
}

TEST_CASE("RFC 7638 3.1: the thumbprint of the example RSA key", "[jwk][rfc7638]") {
  const auto v = test::load_json("rfc/rfc7638_3.1_thumbprint.json");
  auto k = jwk::parse(v.at("jwk").dump());
  REQUIRE(k);
  CHECK(k->thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  CHECK(k->thumbprint() == v.at("expected").at("thumbprint_b64").get<std::string>());
  CHECK(k->alg() == "RS256");
  CHECK(k->kid() == "2011-04-29");
  // alg and kid are not required members: without them the thumbprint is the same.
  nlohmann::json stripped = v.at("jwk");
  stripped.erase("alg");
  stripped.erase("kid");
  auto bare = jwk::parse(stripped.dump());
  REQUIRE(bare);
  CHECK(bare->thumbprint() == k->thumbprint());
}

TEST_CASE("RFC 8037 A.3: the Ed25519 thumbprint of the A.1 private and A.2 public keys",
          "[jwk][rfc8037]") {
  const auto v = test::load_json("rfc/rfc8037_A.3_thumbprint.json");
  const std::string expected = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
  CHECK(v.at("expected").at("thumbprint_b64").get<std::string>() == expected);
  auto a3 = jwk::parse(v.at("jwk").dump());
  REQUIRE(a3);
  CHECK(a3->thumbprint() == expected);
  auto a1 = jwk::parse(test::load_json("rfc/rfc8037_A.1_ed25519_private_key.json").at("jwk").dump(),
                       allow_private);
  REQUIRE(a1);
  CHECK(a1->thumbprint() == expected);
  CHECK(a1->private_key_ptr()->kind() == lightjwt::key_kind::ed25519);
  const auto a2 = test::load_json("rfc/rfc8037_A.2_ed25519_public_key.json").at("jwk");
  auto pub = jwk::parse(a2.dump());
  REQUIRE(pub);
  CHECK(pub->thumbprint() == expected);
  // Exporting the A.1 key's public JWK gives A.2.
  CHECK(nlohmann::json::parse(a1->to_json()) == a2);
}

TEST_CASE("from_key exports public, private and oct keys that parse back to the same key",
          "[jwk]") {
  for (const char* type : {"RSA", "EC", "ED25519", "ED448"}) {
    INFO(type);
    const auto pair = lightjwt_test::generate_pair(type);
    auto pub = jwk::from_key(pair.pub, "k1");
    REQUIRE(pub);
    CHECK(pub->kid() == "k1");
    CHECK_FALSE(pub->has_private());
    CHECK(pub->private_key_ptr() == nullptr);
    auto reparsed = jwk::parse(pub->to_json());
    REQUIRE(reparsed);
    CHECK(reparsed->thumbprint() == pub->thumbprint());
    CHECK(EVP_PKEY_eq(reparsed->public_key_ptr()->native_handle(), pair.pub.native_handle()) == 1);

    auto priv = jwk::from_key(pair.priv, true, "k2");
    REQUIRE(priv);
    CHECK(priv->has_private());
    CHECK(priv->thumbprint() == pub->thumbprint());
    CHECK_ERROR(jwk::parse(priv->to_json(true)), errc::invalid_key);  // private, public_only
    auto back = jwk::parse(priv->to_json(true), allow_private);
    REQUIRE(back);
    REQUIRE(back->private_key_ptr() != nullptr);
    CHECK(EVP_PKEY_eq(back->private_key_ptr()->native_handle(), pair.priv.native_handle()) == 1);
    // with_private = false keeps only the public half.
    auto pub_only = jwk::from_key(pair.priv, false);
    REQUIRE(pub_only);
    CHECK_FALSE(pub_only->has_private());
    CHECK(pub_only->private_key_ptr() == nullptr);
    CHECK(nlohmann::json::parse(pub_only->to_json(true)).count("d") == 0);
  }
  auto hk = lightjwt::hmac_key::from_bytes(test::key_bytes(48));
  REQUIRE(hk);
  auto oct = jwk::from_key(*hk, "mac", "HS384");
  REQUIRE(oct);
  auto back = jwk::parse(oct->to_json(true), allow_private);
  REQUIRE(back);
  REQUIRE(back->hmac_key_ptr() != nullptr);
  CHECK(back->hmac_key_ptr()->size() == 48);
  CHECK(back->alg() == "HS384");
  CHECK_ERROR(jwk::from_key(*hk, "", "HS512"), errc::key_too_weak);
  CHECK_ERROR(jwk::from_key(*hk, "", "RS256"), errc::invalid_key);
  const auto ec = lightjwt_test::generate_pair("EC");
  CHECK_ERROR(jwk::from_key(ec.pub, "", "ES384"), errc::invalid_key);
  CHECK_ERROR(jwk::from_key(ec.pub, "", "RS256"), errc::invalid_key);
  CHECK_OK(jwk::from_key(ec.pub, "", "ES256"));
  CHECK_ERROR(jwk::from_key(ec.pub, std::string("a\0b", 3)), errc::invalid_argument);
  CHECK_ERROR(jwk::from_key(ec.pub, "\xff"), errc::invalid_argument);
  // kid is escaped in the output.
  auto quoted = jwk::from_key(ec.pub, "a\"b\\c\n");
  REQUIRE(quoted);
  auto parsed = jwk::parse(quoted->to_json());
  REQUIRE(parsed);
  CHECK(parsed->kid() == "a\"b\\c\n");
}

TEST_CASE("invalid JWKs are refused with stable codes", "[jwk][security]") {
  const nlohmann::json ec = p256_jwk();
  const nlohmann::json rsa = rsa_jwk();
  REQUIRE(jwk::parse(ec.dump()));
  REQUIRE(jwk::parse(rsa.dump()));
  SECTION("an EC point off the curve") {
    std::string y = ec.at("y");
    y[5] = y[5] == 'A' ? 'B' : 'A';
    CHECK_ERROR(jwk::parse(with(ec, "y", y)), errc::invalid_key);
  }
  SECTION("EC coordinates of the wrong length, or on another curve's length") {
    auto x = test::unb64(ec.at("x").get<std::string>());
    auto longer = x;
    longer.insert(longer.begin(), 0);
    CHECK_ERROR(jwk::parse(with(ec, "x", test::b64(longer))), errc::invalid_key);
    x.pop_back();
    CHECK_ERROR(jwk::parse(with(ec, "x", test::b64(x))), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "crv", "P-384")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "crv", "P-521")), errc::invalid_key);
  }
  SECTION("an OKP x of the wrong length") {
    nlohmann::json ed = test::load_json("rfc/rfc8037_A.2_ed25519_public_key.json").at("jwk");
    REQUIRE(jwk::parse(ed.dump()));
    CHECK_ERROR(jwk::parse(with(ed, "crv", "Ed448")), errc::invalid_key);
    auto x = test::unb64(ed.at("x").get<std::string>());
    x.push_back(0);
    CHECK_ERROR(jwk::parse(with(ed, "x", test::b64(x))), errc::invalid_key);
  }
  SECTION("an RSA modulus under 2048 bits is key_too_weak") {
    const auto small = lightjwt_test::generate("RSA", 1024);
    const auto n = test::detail::bn_bytes(small.get(), "n");
    CHECK_ERROR(jwk::parse(with(rsa, "n", test::b64(n))), errc::key_too_weak);
    const auto n2047 = test::detail::bn_bytes(lightjwt_test::generate("RSA", 2047).get(), "n");
    CHECK_ERROR(jwk::parse(with(rsa, "n", test::b64(n2047))), errc::key_too_weak);
  }
  SECTION("RSA n or e with a leading zero octet") {
    auto n = test::unb64(rsa.at("n").get<std::string>());
    n.insert(n.begin(), 0);
    CHECK_ERROR(jwk::parse(with(rsa, "n", test::b64(n))), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(rsa, "e", test::b64(std::vector<unsigned char>{0, 1, 0, 1}))),
                errc::invalid_key);
  }
  SECTION("RSA e even or 1, and a modulus over 8192 bits") {
    CHECK_ERROR(jwk::parse(with(rsa, "e", "AQ")), errc::invalid_key);    // 1
    CHECK_ERROR(jwk::parse(with(rsa, "e", "AQAA")), errc::invalid_key);  // 65536
    std::vector<unsigned char> huge(8192 / 8 + 1, 0xC5);
    CHECK_ERROR(jwk::parse(with(rsa, "n", test::b64(huge))), errc::invalid_key);
  }
  SECTION("bad or non-canonical Base64URL") {
    for (const char* bad : {"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=",
                            "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE+",
                            "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEV",  // non-zero spare bits
                            "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE U", "f"}) {
      INFO(bad);
      CHECK_ERROR(jwk::parse(with(ec, "x", bad)), errc::invalid_key);
    }
    CHECK_ERROR(jwk::parse(with(rsa, "e", "AQA")), errc::invalid_key);
  }
  SECTION("missing members") {
    for (const char* m : {"kty", "crv", "x", "y"}) {
      INFO(m);
      CHECK_ERROR(jwk::parse(without(ec, m)), errc::invalid_key);
    }
    for (const char* m : {"n", "e"}) {
      INFO(m);
      CHECK_ERROR(jwk::parse(without(rsa, m)), errc::invalid_key);
    }
    CHECK_ERROR(jwk::parse(R"({"kty":"oct"})", allow_private), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "x", "")), errc::invalid_key);
  }
  SECTION("members of the wrong JSON type") {
    for (const char* m : {"kty", "crv", "x", "y", "kid", "alg", "use"}) {
      INFO(m);
      CHECK_ERROR(jwk::parse(with(ec, m, 1)), errc::invalid_key);
      CHECK_ERROR(jwk::parse(with(ec, m, nlohmann::json::array({"a"}))), errc::invalid_key);
      CHECK_ERROR(jwk::parse(with(ec, m, nullptr)), errc::invalid_key);
    }
    CHECK_ERROR(jwk::parse(with(ec, "key_ops", "verify")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "key_ops", nlohmann::json::array({1}))), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(rsa, "n", 12345)), errc::invalid_key);
    CHECK_ERROR(jwk::parse("[]"), errc::invalid_key);
    CHECK_ERROR(jwk::parse("\"kty\""), errc::invalid_key);
  }
  SECTION("a document that is not JSON is invalid_key") {
    CHECK_ERROR(jwk::parse(""), errc::invalid_key);
    CHECK_ERROR(jwk::parse("{"), errc::invalid_key);
    CHECK_ERROR(jwk::parse(R"({"kty":"EC",})"), errc::invalid_key);
    CHECK_ERROR(jwk::parse("{\"kty\":\"\xff\"}"), errc::invalid_key);
    CHECK_ERROR(jwk_set::parse("{\"keys\":[}"), errc::invalid_key);
  }
  SECTION("an unknown kty or crv") {
    CHECK_ERROR(jwk::parse(with(ec, "kty", "FOO")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "crv", "P-192")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "crv", "secp256k1")), errc::invalid_key);
    nlohmann::json x25519 = {{"kty", "OKP"}, {"crv", "X25519"}, {"x", ec.at("x")}};
    CHECK_ERROR(jwk::parse(x25519.dump()), errc::invalid_key);
  }
  SECTION("an alg that does not fit the key") {
    CHECK_ERROR(jwk::parse(with(ec, "alg", "ES384")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "alg", "RS256")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "alg", "none")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(rsa, "alg", "ES256")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(rsa, "alg", "HS256")), errc::invalid_key);
    CHECK_OK(jwk::parse(with(ec, "alg", "ES256")));
    CHECK_OK(jwk::parse(with(rsa, "alg", "PS512")));
    // A name that is no JWS algorithm is kept; such a key is never bound to a verifier.
    CHECK_OK(jwk::parse(with(ec, "alg", "ECDH-ES")));
  }
  SECTION("oct keys shorter than 32 bytes or than their alg's hash are key_too_weak") {
    const auto k = [](std::size_t n, const char* alg) {
      nlohmann::json j = {{"kty", "oct"}, {"k", test::b64(test::key_bytes(n))}};
      if (alg != nullptr) j["alg"] = alg;
      return jwk::parse(j.dump(), jwk_access::allow_private);
    };
    CHECK_ERROR(k(0, nullptr), errc::key_too_weak);
    CHECK_ERROR(k(31, nullptr), errc::key_too_weak);
    CHECK_OK(k(32, nullptr));
    CHECK_ERROR(k(31, "HS256"), errc::key_too_weak);
    CHECK_OK(k(32, "HS256"));
    CHECK_ERROR(k(47, "HS384"), errc::key_too_weak);
    CHECK_OK(k(48, "HS384"));
    CHECK_ERROR(k(63, "HS512"), errc::key_too_weak);
    CHECK_OK(k(64, "HS512"));
    CHECK_ERROR(k(64, "ES256"), errc::invalid_key);
  }
  SECTION("a private JWK where only public keys belong") {
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
      INFO(m);
      CHECK_ERROR(jwk::parse(with(rsa, m, "AQAB")), errc::invalid_key);
      CHECK_ERROR(jwk::parse(with(ec, m, "AQAB")), errc::invalid_key);
    }
  }
  SECTION("malformed private members") {
    const nlohmann::json priv = cookbook("3_4.rsa_private_key.json");
    CHECK_OK(jwk::parse(priv.dump(), allow_private));
    CHECK_ERROR(jwk::parse(without(priv, "q"), allow_private), errc::invalid_key);
    CHECK_ERROR(jwk::parse(without(priv, "d"), allow_private), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(priv, "oth", nlohmann::json::array()), allow_private),
                errc::invalid_key);
    // d alone, without the CRT members, is a valid RSA private key (RFC 7518 §6.3.2).
    nlohmann::json d_only = priv;
    for (const char* m : {"p", "q", "dp", "dq", "qi"}) d_only.erase(m);
    CHECK_OK(jwk::parse(d_only.dump(), allow_private));
    nlohmann::json ecp = cookbook("3_2.ec_private_key.json");
    auto d = test::unb64(ecp.at("d").get<std::string>());
    d.erase(d.begin());  // 65 bytes instead of 66
    CHECK_ERROR(jwk::parse(with(ecp, "d", test::b64(d)), allow_private), errc::invalid_key);
    // A d that does not match the public point.
    auto other = lightjwt_test::generate_pair("EC", 0, "P-521");
    auto other_jwk = jwk::from_key(other.priv, true);
    REQUIRE(other_jwk);
    const auto other_d = nlohmann::json::parse(other_jwk->to_json(true)).at("d");
    CHECK_ERROR(jwk::parse(with(ecp, "d", other_d), allow_private), errc::invalid_key);
  }
  SECTION("use and key_ops that contradict each other or the alg") {
    CHECK_ERROR(jwk::parse(with(with_json(ec, "use", "sig"), "key_ops", ops({"encrypt"}))),
                errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(with_json(ec, "use", "enc"), "key_ops", ops({"verify"}))),
                errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(ec, "key_ops", ops({"verify", "verify"}))), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(with_json(ec, "use", "enc"), "alg", "ES256")), errc::invalid_key);
    CHECK_ERROR(jwk::parse(with(with_json(rsa, "use", "sig"), "alg", "RSA-OAEP")),
                errc::invalid_key);
    // Consistent encryption keys parse; they are just not usable for verification.
    auto enc = jwk::parse(with(with_json(rsa, "use", "enc"), "alg", "RSA-OAEP"));
    REQUIRE(enc);
    CHECK_FALSE(enc->usable_for_verification());
    auto sign_only = jwk::parse(with(ec, "key_ops", ops({"sign"})));
    REQUIRE(sign_only);
    CHECK_FALSE(sign_only->usable_for_verification());
    auto verify_op = jwk::parse(with(ec, "key_ops", ops({"verify", "sign"})));
    REQUIRE(verify_op);
    CHECK(verify_op->usable_for_verification());
    CHECK(verify_op->key_ops() == std::vector<std::string>{"verify", "sign"});
  }
  SECTION("a duplicate member name") {
    CHECK_ERROR(jwk::parse(R"({"kty":"EC","kty":"EC"})"), errc::duplicate_member);
    std::string text = ec.dump();
    text.insert(1, R"("x":"AAAA",)");
    CHECK_ERROR(jwk::parse(text), errc::duplicate_member);
  }
}

TEST_CASE("unknown members are ignored and metadata is read", "[jwk]") {
  nlohmann::json j = p256_jwk();
  j["kid"] = "key-1";
  j["use"] = "sig";
  j["x5t#S256"] = "whatever";
  j["ext"] = true;
  j["nested"] = {{"a", {1, 2, 3}}};
  auto k = jwk::parse(j.dump());
  REQUIRE(k);
  CHECK(k->kid() == "key-1");
  CHECK(k->use() == "sig");
  CHECK(k->alg().empty());
  CHECK(k->key_ops().empty());
  CHECK(k->usable_for_verification());
  CHECK(k->crv() == "P-256");
  const auto out = nlohmann::json::parse(k->to_json());
  CHECK(out.count("ext") == 0);
  CHECK(out.count("x5t#S256") == 0);
  // Escapes in the document are resolved (RFC 8259 §7).
  auto esc = jwk::parse(R"({"kty":"E\u0043","crv":"P-256","x":")" + j.at("x").get<std::string>() +
                        R"(","y":")" + j.at("y").get<std::string>() + R"("})");
  REQUIRE(esc);
  CHECK(esc->kty() == "EC");
}

TEST_CASE("a JWK Set skips entries of an unknown kty or crv and finds keys by kid",
          "[jwk][security]") {
  nlohmann::json a = p256_jwk();
  a["kid"] = "a";
  nlohmann::json b = rsa_jwk();
  b["kid"] = "b";
  const nlohmann::json foo = {{"kty", "FOO"}, {"kid", "c"}, {"bar", 1}};
  nlohmann::json x25519 = {{"kty", "OKP"}, {"crv", "X25519"}, {"kid", "d"}, {"x", a.at("x")}};
  const nlohmann::json doc = {{"keys", {a, foo, b, x25519}}};
  auto set = jwk_set::parse(doc.dump());
  REQUIRE(set);
  CHECK(set->keys().size() == 2);
  CHECK(set->skipped() == 2);
  REQUIRE(set->find("a") != nullptr);
  CHECK(set->find("a")->kty() == "EC");
  REQUIRE(set->find("b") != nullptr);
  CHECK(set->find("b")->kty() == "RSA");
  CHECK(set->find("c") == nullptr);
  CHECK(set->find("") == nullptr);
  // Export and parse again.
  auto again = jwk_set::parse(set->to_json());
  REQUIRE(again);
  CHECK(again->keys().size() == 2);
  CHECK(again->skipped() == 0);
  CHECK(again->find("b")->thumbprint() == set->find("b")->thumbprint());
  // Built by hand.
  jwk_set built;
  built.add(*set->find("a"));
  CHECK(built.keys().size() == 1);
  CHECK(nlohmann::json::parse(built.to_json()).at("keys").size() == 1);
  // Structure errors.
  CHECK_ERROR(jwk_set::parse("{}"), errc::invalid_key);
  CHECK_ERROR(jwk_set::parse(R"({"keys":{}})"), errc::invalid_key);
  CHECK_ERROR(jwk_set::parse(R"({"keys":[1]})"), errc::invalid_key);
  CHECK_ERROR(jwk_set::parse(R"([])"), errc::invalid_key);
  CHECK_OK(jwk_set::parse(R"({"keys":[]})"));
  // One bad entry fails the whole set.
  nlohmann::json bad = a;
  bad["kid"] = "z";
  bad["crv"] = "P-384";
  CHECK_ERROR(jwk_set::parse(nlohmann::json({{"keys", {b, bad}}}).dump()), errc::invalid_key);
  // A public set never exports oct keys; a private export does.
  auto oct = jwk::parse(cookbook("3_5.symmetric_key_mac_computation.json").dump(), allow_private);
  REQUIRE(oct);
  built.add(*oct);
  CHECK(nlohmann::json::parse(built.to_json()).at("keys").size() == 1);
  CHECK(nlohmann::json::parse(built.to_json(true)).at("keys").size() == 2);
}

TEST_CASE("the JWK parsers take and return no exceptions with hostile input", "[jwk]") {
  // Truncations of a valid private set: every prefix must give an error code, never throw.
  // (The two cookbook keys share a kid: the EC one is renamed, or the set is invalid_key.)
  const std::string text = R"({"keys":[)" + cookbook("3_4.rsa_private_key.json").dump() + "," +
                           with(cookbook("3_2.ec_private_key.json"), "kid", "ec") + "]}";
  const std::string same_kid = R"({"keys":[)" + cookbook("3_4.rsa_private_key.json").dump() + "," +
                               cookbook("3_2.ec_private_key.json").dump() + "]}";
  CHECK_ERROR(jwk_set::parse(same_kid, allow_private), errc::invalid_key);
  REQUIRE(jwk_set::parse(text, allow_private));
  for (std::size_t n = 0; n < text.size(); n += 7) {
    auto r = jwk_set::parse(text.substr(0, n), allow_private);
    CHECK_FALSE(r.has_value());
  }
}
