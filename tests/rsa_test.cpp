// Tests of the RS* and PS* policies: RFC 7515 A.2 and RFC 7520 4.1/4.2 vectors, key binding,
// sizes, and sign-verify round trips through the encoder and verifier.
// SPDX-License-Identifier: MIT
#include <lightjwt/algorithms/rsa.hpp>

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

static_assert(std::is_nothrow_move_constructible_v<lightjwt::rs256::verify_context>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::ps512::sign_context>);
static_assert(lightjwt::rs256::name == "RS256" && lightjwt::ps512::name == "PS512");
static_assert(lightjwt::rs256::max_signature_size == 1024);

// Splits a compact token into its signing input and decoded signature.
std::pair<std::string, bytes> split_token(const std::string& token) {
  const auto dot = token.rfind('.');
  return {token.substr(0, dot), b64u(token.substr(dot + 1))};
}

const lightjwt_test::key_pair& rsa_2048() {
  static const lightjwt_test::key_pair kp = lightjwt_test::generate_pair("RSA", 2048);
  return kp;
}

template <class S>
void round_trip(const lightjwt_test::key_pair& kp) {
  INFO(S::name);
  auto enc = lightjwt::encoder<S>::create(kp.priv, "k1");
  REQUIRE(enc);
  const std::int64_t now = 1700000000;
  auto token = enc->sign({{"sub", "alice"}, {"exp", now + 60}});
  REQUIRE(token);
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, kp.pub, "k1");
  auto v = b.build();
  REQUIRE(v);
  auto t = v->verify_at(*token, now);
  REQUIRE(t);
  CHECK(t->alg() == S::name);
  CHECK(t->sub() == std::optional<std::string_view>("alice"));
  // The signature is the modulus length, and flipping one byte of it is refused.
  auto [input, sig] = split_token(*token);
  CHECK(sig.size() == 256);
  sig[10] ^= 0x01;
  auto ctx = S::verify_context::create(kp.pub);
  REQUIRE(ctx);
  CHECK(ctx->verify(lightjwt::as_bytes(input), view(sig)) == errc::invalid_signature);
}

}  // namespace

TEST_CASE("RFC 7515 A.2: the RS256 example verifies with its public key", "[rsa][rfc7515]") {
  const auto v = read_json("rfc/rfc7515_A.2_rs256.json");
  auto key = lightjwt_test::public_from_jwk(v.at("jwk_public"));
  REQUIRE(key);
  CHECK(key->kind() == lightjwt::key_kind::rsa);
  CHECK(key->bits() == 2048);
  auto ctx = lightjwt::rs256::verify_context::create(*key);
  REQUIRE(ctx);
  const std::string input = v.at("signing_input");
  const bytes sig = b64u(v.at("signature_b64").get<std::string>());
  CHECK(ctx->signature_size() == 256);
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));

  // The whole token through the verifier, at a time when its claims are valid.
  lightjwt::verifier<lightjwt::rs256>::builder b;
  b.key(lightjwt::rs256{}, *key);
  auto ver = b.build();
  REQUIRE(ver);
  auto t = ver->verify_at(v.at("token").get<std::string>(), 1300819379);
  REQUIRE(t);
  CHECK(t->iss() == std::optional<std::string_view>("joe"));
}

TEST_CASE("RFC 7515 A.2: signing the example input reproduces the signature byte for byte",
          "[rsa][rfc7515]") {
  const auto v = read_json("rfc/rfc7515_A.2_rs256.json");
  auto key = lightjwt_test::private_from_jwk(v.at("jwk"));
  REQUIRE(key);
  auto ctx = lightjwt::rs256::sign_context::create(*key);
  REQUIRE(ctx);
  REQUIRE(ctx->signature_size() == 256);
  bytes sig(ctx->signature_size());
  const std::string input = v.at("signing_input");
  auto n = ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
  REQUIRE(n);
  CHECK(*n == 256);
  CHECK(lightjwt_test::b64u_encode(sig) == v.at("signature_b64").get<std::string>());
}

TEST_CASE("RFC 7520 4.1: the RS256 cookbook signature is reproduced byte for byte and verifies",
          "[rsa][rfc7520]") {
  const auto v = read_json("jose-cookbook/jws/4_1.rsa_v15_signature.json");
  const auto& jwk = v.at("input").at("key");
  auto priv = lightjwt_test::private_from_jwk(jwk);
  REQUIRE(priv);
  auto pub = lightjwt::public_key::from_private(*priv);
  REQUIRE(pub);
  const std::string input = v.at("signing").at("sig-input");
  const std::string expected = v.at("signing").at("sig");

  auto sctx = lightjwt::rs256::sign_context::create(*priv);
  REQUIRE(sctx);
  bytes sig(sctx->signature_size());
  REQUIRE(sctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig)));
  CHECK(lightjwt_test::b64u_encode(sig) == expected);

  auto vctx = lightjwt::rs256::verify_context::create(*pub);
  REQUIRE(vctx);
  CHECK_FALSE(vctx->verify(lightjwt::as_bytes(input), view(b64u(expected))));
  // The same signature under PS256 is the wrong primitive.
  auto pss = lightjwt::ps256::verify_context::create(*pub);
  REQUIRE(pss);
  CHECK(pss->verify(lightjwt::as_bytes(input), view(b64u(expected))) == errc::invalid_signature);
}

TEST_CASE("RFC 7520 4.2: the PS384 cookbook signature verifies, and a fresh one does too",
          "[rsa][rfc7520]") {
  const auto v = read_json("jose-cookbook/jws/4_2.rsa-pss_signature.json");
  const auto& jwk = v.at("input").at("key");
  auto pub = lightjwt_test::public_from_jwk(jwk);
  REQUIRE(pub);
  auto ctx = lightjwt::ps384::verify_context::create(*pub);
  REQUIRE(ctx);
  const std::string input = v.at("signing").at("sig-input");
  const bytes sig = b64u(v.at("signing").at("sig").get<std::string>());
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));
  // Tokens carry the signing input, not the payload: the compact form verifies the same way.
  const auto [compact_input, compact_sig] = split_token(v.at("output").at("compact"));
  CHECK(compact_input == input);
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(compact_input), view(compact_sig)));
  // PSS is randomised: a new signature differs and verifies.
  auto priv = lightjwt_test::private_from_jwk(jwk);
  REQUIRE(priv);
  auto sctx = lightjwt::ps384::sign_context::create(*priv);
  REQUIRE(sctx);
  bytes fresh(sctx->signature_size());
  REQUIRE(sctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(fresh)));
  CHECK(fresh != sig);
  CHECK_FALSE(ctx->verify(lightjwt::as_bytes(input), view(fresh)));
  // Under PS256 or PS512 the digest differs: refused.
  auto ps256 = lightjwt::ps256::verify_context::create(*pub);
  REQUIRE(ps256);
  CHECK(ps256->verify(lightjwt::as_bytes(input), view(sig)) == errc::invalid_signature);
}

TEST_CASE("every RSA policy round-trips a token through the encoder and verifier", "[rsa]") {
  const auto& kp = rsa_2048();
  round_trip<lightjwt::rs256>(kp);
  round_trip<lightjwt::rs384>(kp);
  round_trip<lightjwt::rs512>(kp);
  round_trip<lightjwt::ps256>(kp);
  round_trip<lightjwt::ps384>(kp);
  round_trip<lightjwt::ps512>(kp);
}

TEST_CASE("RSA policies refuse EC and EdDSA keys with invalid_key", "[rsa]") {
  const auto ec = lightjwt_test::generate_pair("EC", 0, "P-256");
  const auto ed = lightjwt_test::generate_pair("ED25519");
  CHECK(lightjwt::rs256::verify_context::create(ec.pub).error() == errc::invalid_key);
  CHECK(lightjwt::ps256::verify_context::create(ed.pub).error() == errc::invalid_key);
  CHECK(lightjwt::rs512::sign_context::create(ec.priv).error() == errc::invalid_key);
  CHECK(lightjwt::ps384::sign_context::create(ed.priv).error() == errc::invalid_key);
}

TEST_CASE("a moved-from RSA key cannot be bound", "[rsa]") {
  auto kp = lightjwt_test::generate_pair("RSA", 2048);
  const lightjwt::public_key moved = std::move(kp.pub);
  CHECK(lightjwt::rs256::verify_context::create(kp.pub).error() == errc::invalid_key);  // NOLINT
  CHECK(lightjwt::rs256::verify_context::create(moved));
}

TEST_CASE("the RSA signature size is the modulus length, and a short buffer is refused", "[rsa]") {
  const auto kp = lightjwt_test::generate_pair("RSA", 3072);
  auto ctx = lightjwt::ps256::sign_context::create(kp.priv);
  REQUIRE(ctx);
  CHECK(ctx->signature_size() == 384);
  bytes small(383);
  const bytes msg = to_bytes("a.b");
  CHECK(ctx->sign(view(msg), lightjwt::mutable_bytes(small)).error() == errc::buffer_too_small);
  bytes big(1024);
  auto n = ctx->sign(view(msg), lightjwt::mutable_bytes(big));
  REQUIRE(n);
  CHECK(*n == 384);
  auto vctx = lightjwt::ps256::verify_context::create(kp.pub);
  REQUIRE(vctx);
  CHECK(vctx->signature_size() == 384);
  CHECK_FALSE(vctx->verify(view(msg), lightjwt::bytes_view(big.data(), 384)));
  // The output buffer's slack is not part of the signature (RFC 8017 §8.1.2 step 1).
  CHECK(vctx->verify(view(msg), lightjwt::bytes_view(big.data(), 385)) == errc::invalid_signature);
}

TEST_CASE("an empty signing input signs and verifies", "[rsa]") {
  const auto& kp = rsa_2048();
  auto s = lightjwt::rs384::sign_context::create(kp.priv);
  auto v = lightjwt::rs384::verify_context::create(kp.pub);
  REQUIRE(s);
  REQUIRE(v);
  bytes sig(s->signature_size());
  REQUIRE(s->sign(lightjwt::bytes_view(), lightjwt::mutable_bytes(sig)));
  CHECK_FALSE(v->verify(lightjwt::bytes_view(), view(sig)));
  CHECK(v->verify(lightjwt::bytes_view(), lightjwt::bytes_view()) == errc::invalid_signature);
}
