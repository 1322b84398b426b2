// EdDSA (RFC 8037 "EdDSA"; RFC 9864 "Ed25519" and "Ed448"): one policy template over the curves
// an algorithm name admits.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_EDDSA_HPP
#define LIGHTJWT_ALGORITHMS_EDDSA_HPP

#include <cstddef>
#include <string_view>
#include <system_error>
#include <utility>

#include <openssl/evp.h>

#include <lightjwt/detail/evp_signature.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

namespace detail {

/// Ed25519 signatures are 64 bytes, Ed448 signatures 114 (RFC 8032 §5.1.6, §5.2.6).
inline constexpr std::size_t ed25519_signature_size = 64;
inline constexpr std::size_t ed448_signature_size = 114;

struct eddsa_traits {
  static constexpr std::string_view name = "EdDSA";
  static constexpr bool ed25519 = true;
  static constexpr bool ed448 = true;
};
struct ed25519_traits {
  static constexpr std::string_view name = "Ed25519";
  static constexpr bool ed25519 = true;
  static constexpr bool ed448 = false;
};
struct ed448_traits {
  static constexpr std::string_view name = "Ed448";
  static constexpr bool ed25519 = false;
  static constexpr bool ed448 = true;
};

/// Checks that `pkey` is an EdDSA key on a curve the algorithm admits and returns its signature
/// length, or 0 with invalid_key in `ec`.
template <class Traits>
std::size_t bind_eddsa_key(EVP_PKEY* pkey, bool need_private, std::error_code& ec) noexcept {
  pkey_info info;
  ec = inspect_pkey(pkey, need_private, info);
  if (ec) return 0;
  if (Traits::ed25519 && info.kind == key_kind::ed25519) return ed25519_signature_size;
  if (Traits::ed448 && info.kind == key_kind::ed448) return ed448_signature_size;
  ec = errc::invalid_key;
  return 0;
}

}  // namespace detail

/// The EdDSA signer policy (pure Ed25519 and Ed448, no context, no prehash). The key decides the
/// curve: under `eddsa` an Ed25519 key verifies 64-byte signatures and an Ed448 key 114-byte
/// ones; `ed25519` and `ed448` admit only their own curve (RFC 9864).
template <class Traits>
struct eddsa_algorithm {
  /// The JOSE `alg` name.
  static constexpr std::string_view name = Traits::name;
  /// The longest signature of an admitted curve.
  static constexpr std::size_t max_signature_size =
      Traits::ed448 ? detail::ed448_signature_size : detail::ed25519_signature_size;
  using verify_key = public_key;
  using sign_key = private_key;

  /// A public key bound to this algorithm. Immutable; safe to share between threads.
  class verify_context {
   public:
    /// Binds `key`: invalid_key unless it is an EdDSA key on a curve this algorithm admits;
    /// crypto_failure when OpenSSL cannot set up.
    [[nodiscard]] static result<verify_context> create(const public_key& key) noexcept {
      std::error_code ec;
      const std::size_t size = detail::bind_eddsa_key<Traits>(key.native_handle(), false, ec);
      if (ec) return ec;
      auto tmpl =
          detail::make_sig_template(detail::sig_op::verify, key.native_handle(), nullptr, nullptr);
      if (!tmpl) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return verify_context(std::move(tmpl), size);
    }

    /// Returns the only signature length that can verify with this key: 64 or 114.
    [[nodiscard]] std::size_t signature_size() const noexcept { return size_; }

    /// Checks `sig` over `input`: invalid_signature for any other length than the key's curve
    /// produces (SIG-8: truncated, extended, or the other curve's), and for S >= L, which
    /// OpenSSL refuses (RFC 8032 §5.1.7). No C++ heap allocation.
    [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
      if (sig.size() != size_) return errc::invalid_signature;
      return detail::digest_verify(tmpl_.get(), input, sig);
    }

   private:
    verify_context(detail::evp_md_ctx_ptr tmpl, std::size_t size) noexcept
        : tmpl_(std::move(tmpl)), size_(size) {}
    detail::evp_md_ctx_ptr tmpl_;
    std::size_t size_;
  };

  /// A private key bound to this algorithm. Immutable; safe to share between threads.
  class sign_context {
   public:
    /// Binds `key`: codes as verify_context::create, and invalid_key without the private half.
    [[nodiscard]] static result<sign_context> create(const private_key& key) noexcept {
      std::error_code ec;
      const std::size_t size = detail::bind_eddsa_key<Traits>(key.native_handle(), true, ec);
      if (ec) return ec;
      auto tmpl =
          detail::make_sig_template(detail::sig_op::sign, key.native_handle(), nullptr, nullptr);
      if (!tmpl) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return sign_context(std::move(tmpl), size);
    }

    /// Returns the length of every signature this context makes: 64 or 114.
    [[nodiscard]] std::size_t signature_size() const noexcept { return size_; }

    /// Writes the signature of `input` to `out`; returns its length. buffer_too_small when
    /// `out` is shorter than signature_size(); crypto_failure when OpenSSL fails.
    [[nodiscard]] result<std::size_t> sign(bytes_view input, mutable_bytes out) const noexcept {
      if (out.size() < size_) return errc::buffer_too_small;
      std::size_t n = 0;
      if (!detail::digest_sign(tmpl_.get(), input, out.data(), size_, n) || n != size_) {
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

/// RFC 8037 `EdDSA`: Ed25519 or Ed448, as the bound key says.
using eddsa = eddsa_algorithm<detail::eddsa_traits>;
/// RFC 9864 `Ed25519`: Ed25519 keys only.
using ed25519 = eddsa_algorithm<detail::ed25519_traits>;
/// RFC 9864 `Ed448`: Ed448 keys only.
using ed448 = eddsa_algorithm<detail::ed448_traits>;

}  // namespace lightjwt

#endif  // LIGHTJWT_ALGORITHMS_EDDSA_HPP
