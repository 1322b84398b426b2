// Test helpers: read the shared vectors, decode hex and Base64URL, and build EVP_PKEYs from JWK
// members (OSSL_PARAM_BLD + EVP_PKEY_fromdata) until the library has its own JWK parser.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_TESTS_TEST_KEYS_HPP
#define LIGHTJWT_TESTS_TEST_KEYS_HPP

#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include <lightjwt/base64url.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/span.hpp>

#ifndef LIGHTJWT_TESTDATA_DIR
#  error "LIGHTJWT_TESTDATA_DIR must name the shared test-vector directory"
#endif

namespace lightjwt_test {

using bytes = std::vector<unsigned char>;
using pkey_ptr = lightjwt::detail::evp_pkey_ptr;

/// Returns the path of `rel` under the shared test-vector directory.
inline std::string testdata_path(std::string_view rel) {
  return std::string(LIGHTJWT_TESTDATA_DIR) + "/" + std::string(rel);
}

/// Reads a whole file under the shared test-vector directory.
inline std::string read_text(std::string_view rel) {
  std::ifstream in(testdata_path(rel), std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test vector " + testdata_path(rel));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Parses a JSON file under the shared test-vector directory.
inline nlohmann::json read_json(std::string_view rel) {
  return nlohmann::json::parse(read_text(rel));
}

/// Decodes lower- or upper-case hex.
inline bytes hex(std::string_view h) {
  auto nibble = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    throw std::runtime_error("bad hex digit");
  };
  if (h.size() % 2 != 0) throw std::runtime_error("odd hex length");
  bytes out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(nibble(h[2 * i]) << 4 | nibble(h[2 * i + 1]));
  }
  return out;
}

/// Decodes strict Base64URL (throws on malformed input: vectors are trusted to be well formed).
inline bytes b64u(std::string_view s) {
  auto r = lightjwt::base64url::decode(s);
  if (!r) throw std::runtime_error("bad base64url in a test vector");
  return std::move(*r);
}

/// Encodes bytes as Base64URL.
inline std::string b64u_encode(const bytes& b) {
  return lightjwt::base64url::encode(lightjwt::bytes_view(b.data(), b.size()));
}

/// Returns `s` as bytes.
inline bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

/// Returns a view of `b`.
inline lightjwt::bytes_view view(const bytes& b) { return {b.data(), b.size()}; }

namespace detail {

struct param_builder {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::vector<lightjwt::detail::bignum_ptr> bns;
  std::vector<bytes> octets;
  param_builder() = default;
  param_builder(const param_builder&) = delete;
  param_builder& operator=(const param_builder&) = delete;
  ~param_builder() { OSSL_PARAM_BLD_free(bld); }

  void bn(const char* key, const bytes& be) {
    bns.emplace_back(BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr));
    if (!bns.back() || OSSL_PARAM_BLD_push_BN(bld, key, bns.back().get()) != 1) {
      throw std::runtime_error("OSSL_PARAM_BLD_push_BN");
    }
  }
  void octet(const char* key, bytes b) {
    octets.push_back(std::move(b));
    if (OSSL_PARAM_BLD_push_octet_string(bld, key, octets.back().data(), octets.back().size()) !=
        1) {
      throw std::runtime_error("OSSL_PARAM_BLD_push_octet_string");
    }
  }
  void utf8(const char* key, const char* value) {
    if (OSSL_PARAM_BLD_push_utf8_string(bld, key, value, 0) != 1) {
      throw std::runtime_error("OSSL_PARAM_BLD_push_utf8_string");
    }
  }
  pkey_ptr build(const char* type, bool with_private) {
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY* k = nullptr;
    const bool ok =
        params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &k, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) ==
            1;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (!ok) {
      EVP_PKEY_free(k);
      throw std::runtime_error(std::string("EVP_PKEY_fromdata failed for ") + type);
    }
    return pkey_ptr(k);
  }
};

inline const char* ec_group_name(const std::string& crv) {
  if (crv == "P-256") return "prime256v1";
  if (crv == "P-384") return "secp384r1";
  if (crv == "P-521") return "secp521r1";
  throw std::runtime_error("unsupported crv " + crv);
}

}  // namespace detail

/// Builds an EVP_PKEY from a JWK's members (RSA, EC, OKP Ed25519/Ed448). With `with_private`
/// the private members are required; otherwise they are ignored. Throws when OpenSSL refuses.
inline pkey_ptr jwk_to_evp(const nlohmann::json& jwk, bool with_private) {
  const std::string kty = jwk.at("kty").get<std::string>();
  auto member = [&](const char* name) { return b64u(jwk.at(name).get<std::string>()); };
  detail::param_builder b;
  if (kty == "RSA") {
    b.bn(OSSL_PKEY_PARAM_RSA_N, member("n"));
    b.bn(OSSL_PKEY_PARAM_RSA_E, member("e"));
    if (with_private) {
      b.bn(OSSL_PKEY_PARAM_RSA_D, member("d"));
      if (jwk.contains("p")) {
        b.bn(OSSL_PKEY_PARAM_RSA_FACTOR1, member("p"));
        b.bn(OSSL_PKEY_PARAM_RSA_FACTOR2, member("q"));
        b.bn(OSSL_PKEY_PARAM_RSA_EXPONENT1, member("dp"));
        b.bn(OSSL_PKEY_PARAM_RSA_EXPONENT2, member("dq"));
        b.bn(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, member("qi"));
      }
    }
    return b.build("RSA", with_private);
  }
  if (kty == "EC") {
    b.utf8(OSSL_PKEY_PARAM_GROUP_NAME, detail::ec_group_name(jwk.at("crv").get<std::string>()));
    bytes point{0x04};
    const bytes x = member("x");
    const bytes y = member("y");
    point.insert(point.end(), x.begin(), x.end());
    point.insert(point.end(), y.begin(), y.end());
    b.octet(OSSL_PKEY_PARAM_PUB_KEY, std::move(point));
    if (with_private) b.bn(OSSL_PKEY_PARAM_PRIV_KEY, member("d"));
    return b.build("EC", with_private);
  }
  if (kty == "OKP") {
    const std::string crv = jwk.at("crv").get<std::string>();
    if (crv != "Ed25519" && crv != "Ed448") throw std::runtime_error("unsupported crv " + crv);
    b.octet(OSSL_PKEY_PARAM_PUB_KEY, member("x"));
    if (with_private) b.octet(OSSL_PKEY_PARAM_PRIV_KEY, member("d"));
    return b.build(crv == "Ed25519" ? "ED25519" : "ED448", with_private);
  }
  throw std::runtime_error("unsupported kty " + kty);
}

/// Returns the DER SubjectPublicKeyInfo of `k`.
inline bytes public_der(EVP_PKEY* k) {
  unsigned char* raw = nullptr;
  const int len = i2d_PUBKEY(k, &raw);
  if (len <= 0) throw std::runtime_error("i2d_PUBKEY");
  bytes out(raw, raw + len);
  OPENSSL_free(raw);
  return out;
}

/// Returns the DER PKCS#8 PrivateKeyInfo of `k`.
inline bytes private_der(EVP_PKEY* k) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(k);
  unsigned char* raw = nullptr;
  const int len = p8 != nullptr ? i2d_PKCS8_PRIV_KEY_INFO(p8, &raw) : -1;
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (len <= 0) throw std::runtime_error("i2d_PKCS8_PRIV_KEY_INFO");
  bytes out(raw, raw + len);
  OPENSSL_free(raw);
  return out;
}

namespace detail {
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}
}  // namespace detail

/// Returns the PEM "PUBLIC KEY" of `k`.
inline std::string public_pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio, k) != 1) throw std::runtime_error("PEM pub");
  return detail::drain(bio);
}

/// Returns the PEM "PRIVATE KEY" (PKCS#8) of `k`.
inline std::string private_pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM private");
  }
  return detail::drain(bio);
}

/// Returns a self-signed X.509 certificate (DER) for the key pair `k`.
inline bytes certificate_der(EVP_PKEY* k) {
  X509* x = X509_new();
  const bool eddsa = EVP_PKEY_is_a(k, "ED25519") != 0 || EVP_PKEY_is_a(k, "ED448") != 0;
  X509_NAME* name = x != nullptr ? X509_get_subject_name(x) : nullptr;
  const auto* cn = reinterpret_cast<const unsigned char*>("lightjwt test");  // NOLINT
  const bool ok =
      name != nullptr && X509_set_version(x, 2) == 1 &&
      ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(x), 0) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(x), 3600) != nullptr && X509_set_pubkey(x, k) == 1 &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1 &&
      X509_set_issuer_name(x, name) == 1 && X509_sign(x, k, eddsa ? nullptr : EVP_sha256()) > 0;
  unsigned char* raw = nullptr;
  const int len = ok ? i2d_X509(x, &raw) : -1;
  X509_free(x);
  if (len <= 0) throw std::runtime_error("cannot make a test certificate");
  bytes out(raw, raw + len);
  OPENSSL_free(raw);
  return out;
}

/// Wraps DER in PEM armour with `label`.
inline std::string pem_wrap(const char* label, const bytes& der) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr ||
      PEM_write_bio(bio, label, "", der.data(), static_cast<long>(der.size())) <= 0) {
    throw std::runtime_error("PEM_write_bio");
  }
  return detail::drain(bio);
}

/// Loads a JWK's public half through public_key::from_der (SPKI), as a JWK loader would.
inline lightjwt::result<lightjwt::public_key> public_from_jwk(const nlohmann::json& jwk) {
  const pkey_ptr k = jwk_to_evp(jwk, false);
  const bytes der = public_der(k.get());
  return lightjwt::public_key::from_der(view(der));
}

/// Loads a private JWK through private_key::from_pem (PKCS#8).
inline lightjwt::result<lightjwt::private_key> private_from_jwk(const nlohmann::json& jwk) {
  const pkey_ptr k = jwk_to_evp(jwk, true);
  return lightjwt::private_key::from_pem(private_pem(k.get()));
}

/// Generates a key: type "RSA" with `bits`, "EC" with curve `curve` ("P-256"), "ED25519",
/// "ED448".
inline pkey_ptr generate(const char* type, std::size_t bits = 2048, const char* curve = "P-256") {
  EVP_PKEY* k = nullptr;
  const std::string t(type);
  if (t == "RSA") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits);
  } else if (t == "EC") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  } else {
    // EVP_PKEY_Q_keygen knows only a few types; the generic path covers RSA-PSS and X448 too.
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, &k) != 1) {
      k = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
  }
  if (k == nullptr) throw std::runtime_error("EVP_PKEY_Q_keygen " + t);
  return pkey_ptr(k);
}

/// A generated key pair as lightjwt keys.
struct key_pair {
  lightjwt::private_key priv;
  lightjwt::public_key pub;
};

/// Generates a key pair (see generate()) and loads both halves through the library.
inline key_pair generate_pair(const char* type, std::size_t bits = 2048,
                              const char* curve = "P-256") {
  const pkey_ptr k = generate(type, bits, curve);
  auto priv = lightjwt::private_key::from_native(k.get());
  if (!priv) throw std::runtime_error("private_key::from_native: " + priv.error().message());
  auto pub = lightjwt::public_key::from_private(*priv);
  if (!pub) throw std::runtime_error("public_key::from_private: " + pub.error().message());
  return key_pair{std::move(*priv), std::move(*pub)};
}

}  // namespace lightjwt_test

#endif  // LIGHTJWT_TESTS_TEST_KEYS_HPP
