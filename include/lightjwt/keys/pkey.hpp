// Asymmetric keys: public_key and private_key over a shared, immutable OpenSSL EVP_PKEY.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_KEYS_PKEY_HPP
#define LIGHTJWT_KEYS_PKEY_HPP

#include <array>
#include <climits>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <lightjwt/config.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

/// The kinds of asymmetric key lightjwt signs and verifies with.
enum class key_kind {
  /// RSA (rsaEncryption): RS256, RS384, RS512, PS256, PS384, PS512.
  rsa = 1,
  /// ECDSA on a named NIST curve: ES256, ES384, ES512.
  ec,
  /// EdDSA on edwards25519: EdDSA, Ed25519.
  ed25519,
  /// EdDSA on edwards448: EdDSA, Ed448.
  ed448,
};

/// The curve of a key; `none` for RSA.
enum class key_curve {
  /// Not an elliptic-curve key (RSA).
  none = 0,
  /// NIST P-256 (secp256r1, prime256v1).
  p256,
  /// NIST P-384 (secp384r1).
  p384,
  /// NIST P-521 (secp521r1).
  p521,
  /// edwards25519.
  ed25519,
  /// edwards448.
  ed448,
};

/// Returns a key kind's name: "RSA", "EC", "Ed25519", "Ed448".
constexpr std::string_view to_string(key_kind k) noexcept {
  switch (k) {
  case key_kind::rsa: return "RSA";
  case key_kind::ec: return "EC";
  case key_kind::ed25519: return "Ed25519";
  case key_kind::ed448: return "Ed448";
  }
  return "unknown";
}

/// Returns a curve's JOSE `crv` name ("P-256", "Ed25519", ...), or "" for key_curve::none.
constexpr std::string_view to_string(key_curve c) noexcept {
  switch (c) {
  case key_curve::none: return "";
  case key_curve::p256: return "P-256";
  case key_curve::p384: return "P-384";
  case key_curve::p521: return "P-521";
  case key_curve::ed25519: return "Ed25519";
  case key_curve::ed448: return "Ed448";
  }
  return "unknown";
}

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3, §3.5; SECURITY-CATALOG KEY-3).
inline constexpr std::size_t min_rsa_bits = 2048;
/// The largest RSA modulus accepted, in bits: verification cost grows with the modulus, and a
/// hostile key set must not make each token expensive (KEY-4).
inline constexpr std::size_t max_rsa_bits = 8192;

namespace detail {

/// What a validated key is: cached at load so that binding it to an algorithm is cheap.
struct pkey_info {
  key_kind kind = key_kind::rsa;
  key_curve curve = key_curve::none;
  std::size_t bits = 0;
};

/// Runs one of OpenSSL's EVP_PKEY_*_check functions on `k`.
inline bool pkey_check(EVP_PKEY* k, int (*check)(EVP_PKEY_CTX*)) noexcept {
  const evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr));
  return ctx && check(ctx.get()) == 1;
}

inline std::error_code inspect_rsa(EVP_PKEY* k, pkey_info& info) noexcept {
  const int bits = EVP_PKEY_get_bits(k);
  if (bits <= 0) return errc::invalid_key;
  info.bits = static_cast<std::size_t>(bits);
  // KEY-4: the cap comes before any other work on the modulus.
  if (info.bits > max_rsa_bits) return errc::invalid_key;
  BIGNUM* raw_n = nullptr;
  BIGNUM* raw_e = nullptr;
  const bool got_n = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &raw_n) == 1;
  const bignum_ptr n(raw_n);
  const bool got_e = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &raw_e) == 1;
  const bignum_ptr e(raw_e);
  if (!got_n || !got_e) return errc::invalid_key;
  // KEY-4: e = 1 makes every message its own signature; an even e or an even n is no RSA key.
  // e = 3 is accepted: it is odd and >= 3, and PKCS#1 v1.5 verification re-encodes the whole
  // DigestInfo, so Bleichenbacher's e = 3 forgery does not apply (docs/api/keys.md).
  if (BN_is_odd(e.get()) == 0 || BN_is_one(e.get()) != 0 || BN_is_odd(n.get()) == 0) {
    return errc::invalid_key;
  }
  if (info.bits < min_rsa_bits) return errc::key_too_weak;
  return {};
}

inline std::error_code inspect_ec(EVP_PKEY* k, pkey_info& info) noexcept {
  // KEY-5, CurveBall (CVE-2020-0601): explicit parameters can describe any group, even one that
  // reuses a named curve's prime with another generator. Only the named encoding is accepted.
  std::array<char, 32> enc{};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING, enc.data(), enc.size(),
                                     &len) != 1 ||
      std::string_view(enc.data(), len) != OSSL_PKEY_EC_ENCODING_GROUP) {
    return errc::invalid_key;
  }
  std::array<char, 64> name{};
  if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(),
                                     &len) != 1) {
    return errc::invalid_key;
  }
  const std::string_view n(name.data(), len);
  if (n == "prime256v1" || n == "P-256" || n == "secp256r1") {
    info.curve = key_curve::p256;
  } else if (n == "secp384r1" || n == "P-384") {
    info.curve = key_curve::p384;
  } else if (n == "secp521r1" || n == "P-521") {
    info.curve = key_curve::p521;
  } else {
    return errc::invalid_key;
  }
  // The point is on the curve and in the group of order n (SP 800-56A r3 §5.6.2.3.3).
  if (!pkey_check(k, EVP_PKEY_public_check)) return errc::invalid_key;
  info.bits = static_cast<std::size_t>(EVP_PKEY_get_bits(k));
  return {};
}

/// Validates `k` as a lightjwt key and describes it: invalid_key for an unsupported kind
/// (DSA, DH, X25519, RSA-PSS-restricted, SM2, ...), a curve other than P-256/384/521, explicit
/// curve parameters, a point that fails the public-key check, a degenerate or oversized RSA key,
/// or (with `need_private`) a key without its private half; key_too_weak for RSA under 2048 bits.
/// Clears the OpenSSL error queue.
inline std::error_code inspect_pkey(EVP_PKEY* k, bool need_private, pkey_info& info) noexcept {
  // RSA-PSS-restricted keys are not "RSA" here: their SPKI parameters would constrain the hash
  // and salt beyond what the JOSE `alg` says, and JWK cannot express them.
  const bool rsa = k != nullptr && EVP_PKEY_is_a(k, "RSA") != 0;
  const bool ec_key = k != nullptr && EVP_PKEY_is_a(k, "EC") != 0;
  const bool ed25519 = k != nullptr && EVP_PKEY_is_a(k, "ED25519") != 0;
  const bool ed448 = k != nullptr && EVP_PKEY_is_a(k, "ED448") != 0;
  std::error_code ec;
  if (rsa) {
    info.kind = key_kind::rsa;
    info.curve = key_curve::none;
    ec = inspect_rsa(k, info);
  } else if (ec_key) {
    info.kind = key_kind::ec;
    ec = inspect_ec(k, info);
  } else if (ed25519 || ed448) {
    info.kind = ed25519 ? key_kind::ed25519 : key_kind::ed448;
    info.curve = ed25519 ? key_curve::ed25519 : key_curve::ed448;
    info.bits = ed25519 ? 256 : 448;  // fixed by the curve (OpenSSL reports 256 and 456)
    if (!pkey_check(k, EVP_PKEY_public_check)) ec = errc::invalid_key;
  } else {
    ec = errc::invalid_key;  // null, or a kind no JWS algorithm here uses
  }
  // The private half must be there and, for EC, match the public point.
  if (!ec && need_private &&
      (!pkey_check(k, EVP_PKEY_private_check) ||
       (info.kind == key_kind::ec && !pkey_check(k, EVP_PKEY_pairwise_check)))) {
    ec = errc::invalid_key;
  }
  clear_openssl_errors();
  return ec;
}

/// Returns true when `*p` reached `end`: DER input must hold exactly one structure.
inline bool consumed_all(const unsigned char* p, bytes_view der) noexcept {
  return p == der.data() + der.size();
}

/// Decodes a DER SubjectPublicKeyInfo, or an X.509 certificate's public key. Null on failure.
inline evp_pkey_ptr decode_public_der(bytes_view der) noexcept {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return nullptr;
  const auto len = static_cast<long>(der.size());
  const unsigned char* p = der.data();
  evp_pkey_ptr k(d2i_PUBKEY(nullptr, &p, len));
  if (k) return consumed_all(p, der) ? std::move(k) : nullptr;
  p = der.data();
  const x509_ptr cert(d2i_X509(nullptr, &p, len));
  if (!cert || !consumed_all(p, der)) return nullptr;
  return evp_pkey_ptr(X509_get_pubkey(cert.get()));  // a new reference
}

/// Passes the caller's passphrase to OpenSSL, or -1 when there is none: never a prompt.
struct passphrase_arg {
  std::string_view text;
  bool given = false;
};
inline int passphrase_callback(char* buf, int size, int /*rwflag*/, void* u) noexcept {
  const auto* arg = static_cast<const passphrase_arg*>(u);
  if (arg == nullptr || !arg->given || size < 0 ||
      arg->text.size() > static_cast<std::size_t>(size)) {
    return -1;
  }
  if (!arg->text.empty()) std::memcpy(buf, arg->text.data(), arg->text.size());
  return static_cast<int>(arg->text.size());
}

/// A read-only memory BIO over `text`; null when it is too long for OpenSSL's int length.
inline bio_ptr memory_bio(std::string_view text) noexcept {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace detail

class private_key;

/// A public key for verification: RSA, EC (P-256/384/521) or EdDSA (Ed25519/Ed448). Holds a
/// shared reference to an immutable EVP_PKEY that holds no private material; copies share it.
/// Safe to share between threads. Every factory validates the key: invalid_key or key_too_weak.
class public_key {
 public:
  /// Loads the first PEM block of `pem`: "PUBLIC KEY" (SubjectPublicKeyInfo), "RSA PUBLIC KEY"
  /// (PKCS#1) or "CERTIFICATE" (X.509; its chain is not validated). Text before the block is
  /// skipped, as OpenSSL does. invalid_key for any other label (a private key: use
  /// from_private), unparsable input or an unsupported key; key_too_weak for RSA < 2048 bits.
  [[nodiscard]] static result<public_key> from_pem(std::string_view pem) noexcept {
    const detail::bio_ptr bio = detail::memory_bio(pem);
    if (!bio) return fail(errc::invalid_key);
    char* raw_name = nullptr;
    char* raw_header = nullptr;
    unsigned char* raw_data = nullptr;
    long len = 0;
    const int ok = PEM_read_bio(bio.get(), &raw_name, &raw_header, &raw_data, &len);
    const detail::ossl_chars_ptr name(raw_name);
    const detail::ossl_chars_ptr header(raw_header);
    const detail::ossl_bytes_ptr data(raw_data);
    // A public key is never encrypted: a Proc-Type header means this is not what we expect.
    if (ok != 1 || len <= 0 || (header && header.get()[0] != '\0')) return fail(errc::invalid_key);
    const std::string_view label(name.get());
    const bytes_view der(data.get(), static_cast<std::size_t>(len));
    const unsigned char* p = der.data();
    detail::evp_pkey_ptr k;
    if (label == "PUBLIC KEY") {
      k.reset(d2i_PUBKEY(nullptr, &p, len));
    } else if (label == "RSA PUBLIC KEY") {
      k.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len));
    } else if (label == "CERTIFICATE") {
      const detail::x509_ptr cert(d2i_X509(nullptr, &p, len));
      if (cert) k.reset(X509_get_pubkey(cert.get()));
    }
    if (!k || !detail::consumed_all(p, der)) return fail(errc::invalid_key);
    return adopt(std::move(k));
  }

  /// Loads a DER SubjectPublicKeyInfo or X.509 certificate (its public key; the chain is not
  /// validated). The input must be exactly one structure. Codes as from_pem.
  [[nodiscard]] static result<public_key> from_der(bytes_view der) noexcept {
    detail::evp_pkey_ptr k = detail::decode_public_der(der);
    if (!k) return fail(errc::invalid_key);
    return adopt(std::move(k));
  }

  /// Returns the public half of `key` (a new EVP_PKEY without the private material).
  [[nodiscard]] static result<public_key> from_private(const private_key& key) noexcept;

  /// Copies the public half of an EVP_PKEY the caller built (for example from JWK members), so
  /// that later changes to `k` cannot reach this key. Codes as from_pem.
  [[nodiscard]] static result<public_key> from_native(EVP_PKEY* k) noexcept {
    if (k == nullptr) return errc::invalid_key;
    // A DER round trip keeps only the public half and yields an object nobody else holds.
    unsigned char* raw = nullptr;
    const int len = i2d_PUBKEY(k, &raw);
    const detail::ossl_bytes_ptr der(raw);
    if (len <= 0) return fail(errc::invalid_key);
    return from_der(bytes_view(der.get(), static_cast<std::size_t>(len)));
  }

  public_key(const public_key& o) noexcept : pkey_(detail::share(o.pkey_.get())), info_(o.info_) {
    LIGHTJWT_ASSERT(pkey_ || !o.pkey_);
  }
  public_key(public_key&& o) noexcept = default;
  public_key& operator=(const public_key& o) noexcept {
    if (this != &o) *this = public_key(o);
    return *this;
  }
  public_key& operator=(public_key&& o) noexcept = default;
  ~public_key() = default;

  /// Returns the key's kind.
  [[nodiscard]] key_kind kind() const noexcept { return info_.kind; }
  /// Returns the key's curve (key_curve::none for RSA).
  [[nodiscard]] key_curve curve() const noexcept { return info_.curve; }
  /// Returns the size in bits: the modulus for RSA, the field for EC, 256 or 448 for EdDSA.
  [[nodiscard]] std::size_t bits() const noexcept { return info_.bits; }
  /// Returns the EVP_PKEY, owned by this key; null only for a moved-from key. Never modify it.
  [[nodiscard]] EVP_PKEY* native_handle() const noexcept { return pkey_.get(); }

 private:
  public_key(detail::evp_pkey_ptr k, detail::pkey_info info) noexcept
      : pkey_(std::move(k)), info_(info) {}
  static result<public_key> adopt(detail::evp_pkey_ptr k) noexcept {
    detail::pkey_info info;
    if (auto ec = detail::inspect_pkey(k.get(), false, info)) return ec;
    return public_key(std::move(k), info);
  }
  static std::error_code fail(errc e) noexcept {
    detail::clear_openssl_errors();
    return e;
  }

  detail::evp_pkey_ptr pkey_;
  detail::pkey_info info_;
};

/// A private key for signing: RSA, EC (P-256/384/521) or EdDSA (Ed25519/Ed448). Holds a shared
/// reference to an immutable EVP_PKEY; copies share it. Safe to share between threads. Every
/// factory validates the key: invalid_key or key_too_weak, as for public_key, and invalid_key
/// when the private half is missing or (EC) does not match the public point.
class private_key {
 public:
  /// Loads the first private key in `pem`: "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY" or
  /// "EC PRIVATE KEY". An encrypted key fails with invalid_key: use the overload with a
  /// passphrase. Never prompts.
  [[nodiscard]] static result<private_key> from_pem(std::string_view pem) noexcept {
    return read_pem(pem, detail::passphrase_arg{});
  }

  /// Loads a private key as above, decrypting "ENCRYPTED PRIVATE KEY" (PKCS#8) or an encrypted
  /// traditional key with `passphrase`. A wrong passphrase fails with invalid_key.
  [[nodiscard]] static result<private_key> from_pem(std::string_view pem,
                                                    std::string_view passphrase) noexcept {
    return read_pem(pem, detail::passphrase_arg{passphrase, true});
  }

  /// Loads an unencrypted DER PKCS#8 PrivateKeyInfo, which must be exactly one structure.
  [[nodiscard]] static result<private_key> from_der(bytes_view der) noexcept {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) {
      return fail(errc::invalid_key);
    }
    const unsigned char* p = der.data();
    const detail::pkcs8_ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    if (!p8 || !detail::consumed_all(p, der)) return fail(errc::invalid_key);
    return adopt(detail::evp_pkey_ptr(EVP_PKCS82PKEY(p8.get())));
  }

  /// Copies an EVP_PKEY the caller built or generated (EVP_PKEY_dup), so that later changes to
  /// `k` cannot reach this key. Codes as from_pem.
  [[nodiscard]] static result<private_key> from_native(EVP_PKEY* k) noexcept {
    if (k == nullptr) return errc::invalid_key;
    return adopt(detail::evp_pkey_ptr(EVP_PKEY_dup(k)));
  }

  private_key(const private_key& o) noexcept : pkey_(detail::share(o.pkey_.get())), info_(o.info_) {
    LIGHTJWT_ASSERT(pkey_ || !o.pkey_);
  }
  private_key(private_key&& o) noexcept = default;
  private_key& operator=(const private_key& o) noexcept {
    if (this != &o) *this = private_key(o);
    return *this;
  }
  private_key& operator=(private_key&& o) noexcept = default;
  ~private_key() = default;

  /// Returns the key's kind.
  [[nodiscard]] key_kind kind() const noexcept { return info_.kind; }
  /// Returns the key's curve (key_curve::none for RSA).
  [[nodiscard]] key_curve curve() const noexcept { return info_.curve; }
  /// Returns the size in bits: the modulus for RSA, the field for EC, 256 or 448 for EdDSA.
  [[nodiscard]] std::size_t bits() const noexcept { return info_.bits; }
  /// Returns the EVP_PKEY, owned by this key; null only for a moved-from key. Never modify it.
  [[nodiscard]] EVP_PKEY* native_handle() const noexcept { return pkey_.get(); }

 private:
  private_key(detail::evp_pkey_ptr k, detail::pkey_info info) noexcept
      : pkey_(std::move(k)), info_(info) {}
  static result<private_key> read_pem(std::string_view pem, detail::passphrase_arg arg) noexcept {
    const detail::bio_ptr bio = detail::memory_bio(pem);
    if (!bio) return fail(errc::invalid_key);
    // The callback is always ours: OpenSSL's default one would prompt on the terminal.
    detail::evp_pkey_ptr k(PEM_read_bio_PrivateKey_ex(
        bio.get(), nullptr, detail::passphrase_callback, &arg, nullptr, nullptr));
    if (!k) return fail(errc::invalid_key);
    return adopt(std::move(k));
  }
  static result<private_key> adopt(detail::evp_pkey_ptr k) noexcept {
    detail::pkey_info info;
    if (auto ec = detail::inspect_pkey(k.get(), true, info)) return ec;
    return private_key(std::move(k), info);
  }
  static std::error_code fail(errc e) noexcept {
    detail::clear_openssl_errors();
    return e;
  }

  detail::evp_pkey_ptr pkey_;
  detail::pkey_info info_;
};

inline result<public_key> public_key::from_private(const private_key& key) noexcept {
  return from_native(key.native_handle());
}

}  // namespace lightjwt

#endif  // LIGHTJWT_KEYS_PKEY_HPP
