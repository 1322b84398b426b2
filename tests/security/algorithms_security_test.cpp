// Refused attacks on the asymmetric signer policies and keys: SECURITY-CATALOG ALG-3, ALG-4,
// KEY-3, KEY-4, KEY-5, SIG-3 to SIG-8 and SIG-10. Each negative token is a one-change mutation of
// a valid token that is checked first as the positive control.
// SPDX-License-Identifier: MIT
#include <lightjwt/algorithms.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/encoder.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/verifier.hpp>

#include "../test_keys.hpp"

namespace {

using lightjwt::errc;
using lightjwt_test::b64u;
using lightjwt_test::b64u_encode;
using lightjwt_test::bytes;
using lightjwt_test::key_pair;
using lightjwt_test::to_bytes;
using lightjwt_test::view;

constexpr std::int64_t now = 1700000000;
const nlohmann::json claims = {{"sub", "mallory"}, {"jti", "id-1"}, {"exp", now + 600}};

const key_pair& rsa_key() {
  static const key_pair kp = lightjwt_test::generate_pair("RSA", 2048);
  return kp;
}
const key_pair& p256_key() {
  static const key_pair kp = lightjwt_test::generate_pair("EC", 0, "P-256");
  return kp;
}
const key_pair& p384_key() {
  static const key_pair kp = lightjwt_test::generate_pair("EC", 0, "P-384");
  return kp;
}
const key_pair& ed25519_key() {
  static const key_pair kp = lightjwt_test::generate_pair("ED25519");
  return kp;
}
const key_pair& ed448_key() {
  static const key_pair kp = lightjwt_test::generate_pair("ED448");
  return kp;
}

template <class S>
std::string sign(const key_pair& kp, std::string kid = {}) {
  auto enc = lightjwt::encoder<S>::create(kp.priv, std::move(kid));
  REQUIRE(enc);
  auto t = enc->sign(claims);
  REQUIRE(t);
  return *t;
}

// A verifier over Signers... with one key bound to S.
template <class S, class... Signers>
lightjwt::verifier<Signers...> verifier_for(const lightjwt::public_key& k, std::string kid = {}) {
  typename lightjwt::verifier<Signers...>::builder b;
  b.key(S{}, k, std::move(kid));
  auto v = b.build();
  REQUIRE(v);
  return std::move(*v);
}

struct parts {
  std::string header;   // encoded
  std::string payload;  // encoded
  bytes sig;
};
parts split(const std::string& token) {
  const auto a = token.find('.');
  const auto b = token.rfind('.');
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), b64u(token.substr(b + 1))};
}
std::string with_signature(const std::string& token, const bytes& sig) {
  return token.substr(0, token.rfind('.') + 1) + b64u_encode(sig);
}
std::string with_header(const std::string& token, std::string_view header_json) {
  return lightjwt::base64url::encode(header_json) + token.substr(token.find('.'));
}
std::string signing_input(const std::string& token) { return token.substr(0, token.rfind('.')); }

bytes hmac(const char* digest, const bytes& key, std::string_view data) {
  bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                    reinterpret_cast<const unsigned char*>(data.data()),  // NOLINT
                    data.size(), out.data(), out.size(), &len) != nullptr);
  out.resize(len);
  return out;
}

// ALG-3: forges HS256/384/512 tokens MACed with each encoding of `pub` and checks that the
// verifier for `S` refuses every one with algorithm_not_allowed.
template <class S>
void check_hmac_confusion(const key_pair& kp) {
  const std::string genuine = sign<S>(kp);
  auto v = verifier_for<S, S>(kp.pub);
  REQUIRE(v.verify_at(genuine, now));  // positive control
  // A verifier whose allowlist names HS256 but binds no HMAC key refuses just the same.
  auto mixed = verifier_for<S, lightjwt::hs256, S>(kp.pub);
  REQUIRE(mixed.verify_at(genuine, now));

  const std::string pem = lightjwt_test::public_pem(kp.pub.native_handle());
  const bytes der = lightjwt_test::public_der(kp.pub.native_handle());
  const std::vector<bytes> encodings = {to_bytes(pem), der, to_bytes("\n " + pem)};
  const std::pair<const char*, const char*> hs[] = {
      {"HS256", "SHA256"}, {"HS384", "SHA384"}, {"HS512", "SHA512"}};
  for (const auto& key_bytes : encodings) {
    // KEY-2: no asymmetric key encoding becomes an HMAC key.
    CHECK(lightjwt::hmac_key::from_bytes(view(key_bytes)).error() == errc::invalid_key);
    for (const auto& [alg, md] : hs) {
      INFO(S::name << " verifier, " << alg << ", key bytes " << key_bytes.size());
      const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
      const std::string unsigned_token = with_header(genuine, header);
      const std::string forged =
          with_signature(unsigned_token, hmac(md, key_bytes, signing_input(unsigned_token)));
      CHECK(v.verify_at(forged, now).error() == errc::algorithm_not_allowed);
      CHECK(mixed.verify_at(forged, now).error() == errc::algorithm_not_allowed);
    }
  }
}

bytes bn_bytes(const BIGNUM* bn, int len) {
  bytes out(static_cast<std::size_t>(len));
  REQUIRE(BN_bn2binpad(bn, out.data(), len) == len);
  return out;
}

lightjwt_test::pkey_ptr rsa_public_from(const bytes& n, const bytes& e) {
  nlohmann::json jwk = {{"kty", "RSA"}, {"n", b64u_encode(n)}, {"e", b64u_encode(e)}};
  return lightjwt_test::jwk_to_evp(jwk, false);
}

}  // namespace

TEST_CASE("ALG-3: an HS256 token MACed with the RSA public key PEM is refused by an RS256 verifier",
          "[security][algorithms]") {
  check_hmac_confusion<lightjwt::rs256>(rsa_key());
}

TEST_CASE("ALG-3: HS tokens MACed with the EC public key PEM or DER are refused by ES256",
          "[security][algorithms]") {
  check_hmac_confusion<lightjwt::es256>(p256_key());
}

TEST_CASE("ALG-3: HS tokens MACed with the Ed25519 public key PEM or DER are refused by EdDSA",
          "[security][algorithms]") {
  check_hmac_confusion<lightjwt::eddsa>(ed25519_key());
}

TEST_CASE("ALG-4: across key bindings and token algorithms only the diagonal verifies",
          "[security][algorithms]") {
  using V = lightjwt::verifier<lightjwt::rs256, lightjwt::ps256, lightjwt::es256, lightjwt::es384,
                               lightjwt::eddsa>;
  for (const bool with_kid : {false, true}) {
    const std::string kid = with_kid ? "k1" : "";
    const std::vector<std::pair<std::string, std::string>> tokens = {
        {"RS256", sign<lightjwt::rs256>(rsa_key(), kid)},
        {"PS256", sign<lightjwt::ps256>(rsa_key(), kid)},
        {"ES256", sign<lightjwt::es256>(p256_key(), kid)},
        {"ES384", sign<lightjwt::es384>(p384_key(), kid)},
        {"EdDSA", sign<lightjwt::eddsa>(ed25519_key(), kid)},
    };
    const std::vector<std::pair<std::string, V>> bindings = [&] {
      std::vector<std::pair<std::string, V>> b;
      b.emplace_back(
          "RS256", verifier_for<lightjwt::rs256, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                                lightjwt::es384, lightjwt::eddsa>(rsa_key().pub, kid));
      b.emplace_back(
          "PS256", verifier_for<lightjwt::ps256, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                                lightjwt::es384, lightjwt::eddsa>(rsa_key().pub, kid));
      b.emplace_back(
          "ES256", verifier_for<lightjwt::es256, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                                lightjwt::es384, lightjwt::eddsa>(p256_key().pub, kid));
      b.emplace_back(
          "ES384", verifier_for<lightjwt::es384, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                                lightjwt::es384, lightjwt::eddsa>(p384_key().pub, kid));
      b.emplace_back(
          "EdDSA", verifier_for<lightjwt::eddsa, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                                lightjwt::es384, lightjwt::eddsa>(ed25519_key().pub, kid));
      return b;
    }();
    for (const auto& [bound, v] : bindings) {
      for (const auto& [alg, token] : tokens) {
        INFO("key bound to " << bound << ", token " << alg << (with_kid ? ", with kid" : ""));
        auto r = v.verify_at(token, now);
        if (bound == alg) {
          CHECK(r);
        } else {
          CHECK(r.error() == errc::algorithm_not_allowed);
        }
      }
    }
  }
}

TEST_CASE("ALG-4: an RS256 key given a PS256 token and a P-256 key given ES384 are refused",
          "[security][algorithms]") {
  using V = lightjwt::verifier<lightjwt::rs256, lightjwt::ps256, lightjwt::es256, lightjwt::es384>;
  auto rs = verifier_for<lightjwt::rs256, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                         lightjwt::es384>(rsa_key().pub);
  const std::string rs_token = sign<lightjwt::rs256>(rsa_key());
  REQUIRE(rs.verify_at(rs_token, now));
  CHECK(rs.verify_at(sign<lightjwt::ps256>(rsa_key()), now).error() == errc::algorithm_not_allowed);
  // The RS256 signature relabelled PS256, too.
  CHECK(rs.verify_at(with_header(rs_token, R"({"alg":"PS256","typ":"JWT"})"), now).error() ==
        errc::algorithm_not_allowed);
  V es = verifier_for<lightjwt::es256, lightjwt::rs256, lightjwt::ps256, lightjwt::es256,
                      lightjwt::es384>(p256_key().pub);
  const std::string es_token = sign<lightjwt::es256>(p256_key());
  REQUIRE(es.verify_at(es_token, now));
  CHECK(es.verify_at(with_header(es_token, R"({"alg":"ES384","typ":"JWT"})"), now).error() ==
        errc::algorithm_not_allowed);
  // Names outside the allowlist.
  for (const char* alg : {"HS1", "RS1", "ES256K", "ES521", "PS256 ", "none", "EdDSA"}) {
    INFO(alg);
    const std::string header = std::string(R"({"alg":")") + alg + R"("})";
    CHECK(es.verify_at(with_header(es_token, header), now).error() == errc::algorithm_not_allowed);
  }
}

TEST_CASE("KEY-3: RSA keys of 1024 and 2047 bits are refused with key_too_weak in every format",
          "[security][algorithms][pkey]") {
  for (const std::size_t bits : {std::size_t{1024}, std::size_t{2047}}) {
    INFO(bits << " bits");
    const auto k = lightjwt_test::generate("RSA", bits);
    const bytes spki = lightjwt_test::public_der(k.get());
    const bytes cert = lightjwt_test::certificate_der(k.get());
    CHECK(lightjwt::public_key::from_der(view(spki)).error() == errc::key_too_weak);
    CHECK(lightjwt::public_key::from_der(view(cert)).error() == errc::key_too_weak);
    CHECK(lightjwt::public_key::from_pem(lightjwt_test::public_pem(k.get())).error() ==
          errc::key_too_weak);
    CHECK(lightjwt::public_key::from_pem(lightjwt_test::pem_wrap("CERTIFICATE", cert)).error() ==
          errc::key_too_weak);
    CHECK(lightjwt::public_key::from_native(k.get()).error() == errc::key_too_weak);
    CHECK(lightjwt::private_key::from_pem(lightjwt_test::private_pem(k.get())).error() ==
          errc::key_too_weak);
    CHECK(lightjwt::private_key::from_der(view(lightjwt_test::private_der(k.get()))).error() ==
          errc::key_too_weak);
    CHECK(lightjwt::private_key::from_native(k.get()).error() == errc::key_too_weak);
  }
  const auto ok = lightjwt_test::generate("RSA", 2048);
  auto pub = lightjwt::public_key::from_der(view(lightjwt_test::public_der(ok.get())));
  REQUIRE(pub);
  CHECK(pub->bits() == 2048);
  CHECK(lightjwt::rs256::verify_context::create(*pub));
  CHECK(lightjwt::private_key::from_native(ok.get()));
}

TEST_CASE("KEY-4: RSA keys with e = 1, an even e, or a modulus over 8192 bits are invalid_key",
          "[security][algorithms][pkey]") {
  // A real modulus with altered exponents: EVP_PKEY_fromdata builds them all without checking.
  BIGNUM* n_raw = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(rsa_key().pub.native_handle(), OSSL_PKEY_PARAM_RSA_N, &n_raw));
  const bytes n = bn_bytes(n_raw, 256);
  BN_free(n_raw);
  struct exponent_case {
    bytes e;
    bool accepted;
  };
  const exponent_case cases[] = {
      {{0x01}, false},
      {{0x02}, false},
      {{0x01, 0x00, 0x00}, false},
      {{0x01, 0x00, 0x02}, false},
      {{0x03}, true},
      {{0x01, 0x00, 0x01}, true},
  };
  for (const auto& c : cases) {
    INFO("e = 0x" << b64u_encode(c.e));
    const auto k = rsa_public_from(n, c.e);
    auto pub = lightjwt::public_key::from_der(view(lightjwt_test::public_der(k.get())));
    if (c.accepted) {
      CHECK(pub);
    } else {
      CHECK(pub.error() == errc::invalid_key);
    }
  }
  // Moduli above the cap, and exactly at it (odd, top bit set; primality is not checked).
  for (const std::size_t bits : {std::size_t{8193}, std::size_t{16385}, std::size_t{8192}}) {
    INFO(bits << "-bit modulus");
    bytes big((bits + 7) / 8);
    REQUIRE(RAND_bytes(big.data(), static_cast<int>(big.size())) == 1);
    const unsigned top = static_cast<unsigned>((bits - 1) % 8);
    big[0] = static_cast<unsigned char>((big[0] & ((1U << top) - 1U)) | (1U << top));
    big.back() |= 1U;
    const auto k = rsa_public_from(big, {0x01, 0x00, 0x01});
    auto pub = lightjwt::public_key::from_der(view(lightjwt_test::public_der(k.get())));
    if (bits <= lightjwt::max_rsa_bits) {
      REQUIRE(pub);
      CHECK(pub->bits() == bits);
      auto ctx = lightjwt::rs256::verify_context::create(*pub);
      REQUIRE(ctx);
      CHECK(ctx->signature_size() == lightjwt::rs256::max_signature_size);
      bytes sig(1024, 0x42);
      CHECK(ctx->verify(view(to_bytes("a.b")), view(sig)) == errc::invalid_signature);
    } else {
      CHECK(pub.error() == errc::invalid_key);
    }
  }
}

TEST_CASE("KEY-5: a P-384 key bound to ES256 is refused with invalid_key",
          "[security][algorithms]") {
  CHECK(lightjwt::es256::verify_context::create(p384_key().pub).error() == errc::invalid_key);
  CHECK(lightjwt::es256::sign_context::create(p384_key().priv).error() == errc::invalid_key);
  CHECK(lightjwt::encoder<lightjwt::es256>::create(p384_key().priv).error() == errc::invalid_key);
  lightjwt::verifier<lightjwt::es256, lightjwt::es384>::builder b;
  b.key(lightjwt::es256{}, p384_key().pub);
  CHECK(b.build().error() == errc::invalid_key);
  // The positive control: the same key under ES384.
  CHECK(lightjwt::es384::verify_context::create(p384_key().pub));
}

TEST_CASE("KEY-5: EC keys with explicit curve parameters are refused with invalid_key",
          "[security][algorithms][pkey]") {
  // CurveBall (CVE-2020-0601): the same P-256 key, encoded with explicit parameters.
  for (const char* curve : {"P-256", "P-384", "P-521"}) {
    INFO(curve);
    auto k = lightjwt_test::generate("EC", 0, curve);
    const bytes named = lightjwt_test::public_der(k.get());
    REQUIRE(lightjwt::public_key::from_der(view(named)));
    REQUIRE(EVP_PKEY_set_utf8_string_param(k.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                           OSSL_PKEY_EC_ENCODING_EXPLICIT) == 1);
    const bytes explicit_der = lightjwt_test::public_der(k.get());
    REQUIRE(explicit_der.size() > named.size() + 100);  // the parameters are really there
    CHECK(lightjwt::public_key::from_der(view(explicit_der)).error() == errc::invalid_key);
    CHECK(lightjwt::public_key::from_pem(lightjwt_test::public_pem(k.get())).error() ==
          errc::invalid_key);
    CHECK(lightjwt::public_key::from_der(view(lightjwt_test::certificate_der(k.get()))).error() ==
          errc::invalid_key);
    CHECK(lightjwt::private_key::from_pem(lightjwt_test::private_pem(k.get())).error() ==
          errc::invalid_key);
    CHECK(lightjwt::private_key::from_der(view(lightjwt_test::private_der(k.get()))).error() ==
          errc::invalid_key);
    CHECK(lightjwt::private_key::from_native(k.get()).error() == errc::invalid_key);
  }
}

TEST_CASE("KEY-5: an SPKI whose point is not on the curve is refused with invalid_key",
          "[security][algorithms][pkey]") {
  const bytes spki = lightjwt_test::public_der(p256_key().pub.native_handle());
  REQUIRE(lightjwt::public_key::from_der(view(spki)));
  bytes off_curve = spki;
  off_curve.back() ^= 0x01;  // y + 1 or y - 1
  CHECK(lightjwt::public_key::from_der(view(off_curve)).error() == errc::invalid_key);
}

TEST_CASE("SIG-3: ES256 signatures with r or s equal to 0, n or above n are invalid_signature",
          "[security][algorithms][ecdsa]") {
  const std::string token = sign<lightjwt::es256>(p256_key());
  auto v = verifier_for<lightjwt::es256, lightjwt::es256>(p256_key().pub);
  REQUIRE(v.verify_at(token, now));
  const bytes sig = split(token).sig;
  const bytes r(sig.begin(), sig.begin() + 32);
  const bytes s(sig.begin() + 32, sig.end());
  const lightjwt::detail::ec_group_ptr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const bytes n = bn_bytes(EC_GROUP_get0_order(group.get()), 32);
  BIGNUM* p_raw = BN_new();
  REQUIRE(EC_GROUP_get_curve(group.get(), p_raw, nullptr, nullptr, nullptr) == 1);
  const bytes p = bn_bytes(p_raw, 32);
  BN_free(p_raw);
  const bytes zero(32, 0x00);
  const bytes ones(32, 0xff);
  auto cat = [](const bytes& a, const bytes& b) {
    bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
  };
  const std::pair<const char*, bytes> cases[] = {
      {"r = s = 0", cat(zero, zero)},
      {"r = 0", cat(zero, s)},
      {"s = 0", cat(r, zero)},
      {"r = n", cat(n, s)},
      {"s = n", cat(r, n)},
      {"r = p", cat(p, s)},
      {"r = 2^256 - 1", cat(ones, s)},
      {"s = 2^256 - 1", cat(r, ones)},
  };
  for (const auto& [what, bad] : cases) {
    INFO(what);
    CHECK(v.verify_at(with_signature(token, bad), now).error() == errc::invalid_signature);
  }
  // The same psychic signature for ES384 and ES512: 96 and 132 zero bytes.
  auto v384 = verifier_for<lightjwt::es384, lightjwt::es384>(p384_key().pub);
  const std::string t384 = sign<lightjwt::es384>(p384_key());
  REQUIRE(v384.verify_at(t384, now));
  CHECK(v384.verify_at(with_signature(t384, bytes(96, 0)), now).error() == errc::invalid_signature);
  const key_pair p521 = lightjwt_test::generate_pair("EC", 0, "P-521");
  auto v521 = verifier_for<lightjwt::es512, lightjwt::es512>(p521.pub);
  const std::string t521 = sign<lightjwt::es512>(p521);
  REQUIRE(v521.verify_at(t521, now));
  CHECK(v521.verify_at(with_signature(t521, bytes(132, 0)), now).error() ==
        errc::invalid_signature);
}

TEST_CASE("SIG-4: a DER ECDSA signature, or R || S of 63 or 65 bytes, is invalid_signature",
          "[security][algorithms][ecdsa]") {
  const std::string token = sign<lightjwt::es256>(p256_key());
  auto v = verifier_for<lightjwt::es256, lightjwt::es256>(p256_key().pub);
  REQUIRE(v.verify_at(token, now));
  const bytes sig = split(token).sig;
  // The DER encoding of the very same (r, s), which OpenSSL itself would accept.
  BIGNUM* r = BN_bin2bn(sig.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(sig.data() + 32, 32, nullptr);
  const lightjwt::detail::ecdsa_sig_ptr es(ECDSA_SIG_new());
  REQUIRE(ECDSA_SIG_set0(es.get(), r, s) == 1);
  unsigned char* raw = nullptr;
  const int len = i2d_ECDSA_SIG(es.get(), &raw);
  REQUIRE(len > 0);
  const bytes der(raw, raw + len);
  OPENSSL_free(raw);
  REQUIRE(der[0] == 0x30);
  CHECK(v.verify_at(with_signature(token, der), now).error() == errc::invalid_signature);
  const bytes short_sig(sig.begin(), sig.end() - 1);
  bytes long_sig = sig;
  long_sig.push_back(0x00);
  bytes leading = {0x00};
  leading.insert(leading.end(), sig.begin(), sig.end());
  CHECK(v.verify_at(with_signature(token, short_sig), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, long_sig), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, leading), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, bytes()), now).error() == errc::invalid_signature);
}

TEST_CASE("SIG-5: the malleated ECDSA twin (r, n - s) verifies and carries the same jti",
          "[security][algorithms][ecdsa]") {
  const std::string token = sign<lightjwt::es256>(p256_key());
  auto v = verifier_for<lightjwt::es256, lightjwt::es256>(p256_key().pub);
  auto original = v.verify_at(token, now);
  REQUIRE(original);
  bytes sig = split(token).sig;
  const lightjwt::detail::ec_group_ptr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const lightjwt::detail::bignum_ptr s(BN_bin2bn(sig.data() + 32, 32, nullptr));
  const lightjwt::detail::bignum_ptr ns(BN_new());
  REQUIRE(BN_sub(ns.get(), EC_GROUP_get0_order(group.get()), s.get()) == 1);
  const bytes twin_s = bn_bytes(ns.get(), 32);
  std::copy(twin_s.begin(), twin_s.end(), sig.begin() + 32);
  const std::string twin = with_signature(token, sig);
  REQUIRE(twin != token);
  auto t = v.verify_at(twin, now);
  REQUIRE(t);
  CHECK(t->jti() == original->jti());
}

TEST_CASE("SIG-6: RSA signatures of k - 1 or k + 1 bytes, or made with another hash, are refused",
          "[security][algorithms][rsa]") {
  auto v = verifier_for<lightjwt::rs256, lightjwt::rs256>(rsa_key().pub);
  auto s = lightjwt::rs256::sign_context::create(rsa_key().priv);
  REQUIRE(s);
  // Find a token whose signature starts with a zero byte, so that dropping it keeps the same
  // integer: only the length check can refuse it.
  std::string token;
  for (int i = 0; i < 5000 && token.empty(); ++i) {
    nlohmann::json c = claims;
    c["n"] = i;
    auto enc = lightjwt::encoder<lightjwt::rs256>::create(rsa_key().priv);
    REQUIRE(enc);
    auto t = enc->sign(c);
    REQUIRE(t);
    if (split(*t).sig[0] == 0x00) token = *t;
  }
  REQUIRE_FALSE(token.empty());
  REQUIRE(v.verify_at(token, now));
  const bytes sig = split(token).sig;
  const bytes stripped(sig.begin() + 1, sig.end());
  bytes prepended = {0x00};
  prepended.insert(prepended.end(), sig.begin(), sig.end());
  bytes appended = sig;
  appended.push_back(0x00);
  CHECK(v.verify_at(with_signature(token, stripped), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, prepended), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, appended), now).error() == errc::invalid_signature);
  // s = 0, 1, n - 1, n as k-byte signatures.
  BIGNUM* n_raw = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(rsa_key().pub.native_handle(), OSSL_PKEY_PARAM_RSA_N, &n_raw));
  const lightjwt::detail::bignum_ptr n(n_raw);
  const lightjwt::detail::bignum_ptr n1(BN_dup(n.get()));
  REQUIRE(BN_sub_word(n1.get(), 1) == 1);
  bytes one(256, 0);
  one.back() = 1;
  for (const bytes& bad : {bytes(256, 0), one, bn_bytes(n1.get(), 256), bn_bytes(n.get(), 256)}) {
    CHECK(v.verify_at(with_signature(token, bad), now).error() == errc::invalid_signature);
  }
  // A valid RS512 signature over the same input, labelled RS256 (the header is unchanged).
  auto s512 = lightjwt::rs512::sign_context::create(rsa_key().priv);
  REQUIRE(s512);
  bytes sig512(256);
  const std::string input = signing_input(token);
  REQUIRE(s512->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig512)));
  CHECK(v.verify_at(with_signature(token, sig512), now).error() == errc::invalid_signature);
}

TEST_CASE("SIG-7: PS256 signatures with salt length 0 or max are invalid_signature",
          "[security][algorithms][rsa]") {
  const std::string token = sign<lightjwt::ps256>(rsa_key());
  auto v = verifier_for<lightjwt::ps256, lightjwt::ps256>(rsa_key().pub);
  REQUIRE(v.verify_at(token, now));
  const std::string input = signing_input(token);
  // Signs `input` with EVP directly: PSS, SHA-256, MGF1 with `mgf1`, salt length `salt`.
  auto evp_sign = [&](int salt, const char* mgf1) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    REQUIRE(EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", nullptr, nullptr,
                                  rsa_key().priv.native_handle(), nullptr) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, mgf1, nullptr) == 1);
    bytes sig(256);
    std::size_t len = sig.size();
    REQUIRE(EVP_DigestSign(ctx, sig.data(), &len,
                           reinterpret_cast<const unsigned char*>(input.data()),  // NOLINT
                           input.size()) == 1);
    EVP_MD_CTX_free(ctx);
    REQUIRE(len == 256);
    return sig;
  };
  // Positive control: the same EVP path with salt = 32 and MGF1-SHA-256.
  CHECK(v.verify_at(with_signature(token, evp_sign(32, "SHA256")), now));
  CHECK(v.verify_at(with_signature(token, evp_sign(0, "SHA256")), now).error() ==
        errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, evp_sign(RSA_PSS_SALTLEN_MAX, "SHA256")), now).error() ==
        errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, evp_sign(20, "SHA256")), now).error() ==
        errc::invalid_signature);
  // The right salt with MGF1 over another hash.
  CHECK(v.verify_at(with_signature(token, evp_sign(32, "SHA1")), now).error() ==
        errc::invalid_signature);
  // A PKCS#1 v1.5 signature under PS256 (WrongPrimitive).
  auto s = lightjwt::rs256::sign_context::create(rsa_key().priv);
  REQUIRE(s);
  bytes v15(256);
  REQUIRE(s->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(v15)));
  CHECK(v.verify_at(with_signature(token, v15), now).error() == errc::invalid_signature);
}

TEST_CASE("SIG-8: the S + L variant of the RFC 8037 Ed25519 signature is invalid_signature",
          "[security][algorithms][eddsa][rfc8037]") {
  const auto vec = lightjwt_test::read_json("rfc/rfc8037_A.4_ed25519_signing.json");
  auto key = lightjwt_test::public_from_jwk(vec.at("jwk_public"));
  REQUIRE(key);
  auto ctx = lightjwt::eddsa::verify_context::create(*key);
  REQUIRE(ctx);
  const std::string input = vec.at("signing_input");
  bytes sig = b64u(vec.at("signature_b64").get<std::string>());
  REQUIRE_FALSE(ctx->verify(lightjwt::as_bytes(input), view(sig)));
  // L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
  const bytes l =
      lightjwt_test::hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = unsigned{sig[32 + i]} + unsigned{l[i]} + carry;
    sig[32 + i] = static_cast<unsigned char>(sum & 0xffU);
    carry = sum >> 8;
  }
  REQUIRE(carry == 0);
  CHECK(ctx->verify(lightjwt::as_bytes(input), view(sig)) == errc::invalid_signature);
}

TEST_CASE("SIG-8: EdDSA signatures of the wrong length or curve are refused",
          "[security][algorithms][eddsa]") {
  // Under eddsa an Ed25519-bound key takes only 64-byte signatures: an Ed448 signature is
  // invalid_signature, as are truncated and extended ones.
  const std::string token = sign<lightjwt::eddsa>(ed25519_key());
  auto v = verifier_for<lightjwt::eddsa, lightjwt::eddsa>(ed25519_key().pub);
  REQUIRE(v.verify_at(token, now));
  const std::string t448 = sign<lightjwt::eddsa>(ed448_key());
  const bytes sig448 = split(t448).sig;
  REQUIRE(sig448.size() == 114);
  CHECK(v.verify_at(with_signature(token, sig448), now).error() == errc::invalid_signature);
  CHECK(v.verify_at(t448, now).error() == errc::invalid_signature);
  const bytes sig = split(token).sig;
  bytes extended = sig;
  extended.push_back(0x00);
  CHECK(v.verify_at(with_signature(token, bytes(sig.begin(), sig.end() - 1)), now).error() ==
        errc::invalid_signature);
  CHECK(v.verify_at(with_signature(token, extended), now).error() == errc::invalid_signature);

  // Under the fully specified names the algorithm already says the curve: an Ed448 or EdDSA
  // token against a key bound to Ed25519 is algorithm_not_allowed.
  auto strict =
      verifier_for<lightjwt::ed25519, lightjwt::ed25519, lightjwt::ed448, lightjwt::eddsa>(
          ed25519_key().pub);
  const std::string t25519 = sign<lightjwt::ed25519>(ed25519_key());
  REQUIRE(strict.verify_at(t25519, now));
  CHECK(strict.verify_at(sign<lightjwt::ed448>(ed448_key()), now).error() ==
        errc::algorithm_not_allowed);
  CHECK(strict.verify_at(token, now).error() == errc::algorithm_not_allowed);
  CHECK(lightjwt::ed25519::verify_context::create(ed448_key().pub).error() == errc::invalid_key);
}

TEST_CASE("SIG-10: 1000 ES256 signatures of one input have distinct r and all verify",
          "[security][algorithms][ecdsa]") {
  auto s = lightjwt::es256::sign_context::create(p256_key().priv);
  auto v = lightjwt::es256::verify_context::create(p256_key().pub);
  REQUIRE(s);
  REQUIRE(v);
  const bytes input = to_bytes("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0");
  std::set<bytes> rs;
  std::size_t verified = 0;
  for (int i = 0; i < 1000; ++i) {
    bytes sig(64);
    REQUIRE(s->sign(view(input), lightjwt::mutable_bytes(sig)));
    rs.insert(bytes(sig.begin(), sig.begin() + 32));
    verified += v->verify(view(input), view(sig)) ? 0U : 1U;
  }
  CHECK(rs.size() == 1000);
  CHECK(verified == 1000);
}
