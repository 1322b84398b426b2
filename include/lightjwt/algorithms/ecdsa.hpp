// ES256, ES384, ES512 (RFC 7518 §3.4): one policy template over the curve and the digest.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_ECDSA_HPP
#define LIGHTJWT_ALGORITHMS_ECDSA_HPP

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
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

/// Writes the group order n of curve `nid` as `out.size()` big-endian bytes. False on failure.
inline bool ec_order(int nid, mutable_bytes out) noexcept {
  const ec_group_ptr group(EC_GROUP_new_by_curve_name(nid));
  if (!group) return false;
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  return n != nullptr &&
         BN_bn2binpad(n, out.data(), static_cast<int>(out.size())) == static_cast<int>(out.size());
}

/// Returns true when the big-endian unsigned integer v (as long as `n`) satisfies 1 <= v < n.
/// The values are public (a signature, a curve order): no need for constant time.
inline bool in_scalar_range(const unsigned char* v, bytes_view n) noexcept {
  bool zero = true;
  for (std::size_t i = 0; i < n.size(); ++i) zero = zero && v[i] == 0;
  return !zero && std::memcmp(v, n.data(), n.size()) < 0;
}

/// Writes the DER INTEGER of the unsigned big-endian p[0, n) to `out` (minimal: no leading zero
/// octets, one 0x00 before a set high bit) and returns its length. n <= 66, so the length fits
/// one octet.
inline std::size_t der_integer(const unsigned char* p, std::size_t n, unsigned char* out) noexcept {
  std::size_t i = 0;
  while (i + 1 < n && p[i] == 0) ++i;
  const std::size_t pad = (p[i] & 0x80U) != 0 ? 1 : 0;
  out[0] = 0x02;
  out[1] = static_cast<unsigned char>(n - i + pad);
  out[2] = 0;
  std::memcpy(out + 2 + pad, p + i, n - i);
  return 2 + pad + n - i;
}

/// Converts a JOSE R || S signature (2 × c bytes) to a DER ECDSA-Sig-Value in `out` (at least
/// ecdsa_der_capacity(c) bytes) and returns its length. Pure encoding: no OpenSSL call.
inline std::size_t rs_to_der(const unsigned char* sig, std::size_t c, unsigned char* out) noexcept {
  std::array<unsigned char, ecdsa_der_capacity(66)> body{};  // two INTEGERs, the largest curve
  std::size_t len = der_integer(sig, c, body.data());
  len += der_integer(sig + c, c, body.data() + len);
  std::size_t h = 0;
  out[h++] = 0x30;
  if (len >= 0x80) out[h++] = 0x81;
  out[h++] = static_cast<unsigned char>(len);
  std::memcpy(out + h, body.data(), len);
  return h + len;
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
      auto v = detail::prehash_verifier::create(key.native_handle(), Traits::digest, nullptr);
      std::array<unsigned char, Traits::coordinate_size> order{};
      if (!v || !detail::ec_order(Traits::nid, mutable_bytes(order.data(), order.size()))) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      return verify_context(std::move(v), order);
    }

    /// Returns the only signature length that can verify.
    [[nodiscard]] static constexpr std::size_t signature_size() noexcept {
      return max_signature_size;
    }

    /// Checks the R || S signature `sig` over `input`: invalid_signature unless it is exactly
    /// 2 × the coordinate size (SIG-4: DER and other lengths are refused), 1 <= r, s < n (SIG-3,
    /// checked before anything reaches OpenSSL) and the signature verifies. (r, n - s) verifies
    /// too, as ECDSA allows (SIG-5). No C++ heap allocation, and no OpenSSL one for the
    /// conversion to DER.
    [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
      constexpr std::size_t c = Traits::coordinate_size;
      if (sig.size() != 2 * c) return errc::invalid_signature;
      // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never reach a verifier.
      const bytes_view n(order_.data(), order_.size());
      if (!detail::in_scalar_range(sig.data(), n) || !detail::in_scalar_range(sig.data() + c, n)) {
        return errc::invalid_signature;
      }
      std::array<unsigned char, detail::ecdsa_der_capacity(c)> der{};
      const std::size_t len = detail::rs_to_der(sig.data(), c, der.data());
      return v_->verify(input, bytes_view(der.data(), len));
    }

   private:
    verify_context(std::unique_ptr<detail::prehash_verifier> v,
                   const std::array<unsigned char, Traits::coordinate_size>& order) noexcept
        : v_(std::move(v)), order_(order) {}
    std::unique_ptr<detail::prehash_verifier> v_;               // never null
    std::array<unsigned char, Traits::coordinate_size> order_;  // n, big-endian
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
