// ES256, ES384, ES512 (RFC 7518 §3.4): one policy template over the curve and the digest.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_ECDSA_HPP
#define LIGHTJWT_ALGORITHMS_ECDSA_HPP

#include <array>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <utility>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <lightjwt/detail/evp_signature.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

namespace detail {

struct es256_traits {
  static constexpr std::string_view name = "ES256";
  static constexpr const char* digest = "SHA256";
  static constexpr key_curve curve = key_curve::p256;
  static constexpr int nid = NID_X9_62_prime256v1;
  static constexpr std::size_t coordinate_size = 32;
};
struct es384_traits {
  static constexpr std::string_view name = "ES384";
  static constexpr const char* digest = "SHA384";
  static constexpr key_curve curve = key_curve::p384;
  static constexpr int nid = NID_secp384r1;
  static constexpr std::size_t coordinate_size = 48;
};
struct es512_traits {
  static constexpr std::string_view name = "ES512";
  static constexpr const char* digest = "SHA512";
  static constexpr key_curve curve = key_curve::p521;
  static constexpr int nid = NID_secp521r1;
  static constexpr std::size_t coordinate_size = 66;  // ceil(521 / 8)
};

/// The most bytes a DER ECDSA-Sig-Value takes: a SEQUENCE of two INTEGERs, each with a tag, a
/// length and possibly a leading zero octet; the SEQUENCE length may take two octets.
constexpr std::size_t ecdsa_der_capacity(std::size_t coordinate_size) noexcept {
  return 2 * (coordinate_size + 3) + 3;
}
static_assert(ecdsa_der_capacity(66) == 141);

/// Checks that `pkey` is a valid EC key on `curve` (KEY-5). invalid_key otherwise.
inline std::error_code bind_ec_key(EVP_PKEY* pkey, bool need_private, key_curve curve) noexcept {
  pkey_info info;
  if (auto ec = inspect_pkey(pkey, need_private, info)) return ec;
  if (info.kind != key_kind::ec || info.curve != curve) return errc::invalid_key;
  return {};
}

/// Returns a copy of the group order n of curve `nid`; null on failure.
inline bignum_ptr ec_order(int nid) noexcept {
  const ec_group_ptr group(EC_GROUP_new_by_curve_name(nid));
  if (!group) return nullptr;
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  return bignum_ptr(n != nullptr ? BN_dup(n) : nullptr);
}

}  // namespace detail

/// The ECDSA signer policy: ES256/384/512 differ only in Traits (curve, digest). The JOSE
/// signature is R || S, each left-padded to the coordinate size (RFC 7518 §3.4); lightjwt
/// converts it to and from the DER that OpenSSL speaks and never parses DER from a token.
template <class Traits>
struct ecdsa_algorithm {
  /// The JOSE `alg` name.
  static constexpr std::string_view name = Traits::name;
  /// The exact length of a signature: 64, 96 or 132 bytes.
  static constexpr std::size_t max_signature_size = 2 * Traits::coordinate_size;
  using verify_key = public_key;
  using sign_key = private_key;

  /// A public key bound to this algorithm. Immutable; safe to share between threads.
  class verify_context {
   public:
    /// Binds `key`: invalid_key unless it is an EC key on this algorithm's named curve that
    /// passes the public-key check (KEY-5); crypto_failure when OpenSSL cannot set up.
    [[nodiscard]] static result<verify_context> create(const public_key& key) noexcept {
      if (auto ec = detail::bind_ec_key(key.native_handle(), false, Traits::curve)) return ec;
      auto tmpl = detail::make_sig_template(detail::sig_op::verify, key.native_handle(),
                                            Traits::digest, nullptr);
      auto order = detail::ec_order(Traits::nid);
      if (!tmpl || !order) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return verify_context(std::move(tmpl), std::move(order));
    }

    /// Returns the only signature length that can verify.
    [[nodiscard]] static constexpr std::size_t signature_size() noexcept {
      return max_signature_size;
    }

    /// Checks the R || S signature `sig` over `input`: invalid_signature unless it is exactly
    /// 2 × the coordinate size (SIG-4: DER and other lengths are refused), 1 <= r, s < n (SIG-3,
    /// checked before anything reaches OpenSSL) and the signature verifies. (r, n - s) verifies
    /// too, as ECDSA allows (SIG-5). No C++ heap allocation.
    [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
      constexpr std::size_t c = Traits::coordinate_size;
      if (sig.size() != 2 * c) return errc::invalid_signature;
      detail::bignum_ptr r(BN_bin2bn(sig.data(), static_cast<int>(c), nullptr));
      detail::bignum_ptr s(BN_bin2bn(sig.data() + c, static_cast<int>(c), nullptr));
      if (!r || !s) return failure(errc::crypto_failure);
      // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never reach a verifier.
      if (BN_is_zero(r.get()) != 0 || BN_is_zero(s.get()) != 0 ||
          BN_cmp(r.get(), order_.get()) >= 0 || BN_cmp(s.get(), order_.get()) >= 0) {
        return errc::invalid_signature;
      }
      const detail::ecdsa_sig_ptr es(ECDSA_SIG_new());
      if (!es || ECDSA_SIG_set0(es.get(), r.get(), s.get()) != 1) {
        return failure(errc::crypto_failure);
      }
      (void)r.release();  // ECDSA_SIG_set0 took ownership of r and s
      (void)s.release();
      std::array<unsigned char, detail::ecdsa_der_capacity(c)> der{};
      const int len = i2d_ECDSA_SIG(es.get(), nullptr);
      if (len <= 0 || static_cast<std::size_t>(len) > der.size()) {
        return failure(errc::crypto_failure);
      }
      unsigned char* p = der.data();
      if (i2d_ECDSA_SIG(es.get(), &p) != len) return failure(errc::crypto_failure);
      return detail::digest_verify(tmpl_.get(), input,
                                   bytes_view(der.data(), static_cast<std::size_t>(len)));
    }

   private:
    verify_context(detail::evp_md_ctx_ptr tmpl, detail::bignum_ptr order) noexcept
        : tmpl_(std::move(tmpl)), order_(std::move(order)) {}
    static std::error_code failure(errc e) noexcept {
      detail::clear_openssl_errors();
      return e;
    }
    detail::evp_md_ctx_ptr tmpl_;
    detail::bignum_ptr order_;  // only read (BN_cmp) after construction
  };

  /// A private key bound to this algorithm. Immutable; safe to share between threads. Nonces
  /// come from OpenSSL's CSPRNG; the caller never supplies one (SIG-10).
  class sign_context {
   public:
    /// Binds `key`: codes as verify_context::create, and invalid_key without the private half.
    [[nodiscard]] static result<sign_context> create(const private_key& key) noexcept {
      if (auto ec = detail::bind_ec_key(key.native_handle(), true, Traits::curve)) return ec;
      auto tmpl = detail::make_sig_template(detail::sig_op::sign, key.native_handle(),
                                            Traits::digest, nullptr);
      if (!tmpl) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return sign_context(std::move(tmpl));
    }

    /// Returns the length of every signature this context makes.
    [[nodiscard]] static constexpr std::size_t signature_size() noexcept {
      return max_signature_size;
    }

    /// Writes the R || S signature of `input` to `out`; returns its length. buffer_too_small
    /// when `out` is shorter than signature_size(); crypto_failure when OpenSSL fails.
    [[nodiscard]] result<std::size_t> sign(bytes_view input, mutable_bytes out) const noexcept {
      constexpr std::size_t c = Traits::coordinate_size;
      if (out.size() < 2 * c) return errc::buffer_too_small;
      std::array<unsigned char, detail::ecdsa_der_capacity(c)> der{};
      std::size_t len = 0;
      if (!detail::digest_sign(tmpl_.get(), input, der.data(), der.size(), len)) {
        return errc::crypto_failure;
      }
      const unsigned char* p = der.data();
      const detail::ecdsa_sig_ptr es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
      const BIGNUM* r = nullptr;
      const BIGNUM* s = nullptr;
      if (es) ECDSA_SIG_get0(es.get(), &r, &s);
      if (r == nullptr || s == nullptr ||
          BN_bn2binpad(r, out.data(), static_cast<int>(c)) != static_cast<int>(c) ||
          BN_bn2binpad(s, out.data() + c, static_cast<int>(c)) != static_cast<int>(c)) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return 2 * c;
    }

   private:
    explicit sign_context(detail::evp_md_ctx_ptr tmpl) noexcept : tmpl_(std::move(tmpl)) {}
    detail::evp_md_ctx_ptr tmpl_;
  };
};

/// ECDSA on P-256 with SHA-256.
using es256 = ecdsa_algorithm<detail::es256_traits>;
/// ECDSA on P-384 with SHA-384.
using es384 = ecdsa_algorithm<detail::es384_traits>;
/// ECDSA on P-521 with SHA-512.
using es512 = ecdsa_algorithm<detail::es512_traits>;

}  // namespace lightjwt

#endif  // LIGHTJWT_ALGORITHMS_ECDSA_HPP
