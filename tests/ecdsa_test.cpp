// Tests of the ES256/384/512 policies: RFC 7515 A.3/A.4 and RFC 7520 4.3 vectors, the R || S
// encoding, key binding, and sign-verify round trips through the encoder and verifier.
// SPDX-License-Identifier: MIT
#include <lightjwt/algorithms/ecdsa.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/encoder.hpp>
#include <lightjwt/verifier.hpp>

#include "test_keys.hpp"

namespace {

using lightjwt::errc;
using lightjwt_test::b64u;
using lightjwt_test::bytes;
using lightjwt_test::read_json;
using lightjwt_test::to_bytes;
using lightjwt_test::view;

static_assert(std::is_nothrow_move_constructible_v<lightjwt::es256::verify_context>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::es512::sign_context>);
static_assert(lightjwt::es256::max_signature_size == 64);
static_assert(lightjwt::es384::max_signature_size == 96);
static_assert(lightjwt::es512::max_signature_size == 132);

std::pair<std::string, bytes> split_token(const std::string& token) {
  const auto dot = token.rfind('.');
  return {token.substr(0, dot), b64u(token.substr(dot + 1))};
}

template <class S>
void round_trip(const char* curve) {
  INFO(S::name);
  const auto kp = lightjwt_test::generate_pair("EC", 0, curve);
  auto enc = lightjwt::encoder<S>::create(kp.priv);
  REQUIRE(enc);
  const std::int64_t now = 1700000000;
  auto token = enc->sign({{"sub", "bob"}, {"exp", now + 60}});
  REQUIRE(token);
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, kp.pub);
  auto v = b.build();
  REQUIRE(v);
  auto t = v->verify_at(*token, now);
  REQUIRE(t);
  CHECK(t->alg() == S::name);
  auto [input, sig] = split_token(*token);
  CHECK(sig.size() == S::max_signature_size);
  // R || S, not DER: a DER SEQUENCE would start with 0x30 and be shorter or longer.
  sig.back() ^= 0x01;
  auto ctx = S::verify_context::create(kp.pub);
  REQUIRE(ctx);
  CHECK(ctx->verify(lightjwt::as_bytes(input), view(sig)) == errc::invalid_signature);
}

}  // namespace

TEST_CASE("RFC 7515 A.3: the ES256 example verifies with its public key", "[ecdsa][rfc7515]") {
  const auto v = read_json("rfc/rfc7515_A.3_es256.json");
  auto key = lightjwt_test::public_from_jwk(v.at("jwk_public"));
  REQUIRE(key);
  CHECK(key->kind() == lightjwt::key_kind::ec);
  CHECK(key->curve() == lightjwt::key_curve::p256);
  CHECK(key->bits() == 256);
  auto ctx = lightjwt::es256::verify_context::create(*key);
  REQUIRE(ctx);
  const std::string input = v.at("signing_input");
  const bytes sig = b64u(v.at("signature_b64").get<std::string>());
  REQUIRE(sig.size() == 64);
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));

  lightjwt::verifier<lightjwt::es256>::builder b;
  b.key(lightjwt::es256{}, *key);
  auto ver = b.build();
  REQUIRE(ver);
  auto t = ver->verify_at(v.at("token").get<std::string>(), 1300819379);
  REQUIRE(t);
  CHECK(t->iss() == std::optional<std::string_view>("joe"));
}

TEST_CASE("RFC 7515 A.3: a fresh ES256 signature with the example key differs and verifies",
          "[ecdsa][rfc7515]") {
  const auto v = read_json("rfc/rfc7515_A.3_es256.json");
  auto priv = lightjwt_test::private_from_jwk(v.at("jwk"));
  REQUIRE(priv);
  auto pub = lightjwt_test::public_from_jwk(v.at("jwk_public"));
  REQUIRE(pub);
  auto s = lightjwt::es256::sign_context::create(*priv);
  auto c = lightjwt::es256::verify_context::create(*pub);
  REQUIRE(s);
  REQUIRE(c);
  const std::string input = v.at("signing_input");
  bytes sig(s->signature_size());
  auto n = s->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
  REQUIRE(n);
  CHECK(*n == 64);
  CHECK(sig != b64u(v.at("signature_b64").get<std::string>()));
  CHECK_FALSE(c->verify(lightjwt::as_bytes(input), view(sig)));
}

TEST_CASE("RFC 7515 A.4: the ES512 example verifies, and its non-JSON payload fails afterwards",
          "[ecdsa][rfc7515]") {
  const auto v = read_json("rfc/rfc7515_A.4_es512.json");
  auto key = lightjwt_test::public_from_jwk(v.at("jwk_public"));
  REQUIRE(key);
  CHECK(key->curve() == lightjwt::key_curve::p521);
  CHECK(key->bits() == 521);
  auto ctx = lightjwt::es512::verify_context::create(*key);
  REQUIRE(ctx);
  const std::string input = v.at("signing_input");
  const bytes sig = b64u(v.at("signature_b64").get<std::string>());
  REQUIRE(sig.size() == 132);
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));

  // The payload is the text "Payload": the verifier reaches it only after the signature holds.
  lightjwt::verifier<lightjwt::es512>::builder b;
  b.key(lightjwt::es512{}, *key);
  auto ver = b.build();
  REQUIRE(ver);
  const std::string token = v.at("token");
  CHECK(ver->verify_at(token, 0).error() == errc::malformed_token);
  std::string corrupted = token;
  const auto dot = corrupted.rfind('.');
  corrupted[dot + 1] = corrupted[dot + 1] == 'A' ? 'B' : 'A';
  CHECK(ver->verify_at(corrupted, 0).error() == errc::invalid_signature);
}

TEST_CASE("RFC 7520 4.3: the ES512 cookbook signature verifies", "[ecdsa][rfc7520]") {
  const auto v = read_json("jose-cookbook/jws/4_3.ecdsa_signature.json");
  const auto& jwk = v.at("input").at("key");
  auto pub = lightjwt_test::public_from_jwk(jwk);
  REQUIRE(pub);
  auto ctx = lightjwt::es512::verify_context::create(*pub);
  REQUIRE(ctx);
  const auto [input, sig] = split_token(v.at("output").at("compact"));
  CHECK(input == v.at("signing").at("sig-input").get<std::string>());
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));
  // The private key signs afresh; the public key from it verifies.
  auto priv = lightjwt_test::private_from_jwk(jwk);
  REQUIRE(priv);
  auto s = lightjwt::es512::sign_context::create(*priv);
  REQUIRE(s);
  bytes fresh(132);
  REQUIRE(s->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(fresh)));
  auto derived = lightjwt::public_key::from_private(*priv);
  REQUIRE(derived);
  auto dctx = lightjwt::es512::verify_context::create(*derived);
  REQUIRE(dctx);
  CHECK_FALSE(dctx->verify(lightjwt::as_bytes(input), view(fresh)));
}

TEST_CASE("every ECDSA policy round-trips a token through the encoder and verifier", "[ecdsa]") {
  round_trip<lightjwt::es256>("P-256");
  round_trip<lightjwt::es384>("P-384");
  round_trip<lightjwt::es512>("P-521");
}

TEST_CASE("ES signatures are R || S left-padded to the coordinate size", "[ecdsa]") {
  // P-521 coordinates take 66 bytes, of which the top 7 bits are zero: R and S start with 0x00
  // or 0x01, and many signatures have a shorter R or S that must still be padded.
  const auto kp = lightjwt_test::generate_pair("EC", 0, "P-521");
  auto s = lightjwt::es512::sign_context::create(kp.priv);
  auto v = lightjwt::es512::verify_context::create(kp.pub);
  REQUIRE(s);
  REQUIRE(v);
  CHECK(s->signature_size() == 132);
  const bytes msg = to_bytes("header.payload");
  for (int i = 0; i < 50; ++i) {
    bytes sig(132);
    auto n = s->sign(view(msg), lightjwt::mutable_bytes(sig));
    REQUIRE(n);
    REQUIRE(*n == 132);
    CHECK(sig[0] <= 0x01);
    CHECK(sig[66] <= 0x01);
    CHECK_FALSE(v->verify(view(msg), view(sig)));
  }
  bytes small(131);
  CHECK(s->sign(view(msg), lightjwt::mutable_bytes(small)).error() == errc::buffer_too_small);
}

TEST_CASE("ECDSA policies refuse keys on another curve or of another kind with invalid_key",
          "[ecdsa]") {
  const auto p256 = lightjwt_test::generate_pair("EC", 0, "P-256");
  const auto p384 = lightjwt_test::generate_pair("EC", 0, "P-384");
  const auto rsa = lightjwt_test::generate_pair("RSA", 2048);
  const auto ed = lightjwt_test::generate_pair("ED25519");
  CHECK(lightjwt::es256::verify_context::create(p384.pub).error() == errc::invalid_key);
  CHECK(lightjwt::es384::verify_context::create(p256.pub).error() == errc::invalid_key);
  CHECK(lightjwt::es512::verify_context::create(p256.pub).error() == errc::invalid_key);
  CHECK(lightjwt::es256::sign_context::create(p384.priv).error() == errc::invalid_key);
  CHECK(lightjwt::es256::verify_context::create(rsa.pub).error() == errc::invalid_key);
  CHECK(lightjwt::es256::verify_context::create(ed.pub).error() == errc::invalid_key);
  CHECK(lightjwt::es384::verify_context::create(p384.pub));
}
