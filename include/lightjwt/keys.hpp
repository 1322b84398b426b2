// Key material: hmac_key (shared secrets); public_key and private_key are in keys/ headers.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_KEYS_HPP
#define LIGHTJWT_KEYS_HPP

#include <cstddef>
#include <string_view>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys/pkey.hpp>  // IWYU pragma: export
#include <lightjwt/span.hpp>

namespace lightjwt {

/// The shortest secret any HMAC algorithm accepts: 32 bytes, the output of SHA-256
/// (RFC 7518 §3.2). HS384 and HS512 require 48 and 64 bytes when the key is bound to them.
inline constexpr std::size_t min_hmac_key_size = 32;

namespace detail {

/// Returns true when `b` looks like public-key material rather than a secret: PEM or OpenSSH
/// armour (after any leading whitespace), a JSON object (a JWK), or DER that parses as a
/// SubjectPublicKeyInfo or an X.509 certificate (SECURITY-CATALOG KEY-2, CVE-2022-29217).
inline bool looks_like_public_key(bytes_view b) noexcept {
  std::size_t i = 0;
  while (i < b.size() && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) ++i;
  const std::string_view s = as_chars(b.subspan(i));
  constexpr std::string_view armour[] = {"-----BEGIN", "ssh-rsa",     "ssh-ed25519", "ssh-ed448",
                                         "ssh-dss",    "ecdsa-sha2-", "sk-ssh-",     "sk-ecdsa-"};
  for (const auto a : armour) {
    if (s.substr(0, a.size()) == a) return true;
  }
  // A JWK or JWK Set: a JSON object with a "kty" or "keys" member. Random secrets that merely
  // start with '{' are not refused (1 in 256 of them would be).
  if (!s.empty() && s.front() == '{') {
    bool jwk = false;
    const std::error_code ec = scan_object(s, scan_limits{}, [&](const json_member& m) {
      jwk = jwk || name_is(m, "kty") || name_is(m, "keys");
    });
    if (!ec && jwk) return true;
  }
  // DER, as given and after the whitespace a careless caller might have left in front.
  for (const bytes_view der : {b, b.subspan(i)}) {
    const unsigned char* p = der.data();
    if (EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()))) {
      EVP_PKEY_free(k);
      return true;
    }
    p = der.data();
    if (X509* c = d2i_X509(nullptr, &p, static_cast<long>(der.size()))) {
      X509_free(c);
      return true;
    }
  }
  clear_openssl_errors();
  return false;
}

}  // namespace detail

/// A shared HMAC secret. Built from bytes only (no constructor from a string literal), wiped
/// with OPENSSL_cleanse when destroyed. Immutable; safe to share between threads.
class hmac_key {
 public:
  /// Copies `secret` into a new key. invalid_key when it looks like a public key, certificate
  /// or JWK (KEY-2); key_too_weak when empty or shorter than min_hmac_key_size (KEY-1).
  /// A human password of adequate length cannot be detected: use generate() for new secrets.
  [[nodiscard]] static result<hmac_key> from_bytes(bytes_view secret) {
    if (secret.empty()) return errc::key_too_weak;
    if (detail::looks_like_public_key(secret)) return errc::invalid_key;
    if (secret.size() < min_hmac_key_size) return errc::key_too_weak;
    return hmac_key(secret);
  }

  /// Draws a new secret of `size` bytes (default 64, enough for HS512) from OpenSSL's CSPRNG.
  [[nodiscard]] static result<hmac_key> generate(std::size_t size = 64) {
    if (size < min_hmac_key_size) return errc::key_too_weak;
    std::vector<unsigned char> buf(size);
    if (RAND_bytes(buf.data(), static_cast<int>(size)) != 1) {
      detail::clear_openssl_errors();
      return errc::crypto_failure;
    }
    hmac_key k(buf);
    OPENSSL_cleanse(buf.data(), buf.size());
    return k;
  }

  hmac_key(const hmac_key&) = default;
  hmac_key(hmac_key&& o) noexcept = default;
  hmac_key& operator=(const hmac_key& o) {
    if (this != &o) {
      wipe();
      secret_ = o.secret_;
    }
    return *this;
  }
  hmac_key& operator=(hmac_key&& o) noexcept {
    if (this != &o) {
      wipe();
      secret_ = std::move(o.secret_);
    }
    return *this;
  }
  ~hmac_key() { wipe(); }

  /// Returns the secret; the view points into this key.
  [[nodiscard]] bytes_view bytes() const noexcept { return {secret_.data(), secret_.size()}; }
  /// Returns the secret's length in bytes.
  [[nodiscard]] std::size_t size() const noexcept { return secret_.size(); }

 private:
  explicit hmac_key(bytes_view s) : secret_(s.begin(), s.end()) {}
  void wipe() noexcept {
    if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
  }
  std::vector<unsigned char> secret_;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_KEYS_HPP
