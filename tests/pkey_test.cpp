// Tests of public_key and private_key: PEM, DER and certificate loading, introspection, sharing,
// passphrases, and the key kinds that are refused.
// SPDX-License-Identifier: MIT
#include <lightjwt/keys/pkey.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <catch2/catch.hpp>

#include "test_keys.hpp"

namespace {

using lightjwt::errc;
using lightjwt::key_curve;
using lightjwt::key_kind;
using lightjwt::private_key;
using lightjwt::public_key;
using lightjwt_test::bytes;
using lightjwt_test::view;

static_assert(std::is_nothrow_move_constructible_v<public_key>);
static_assert(std::is_nothrow_move_constructible_v<private_key>);
static_assert(std::is_nothrow_copy_constructible_v<public_key>);
static_assert(lightjwt::to_string(key_curve::p521) == "P-521");
static_assert(lightjwt::to_string(key_curve::ed448) == "Ed448");
static_assert(lightjwt::to_string(key_curve::none).empty());
static_assert(lightjwt::to_string(key_kind::ed25519) == "Ed25519");

// Writes `k` as a traditional ("RSA PRIVATE KEY", "EC PRIVATE KEY") PEM, optionally encrypted.
std::string traditional_pem(EVP_PKEY* k, const char* pass = nullptr) {
  BIO* bio = BIO_new(BIO_s_mem());
  const EVP_CIPHER* cipher = pass != nullptr ? EVP_aes_128_cbc() : nullptr;
  auto* kstr = reinterpret_cast<const unsigned char*>(pass);  // NOLINT
  const int klen = pass != nullptr ? static_cast<int>(std::string_view(pass).size()) : 0;
  REQUIRE(PEM_write_bio_PrivateKey_traditional(bio, k, cipher, kstr, klen, nullptr, nullptr) == 1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

// Writes `k` as "ENCRYPTED PRIVATE KEY" (PKCS#8, AES-256-CBC, PBKDF2).
std::string encrypted_pkcs8_pem(EVP_PKEY* k, const char* pass) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_256_cbc(), pass,
                                        static_cast<int>(std::string_view(pass).size()), nullptr,
                                        nullptr) == 1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

// The PKCS#1 RSAPublicKey DER of an RSA key.
bytes pkcs1_public_der(EVP_PKEY* k) {
  unsigned char* raw = nullptr;
  const int len = i2d_PublicKey(k, &raw);
  REQUIRE(len > 0);
  bytes out(raw, raw + len);
  OPENSSL_free(raw);
  return out;
}

bool has_bn_param(EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  const bool has = EVP_PKEY_get_bn_param(k, name, &bn) == 1;
  BN_free(bn);
  return has;
}

struct kind_case {
  const char* type;
  std::size_t bits;
  const char* curve;
  key_kind kind;
  key_curve crv;
  std::size_t expected_bits;
};

}  // namespace

TEST_CASE("public_key loads SPKI, PKCS#1 and certificate PEM of the same RSA key", "[pkey]") {
  const auto k = lightjwt_test::generate("RSA", 2048);
  const bytes spki = lightjwt_test::public_der(k.get());
  const std::string pems[] = {
      lightjwt_test::public_pem(k.get()),
      lightjwt_test::pem_wrap("RSA PUBLIC KEY", pkcs1_public_der(k.get())),
      lightjwt_test::pem_wrap("CERTIFICATE", lightjwt_test::certificate_der(k.get())),
  };
  for (const auto& pem : pems) {
    INFO(pem.substr(0, 30));
    auto pub = public_key::from_pem(pem);
    REQUIRE(pub);
    CHECK(pub->kind() == key_kind::rsa);
    CHECK(pub->curve() == key_curve::none);
    CHECK(pub->bits() == 2048);
    CHECK(lightjwt_test::public_der(pub->native_handle()) == spki);
  }
}

TEST_CASE("public_key and private_key report the kind, curve and size of each supported key",
          "[pkey]") {
  const kind_case cases[] = {
      {"RSA", 3072, nullptr, key_kind::rsa, key_curve::none, 3072},
      {"EC", 0, "P-256", key_kind::ec, key_curve::p256, 256},
      {"EC", 0, "P-384", key_kind::ec, key_curve::p384, 384},
      {"EC", 0, "P-521", key_kind::ec, key_curve::p521, 521},
      {"ED25519", 0, nullptr, key_kind::ed25519, key_curve::ed25519, 256},
      {"ED448", 0, nullptr, key_kind::ed448, key_curve::ed448, 448},
  };
  for (const auto& c : cases) {
    INFO(c.type << " " << (c.curve != nullptr ? c.curve : ""));
    const auto k = lightjwt_test::generate(c.type, c.bits, c.curve != nullptr ? c.curve : "");
    const bytes spki = lightjwt_test::public_der(k.get());
    const bytes cert = lightjwt_test::certificate_der(k.get());
    for (const auto& der : {spki, cert}) {
      auto pub = public_key::from_der(view(der));
      REQUIRE(pub);
      CHECK(pub->kind() == c.kind);
      CHECK(pub->curve() == c.crv);
      CHECK(pub->bits() == c.expected_bits);
      CHECK(lightjwt_test::public_der(pub->native_handle()) == spki);
    }
    auto from_pem = private_key::from_pem(lightjwt_test::private_pem(k.get()));
    REQUIRE(from_pem);
    CHECK(from_pem->kind() == c.kind);
    CHECK(from_pem->curve() == c.crv);
    CHECK(from_pem->bits() == c.expected_bits);
    auto from_der = private_key::from_der(view(lightjwt_test::private_der(k.get())));
    REQUIRE(from_der);
    CHECK(from_der->kind() == c.kind);
  }
}

TEST_CASE("private_key loads traditional RSA and EC PEM", "[pkey]") {
  const auto rsa = lightjwt_test::generate("RSA", 2048);
  const auto ec = lightjwt_test::generate("EC", 0, "P-384");
  const std::string rsa_pem = traditional_pem(rsa.get());
  const std::string ec_pem = traditional_pem(ec.get());
  CHECK(rsa_pem.rfind("-----BEGIN RSA PRIVATE KEY-----", 0) == 0);
  CHECK(ec_pem.rfind("-----BEGIN EC PRIVATE KEY-----", 0) == 0);
  auto r = private_key::from_pem(rsa_pem);
  REQUIRE(r);
  CHECK(r->kind() == key_kind::rsa);
  auto e = private_key::from_pem(ec_pem);
  REQUIRE(e);
  CHECK(e->curve() == key_curve::p384);
}

TEST_CASE("encrypted private keys load only with the right passphrase, never by prompting",
          "[pkey]") {
  const auto k = lightjwt_test::generate("EC", 0, "P-256");
  const std::string pkcs8 = encrypted_pkcs8_pem(k.get(), "correct horse");
  const std::string trad = traditional_pem(k.get(), "correct horse");
  CHECK(pkcs8.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0);
  for (const auto& pem : {pkcs8, trad}) {
    CHECK(private_key::from_pem(pem, "correct horse"));
    CHECK(private_key::from_pem(pem, "wrong horse").error() == errc::invalid_key);
    CHECK(private_key::from_pem(pem, "").error() == errc::invalid_key);
    // Without a passphrase the callback answers "none": no terminal prompt, just a refusal.
    CHECK(private_key::from_pem(pem).error() == errc::invalid_key);
  }
  // A passphrase given for an unencrypted key is not needed and does no harm.
  CHECK(private_key::from_pem(lightjwt_test::private_pem(k.get()), "unused"));
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("public and private PEM are not interchangeable", "[pkey]") {
  const auto k = lightjwt_test::generate("ED25519");
  CHECK(public_key::from_pem(lightjwt_test::private_pem(k.get())).error() == errc::invalid_key);
  CHECK(public_key::from_pem(traditional_pem(lightjwt_test::generate("EC").get())).error() ==
        errc::invalid_key);
  CHECK(private_key::from_pem(lightjwt_test::public_pem(k.get())).error() == errc::invalid_key);
  CHECK(private_key::from_der(view(lightjwt_test::public_der(k.get()))).error() ==
        errc::invalid_key);
  CHECK(public_key::from_der(view(lightjwt_test::private_der(k.get()))).error() ==
        errc::invalid_key);
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("malformed key input is refused with invalid_key", "[pkey]") {
  const auto k = lightjwt_test::generate("EC", 0, "P-256");
  bytes spki = lightjwt_test::public_der(k.get());
  CHECK(public_key::from_der(lightjwt::bytes_view()).error() == errc::invalid_key);
  CHECK(public_key::from_pem("").error() == errc::invalid_key);
  CHECK(public_key::from_pem("not a key").error() == errc::invalid_key);
  CHECK(public_key::from_pem("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n")
            .error() == errc::invalid_key);
  CHECK(private_key::from_pem("").error() == errc::invalid_key);
  CHECK(private_key::from_der(lightjwt::bytes_view()).error() == errc::invalid_key);
  // One structure exactly: trailing bytes and truncation are refused.
  bytes trailing = spki;
  trailing.push_back(0);
  CHECK(public_key::from_der(view(trailing)).error() == errc::invalid_key);
  bytes truncated(spki.begin(), spki.end() - 1);
  CHECK(public_key::from_der(view(truncated)).error() == errc::invalid_key);
  bytes p8 = lightjwt_test::private_der(k.get());
  p8.push_back(0);
  CHECK(private_key::from_der(view(p8)).error() == errc::invalid_key);
  // An unknown PEM label, even around a valid SPKI, is refused.
  CHECK(public_key::from_pem(lightjwt_test::pem_wrap("EC PUBLIC KEY", spki)).error() ==
        errc::invalid_key);
  // A PKCS#1 label around an SPKI is refused.
  CHECK(public_key::from_pem(lightjwt_test::pem_wrap("RSA PUBLIC KEY", spki)).error() ==
        errc::invalid_key);
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("public_key::from_pem skips text before the PEM block", "[pkey]") {
  const auto k = lightjwt_test::generate("EC", 0, "P-256");
  auto pub = public_key::from_pem("Subject: test\n" + lightjwt_test::public_pem(k.get()));
  REQUIRE(pub);
  CHECK(pub->curve() == key_curve::p256);
}

TEST_CASE("unsupported key kinds and curves are refused with invalid_key", "[pkey]") {
  const char* types[] = {"X25519", "X448", "RSA-PSS"};
  for (const char* type : types) {
    INFO(type);
    const auto k = lightjwt_test::generate(type);
    CHECK(public_key::from_der(view(lightjwt_test::public_der(k.get()))).error() ==
          errc::invalid_key);
    CHECK(private_key::from_pem(lightjwt_test::private_pem(k.get())).error() == errc::invalid_key);
    CHECK(private_key::from_native(k.get()).error() == errc::invalid_key);
  }
  const char* curves[] = {"secp256k1", "brainpoolP256r1", "prime192v1"};
  for (const char* curve : curves) {
    INFO(curve);
    const auto k = lightjwt_test::generate("EC", 0, curve);
    CHECK(public_key::from_der(view(lightjwt_test::public_der(k.get()))).error() ==
          errc::invalid_key);
    CHECK(private_key::from_pem(lightjwt_test::private_pem(k.get())).error() == errc::invalid_key);
  }
  CHECK(public_key::from_native(nullptr).error() == errc::invalid_key);
  CHECK(private_key::from_native(nullptr).error() == errc::invalid_key);
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("a public key derived from a private key holds no private material", "[pkey]") {
  const auto rsa = lightjwt_test::generate_pair("RSA", 2048);
  CHECK(has_bn_param(rsa.priv.native_handle(), OSSL_PKEY_PARAM_RSA_D));
  CHECK_FALSE(has_bn_param(rsa.pub.native_handle(), OSSL_PKEY_PARAM_RSA_D));
  CHECK(rsa.pub.native_handle() != rsa.priv.native_handle());
  const auto ec = lightjwt_test::generate_pair("EC", 0, "P-256");
  CHECK(has_bn_param(ec.priv.native_handle(), OSSL_PKEY_PARAM_PRIV_KEY));
  CHECK_FALSE(has_bn_param(ec.pub.native_handle(), OSSL_PKEY_PARAM_PRIV_KEY));
  // from_native on a key pair also keeps only the public half.
  auto pub = public_key::from_native(ec.priv.native_handle());
  REQUIRE(pub);
  CHECK_FALSE(has_bn_param(pub->native_handle(), OSSL_PKEY_PARAM_PRIV_KEY));
  CHECK(lightjwt_test::public_der(pub->native_handle()) ==
        lightjwt_test::public_der(ec.pub.native_handle()));
}

TEST_CASE("copies share one EVP_PKEY and from_native takes an independent copy", "[pkey]") {
  auto k = lightjwt_test::generate("ED25519");
  auto priv = private_key::from_native(k.get());
  REQUIRE(priv);
  CHECK(priv->native_handle() != k.get());
  k.reset();  // the caller's key is gone; ours lives on
  const private_key copy = *priv;
  CHECK(copy.native_handle() == priv->native_handle());
  private_key moved = std::move(*priv);
  CHECK(moved.native_handle() == copy.native_handle());
  CHECK(priv->native_handle() == nullptr);  // NOLINT(bugprone-use-after-move)
  auto pub = public_key::from_private(copy);
  REQUIRE(pub);
  public_key assigned = *pub;
  assigned = *pub;
  CHECK(assigned.native_handle() == pub->native_handle());
  CHECK(assigned.kind() == key_kind::ed25519);
}

TEST_CASE("an EC private key whose public point does not match its scalar is refused", "[pkey]") {
  // The pairwise check: take the scalar of one key and the point of another.
  const auto a = lightjwt_test::generate("EC", 0, "P-256");
  const auto b = lightjwt_test::generate("EC", 0, "P-256");
  BIGNUM* d = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(a.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
  unsigned char point[65];
  std::size_t point_len = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(b.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                          &point_len) == 1);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  REQUIRE(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1);
  REQUIRE(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len) == 1);
  REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) == 1);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* mixed = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx) == 1);
  REQUIRE(EVP_PKEY_fromdata(ctx, &mixed, EVP_PKEY_KEYPAIR, params) == 1);
  CHECK(private_key::from_native(mixed).error() == errc::invalid_key);
  EVP_PKEY_free(mixed);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(d);
}
