// Tests of the EdDSA policies (eddsa, ed25519, ed448): RFC 8037 A.4/A.5 and the cookbook
// Ed25519 vector, curve binding, and sign-verify round trips through the encoder and verifier.
// SPDX-License-Identifier: MIT
#include <lightjwt/algorithms/eddsa.hpp>

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

static_assert(std::is_nothrow_move_constructible_v<lightjwt::eddsa::verify_context>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::ed448::sign_context>);
static_assert(lightjwt::eddsa::name == "EdDSA");
static_assert(lightjwt::ed25519::name == "Ed25519" && lightjwt::ed448::name == "Ed448");
static_assert(lightjwt::eddsa::max_signature_size == 114);
static_assert(lightjwt::ed25519::max_signature_size == 64);
static_assert(lightjwt::ed448::max_signature_size == 114);

template <class S>
void round_trip(const lightjwt_test::key_pair& kp, std::size_t sig_size) {
  INFO(S::name);
  auto enc = lightjwt::encoder<S>::create(kp.priv);
  REQUIRE(enc);
  const std::int64_t now = 1700000000;
  auto token = enc->sign({{"sub", "carol"}, {"exp", now + 60}});
  REQUIRE(token);
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, kp.pub);
  auto v = b.build();
  REQUIRE(v);
  auto t = v->verify_at(*token, now);
  REQUIRE(t);
  CHECK(t->alg() == S::name);
  const auto dot = token->rfind('.');
  CHECK(b64u(token->substr(dot + 1)).size() == sig_size);
}

}  // namespace

TEST_CASE("RFC 8037 A.4: Ed25519 signing reproduces the example signature byte for byte",
          "[eddsa][rfc8037]") {
  const auto v = read_json("rfc/rfc8037_A.4_ed25519_signing.json");
  auto key = lightjwt_test::private_from_jwk(v.at("jwk"));
  REQUIRE(key);
  CHECK(key->kind() == lightjwt::key_kind::ed25519);
  CHECK(key->curve() == lightjwt::key_curve::ed25519);
  const std::string input = v.at("signing_input");
  const std::string expected = v.at("signature_b64");
  auto eddsa = lightjwt::eddsa::sign_context::create(*key);
  auto ed25519 = lightjwt::ed25519::sign_context::create(*key);
  REQUIRE(eddsa);
  REQUIRE(ed25519);
  CHECK(eddsa->signature_size() == 64);
  bytes a(64);
  bytes b(64);
  REQUIRE(eddsa->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(a)));
  REQUIRE(ed25519->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(b)));
  CHECK(lightjwt_test::b64u_encode(a) == expected);
  CHECK(a == b);
  CHECK(a == lightjwt_test::hex(v.at("signature_hex").get<std::string>()));
}

TEST_CASE("RFC 8037 A.5: the Ed25519 example token verifies with the A.2 public key",
          "[eddsa][rfc8037]") {
  const auto v = read_json("rfc/rfc8037_A.5_ed25519_validation.json");
  auto key = lightjwt_test::public_from_jwk(v.at("jwk_public"));
  REQUIRE(key);
  auto ctx = lightjwt::eddsa::verify_context::create(*key);
  REQUIRE(ctx);
  CHECK(ctx->signature_size() == 64);
  const std::string token = v.at("token");
  const auto dot = token.rfind('.');
  const std::string input = token.substr(0, dot);
  const bytes sig = b64u(token.substr(dot + 1));
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));
  // Through the verifier: the payload is plain text, refused only after the signature holds.
  lightjwt::verifier<lightjwt::eddsa>::builder b;
  b.key(lightjwt::eddsa{}, *key);
  auto ver = b.build();
  REQUIRE(ver);
  CHECK(ver->verify_at(token, 0).error() == errc::malformed_token);
  std::string corrupted = token;
  corrupted[dot + 1] = corrupted[dot + 1] == 'A' ? 'B' : 'A';
  CHECK(ver->verify_at(corrupted, 0).error() == errc::invalid_signature);
}

TEST_CASE("RFC 8037 cookbook curve25519/jws.json: Ed25519 signs byte for byte and verifies",
          "[eddsa][rfc8037]") {
  const auto v = read_json("jose-cookbook/curve25519/jws.json");
  const auto& jwk = v.at("input").at("key");
  auto priv = lightjwt_test::private_from_jwk(jwk);
  auto pub = lightjwt_test::public_from_jwk(jwk);
  REQUIRE(priv);
  REQUIRE(pub);
  const std::string input = v.at("signing").at("sig-input");
  const std::string expected = v.at("signing").at("sig");
  auto s = lightjwt::eddsa::sign_context::create(*priv);
  REQUIRE(s);
  bytes sig(64);
  REQUIRE(s->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig)));
  CHECK(lightjwt_test::b64u_encode(sig) == expected);
  const std::string compact = v.at("output").at("compact");
  CHECK(compact == input + "." + expected);
  auto c = lightjwt::eddsa::verify_context::create(*pub);
  REQUIRE(c);
  CHECK_FALSE(c->verify(lightjwt::as_bytes(input), view(sig)));
  auto strict = lightjwt::ed25519::verify_context::create(*pub);
  REQUIRE(strict);
  CHECK_FALSE(strict->verify(lightjwt::as_bytes(input), view(sig)));
}

TEST_CASE("under eddsa the key decides the curve: Ed448 keys verify 114-byte signatures",
          "[eddsa]") {
  const auto ed448 = lightjwt_test::generate_pair("ED448");
  CHECK(ed448.pub.kind() == lightjwt::key_kind::ed448);
  CHECK(ed448.pub.curve() == lightjwt::key_curve::ed448);
  auto s = lightjwt::eddsa::sign_context::create(ed448.priv);
  auto v = lightjwt::eddsa::verify_context::create(ed448.pub);
  REQUIRE(s);
  REQUIRE(v);
  CHECK(s->signature_size() == 114);
  CHECK(v->signature_size() == 114);
  const bytes msg = to_bytes("header.payload");
  bytes sig(114);
  REQUIRE(s->sign(view(msg), lightjwt::mutable_bytes(sig)));
  CHECK_FALSE(v->verify(view(msg), view(sig)));
  // A 64-byte prefix is not an Ed25519 signature to this key: wrong length.
  CHECK(v->verify(view(msg), lightjwt::bytes_view(sig.data(), 64)) == errc::invalid_signature);
  bytes small(113);
  CHECK(s->sign(view(msg), lightjwt::mutable_bytes(small)).error() == errc::buffer_too_small);
}

TEST_CASE("ed25519 and ed448 admit only their own curve and eddsa admits both", "[eddsa]") {
  const auto k25519 = lightjwt_test::generate_pair("ED25519");
  const auto k448 = lightjwt_test::generate_pair("ED448");
  const auto ec = lightjwt_test::generate_pair("EC", 0, "P-256");
  CHECK(lightjwt::ed25519::verify_context::create(k25519.pub));
  CHECK(lightjwt::ed25519::verify_context::create(k448.pub).error() == errc::invalid_key);
  CHECK(lightjwt::ed448::verify_context::create(k448.pub));
  CHECK(lightjwt::ed448::verify_context::create(k25519.pub).error() == errc::invalid_key);
  CHECK(lightjwt::ed25519::sign_context::create(k448.priv).error() == errc::invalid_key);
  CHECK(lightjwt::ed448::sign_context::create(k25519.priv).error() == errc::invalid_key);
  CHECK(lightjwt::eddsa::verify_context::create(k25519.pub));
  CHECK(lightjwt::eddsa::verify_context::create(k448.pub));
  CHECK(lightjwt::eddsa::verify_context::create(ec.pub).error() == errc::invalid_key);
  CHECK(lightjwt::eddsa::sign_context::create(ec.priv).error() == errc::invalid_key);
}

TEST_CASE("every EdDSA policy round-trips a token through the encoder and verifier", "[eddsa]") {
  const auto k25519 = lightjwt_test::generate_pair("ED25519");
  const auto k448 = lightjwt_test::generate_pair("ED448");
  round_trip<lightjwt::eddsa>(k25519, 64);
  round_trip<lightjwt::eddsa>(k448, 114);
  round_trip<lightjwt::ed25519>(k25519, 64);
  round_trip<lightjwt::ed448>(k448, 114);
}
