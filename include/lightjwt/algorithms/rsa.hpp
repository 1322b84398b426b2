// RS256/384/512 (RSASSA-PKCS1-v1_5) and PS256/384/512 (RSASSA-PSS), RFC 7518 §3.3 and §3.5:
// one policy template over the digest and the padding.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_RSA_HPP
#define LIGHTJWT_ALGORITHMS_RSA_HPP

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <lightjwt/detail/evp_signature.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

namespace detail {

/// The two RSA signature schemes JOSE uses.
enum class rsa_padding { pkcs1_v1_5, pss };

struct rs256_traits {
  static constexpr std::string_view name = "RS256";
  static constexpr const char* digest = "SHA256";
  static constexpr rsa_padding padding = rsa_padding::pkcs1_v1_5;
};
struct rs384_traits {
  static constexpr std::string_view name = "RS384";
  static constexpr const char* digest = "SHA384";
  static constexpr rsa_padding padding = rsa_padding::pkcs1_v1_5;
};
struct rs512_traits {
  static constexpr std::string_view name = "RS512";
  static constexpr const char* digest = "SHA512";
  static constexpr rsa_padding padding = rsa_padding::pkcs1_v1_5;
};
struct ps256_traits {
  static constexpr std::string_view name = "PS256";
  static constexpr const char* digest = "SHA256";
  static constexpr rsa_padding padding = rsa_padding::pss;
};
struct ps384_traits {
  static constexpr std::string_view name = "PS384";
  static constexpr const char* digest = "SHA384";
  static constexpr rsa_padding padding = rsa_padding::pss;
};
struct ps512_traits {
  static constexpr std::string_view name = "PS512";
  static constexpr const char* digest = "SHA512";
  static constexpr rsa_padding padding = rsa_padding::pss;
};

/// The signature parameters of an RSA algorithm, as OpenSSL takes them. PSS fixes all three
/// parameters RFC 7518 §3.5 names: MGF1 with the same hash, and a salt as long as the hash, when
/// signing and when verifying. OpenSSL's verification default is "auto" salt length, which
/// accepts any salt (SECURITY-CATALOG SIG-7), so the length is always set explicitly.
class rsa_params {
 public:
  rsa_params(const char* digest, rsa_padding padding) noexcept {
    // OSSL_PARAM takes non-const strings and only reads them.
    char* md = const_cast<char*>(digest);                             // NOLINT
    char* pss = const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PSS);        // NOLINT
    char* pkcs1 = const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PKCSV15);  // NOLINT
    if (padding == rsa_padding::pss) {
      params_ = {OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pss, 0),
                 OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, md, 0),
                 OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &salt_len_),
                 OSSL_PARAM_construct_end()};
    } else {
      params_ = {OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pkcs1, 0),
                 OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end(),
                 OSSL_PARAM_construct_end()};
    }
  }
  rsa_params(const rsa_params&) = delete;  // params_ points at salt_len_
  rsa_params& operator=(const rsa_params&) = delete;
  rsa_params(rsa_params&&) = delete;
  rsa_params& operator=(rsa_params&&) = delete;
  ~rsa_params() = default;
  [[nodiscard]] const OSSL_PARAM* get() const noexcept { return params_.data(); }

 private:
  int salt_len_ = RSA_PSS_SALTLEN_DIGEST;
  std::array<OSSL_PARAM, 4> params_{};
};

/// Builds the signing template for an RSA key.
inline evp_md_ctx_ptr make_rsa_sign_template(EVP_PKEY* pkey, const char* digest,
                                             rsa_padding padding) noexcept {
  const rsa_params params(digest, padding);
  return make_sig_template(sig_op::sign, pkey, digest, params.get());
}

/// Prepares the verification of an RSA key's signatures.
inline std::unique_ptr<prehash_verifier> make_rsa_verifier(EVP_PKEY* pkey, const char* digest,
                                                           rsa_padding padding) noexcept {
  const rsa_params params(digest, padding);
  return prehash_verifier::create(pkey, digest, params.get());
}

/// Checks that `pkey` is a valid RSA key (KEY-3, KEY-4) and returns its modulus length in bytes,
/// or 0 with the code in `ec`.
inline std::size_t bind_rsa_key(EVP_PKEY* pkey, bool need_private, std::error_code& ec) noexcept {
  pkey_info info;
  ec = inspect_pkey(pkey, need_private, info);
  if (!ec && info.kind != key_kind::rsa) ec = errc::invalid_key;
  if (ec) return 0;
  const int size = EVP_PKEY_get_size(pkey);
  if (size <= 0) {
    ec = errc::invalid_key;
    return 0;
  }
  return static_cast<std::size_t>(size);
}

}  // namespace detail

/// The RSA signer policy: RS* and PS* differ only in Traits (digest, padding). Keys must be RSA
/// (rsaEncryption) with a modulus of 2048 to 8192 bits and an odd public exponent >= 3.
template <class Traits>
struct rsa_algorithm {
  /// The JOSE `alg` name.
  static constexpr std::string_view name = Traits::name;
  /// The longest signature: the modulus length of the largest accepted key (8192 bits).
  static constexpr std::size_t max_signature_size = max_rsa_bits / 8;
  using verify_key = public_key;
  using sign_key = private_key;

  /// A public key bound to this algorithm. Immutable; safe to share between threads.
  class verify_context {
   public:
    /// Binds `key`: invalid_key unless it is a usable RSA key (kind, exponent, at most 8192
    /// bits), key_too_weak under 2048 bits, crypto_failure when OpenSSL cannot set up.
    [[nodiscard]] static result<verify_context> create(const public_key& key) noexcept {
      std::error_code ec;
      const std::size_t size = detail::bind_rsa_key(key.native_handle(), false, ec);
      if (ec) return ec;
      auto v = detail::make_rsa_verifier(key.native_handle(), Traits::digest, Traits::padding);
      if (!v) return errc::crypto_failure;
      return verify_context(std::move(v), size);
    }

    /// Returns the modulus length in bytes: the only signature length that can verify.
    [[nodiscard]] std::size_t signature_size() const noexcept { return size_; }

    /// Checks `sig` over `input`. The length is checked first (RFC 8017 §8.2.2 step 1 and
    /// §8.1.2 step 1; SIG-6): a signature with a leading zero stripped or bytes appended is
    /// invalid_signature without reaching OpenSSL. No C++ heap allocation.
    [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
      if (sig.size() != size_) return errc::invalid_signature;
      return v_->verify(input, sig);
    }

   private:
    verify_context(std::unique_ptr<detail::prehash_verifier> v, std::size_t size) noexcept
        : v_(std::move(v)), size_(size) {}
    std::unique_ptr<detail::prehash_verifier> v_;  // never null
    std::size_t size_;
  };

  /// A private key bound to this algorithm. Immutable; safe to share between threads.
  class sign_context {
   public:
    /// Binds `key`: codes as verify_context::create, and invalid_key without the private half.
    [[nodiscard]] static result<sign_context> create(const private_key& key) noexcept {
      std::error_code ec;
      const std::size_t size = detail::bind_rsa_key(key.native_handle(), true, ec);
      if (ec) return ec;
      auto tmpl =
          detail::make_rsa_sign_template(key.native_handle(), Traits::digest, Traits::padding);
      if (!tmpl) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return sign_context(std::move(tmpl), size);
    }

    /// Returns the length of every signature this context makes: the modulus length.
    [[nodiscard]] std::size_t signature_size() const noexcept { return size_; }

    /// Writes the signature of `input` to `out`; returns its length. buffer_too_small when
    /// `out` is shorter than signature_size(); crypto_failure when OpenSSL fails.
    [[nodiscard]] result<std::size_t> sign(bytes_view input, mutable_bytes out) const noexcept {
      if (out.size() < size_) return errc::buffer_too_small;
      std::size_t n = 0;
      if (!detail::digest_sign(tmpl_.get(), input, out.data(), out.size(), n) || n != size_) {
        return errc::crypto_failure;
      }
      return n;
    }

   private:
    sign_context(detail::evp_md_ctx_ptr tmpl, std::size_t size) noexcept
        : tmpl_(std::move(tmpl)), size_(size) {}
    detail::evp_md_ctx_ptr tmpl_;
    std::size_t size_;
  };
};

/// RSASSA-PKCS1-v1_5 with SHA-256.
using rs256 = rsa_algorithm<detail::rs256_traits>;
/// RSASSA-PKCS1-v1_5 with SHA-384.
using rs384 = rsa_algorithm<detail::rs384_traits>;
/// RSASSA-PKCS1-v1_5 with SHA-512.
using rs512 = rsa_algorithm<detail::rs512_traits>;
/// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
using ps256 = rsa_algorithm<detail::ps256_traits>;
/// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
using ps384 = rsa_algorithm<detail::ps384_traits>;
/// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
using ps512 = rsa_algorithm<detail::ps512_traits>;

}  // namespace lightjwt

#endif  // LIGHTJWT_ALGORITHMS_RSA_HPP
