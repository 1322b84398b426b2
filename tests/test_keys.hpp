// Test helpers: read the shared vectors, decode hex and Base64URL, load JWKs through the library
// (lightjwt/jwk.hpp) and build raw EVP_PKEYs from JWK members for keys the parser refuses.
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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include <lightjwt/base64url.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/jwk.hpp>
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

/// Builds an EVP_PKEY from a JWK's members (RSA, EC, OKP Ed25519/Ed448) with the library's own
/// builder (lightjwt::detail::pkey_from_members), without the JWK parser's checks: tests use it
/// to make keys the parser would refuse (even e, oversized moduli, ...). With `with_private` the
/// private members are required; otherwise they are ignored. Throws when OpenSSL refuses.
inline pkey_ptr jwk_to_evp(const nlohmann::json& jwk, bool with_private) {
  const std::string kty = jwk.at("kty").get<std::string>();
  const std::string crv = jwk.value("crv", "");
  auto member = [&](const char* name) {
    return jwk.contains(name) ? b64u(jwk.at(name).get<std::string>()) : bytes();
  };
  const bytes n = member("n"), e = member("e"), p = member("p"), q = member("q"), dp = member("dp"),
              dq = member("dq"), qi = member("qi"), x = member("x"), y = member("y"),
              d = member("d");
  lightjwt::detail::jwk_key_material m;
  m.kty = kty;
  m.crv = crv;
  m.n = view(n);
  m.e = view(e);
  m.p = view(p);
  m.q = view(q);
  m.dp = view(dp);
  m.dq = view(dq);
  m.qi = view(qi);
  m.x = view(x);
  m.y = view(y);
  m.d = view(d);
  if (with_private && d.empty()) throw std::runtime_error("private JWK without d");
  pkey_ptr k = lightjwt::detail::pkey_from_members(m, with_private);
  if (!k) throw std::runtime_error("EVP_PKEY_fromdata failed for kty " + kty);
  return k;
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

/// Loads a JWK's public half through the library's JWK parser (lightjwt::jwk::parse); private
/// members, when present, are accepted and the public half is returned.
inline lightjwt::result<lightjwt::public_key> public_from_jwk(const nlohmann::json& jwk) {
  auto k = lightjwt::jwk::parse(jwk.dump(), lightjwt::jwk_access::allow_private);
  if (!k) return k.error();
  if (k->public_key_ptr() == nullptr) return lightjwt::errc::invalid_key;
  return *k->public_key_ptr();
}

/// Loads a private JWK through the library's JWK parser (lightjwt::jwk::parse).
inline lightjwt::result<lightjwt::private_key> private_from_jwk(const nlohmann::json& jwk) {
  auto k = lightjwt::jwk::parse(jwk.dump(), lightjwt::jwk_access::allow_private);
  if (!k) return k.error();
  if (k->private_key_ptr() == nullptr) return lightjwt::errc::invalid_key;
  return *k->private_key_ptr();
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
