// HS256, HS384, HS512 (RFC 7518 §3.2): one policy template over the digest.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_HMAC_HPP
#define LIGHTJWT_ALGORITHMS_HMAC_HPP

#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <string_view>
#include <system_error>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <lightjwt/detail/ctx_pool.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

namespace detail {

struct hs256_traits {
  static constexpr std::string_view name = "HS256";
  static constexpr const char* digest = "SHA256";
  static constexpr std::size_t size = 32;
};
struct hs384_traits {
  static constexpr std::string_view name = "HS384";
  static constexpr const char* digest = "SHA384";
  static constexpr std::size_t size = 48;
};
struct hs512_traits {
  static constexpr std::string_view name = "HS512";
  static constexpr const char* digest = "SHA512";
  static constexpr std::size_t size = 64;
};

/// Keyed HMAC contexts ready for reuse, owned by one hmac context. A MAC takes a context out of
/// the pool, re-initialises it with the key it already holds (EVP_MAC_init with no key), and
/// puts it back: no EVP_MAC_CTX_dup, so 2 OpenSSL allocations per MAC instead of 11. When the
/// pool is empty (more threads than slots) it duplicates the template. EVP_MAC_CTX_free wipes
/// the key of every context the pool frees.
using mac_pool = ctx_pool<EVP_MAC_CTX, EVP_MAC_CTX_free>;

/// Builds an HMAC context keyed with `key` for `digest`; the template every MAC is copied from.
inline evp_mac_ctx_ptr make_hmac_ctx(const char* digest, bytes_view key) noexcept {
  const evp_mac_ptr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return nullptr;
  evp_mac_ctx_ptr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                          const_cast<char*>(digest), 0),  // NOLINT
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) return nullptr;
  return ctx;
}

}  // namespace detail

/// The HMAC signer policy: HS256/384/512 differ only in Traits. The key must be at least as long
/// as the hash output (RFC 7518 §3.2), or binding it fails with key_too_weak.
template <class Traits>
struct hmac_algorithm {
  /// The JOSE `alg` name.
  static constexpr std::string_view name = Traits::name;
  /// The exact length of a MAC.
  static constexpr std::size_t max_signature_size = Traits::size;
  using verify_key = hmac_key;
  using sign_key = hmac_key;

  /// A key bound to this algorithm, ready to compute MACs. Immutable; safe to share between
  /// threads (each MAC is computed on a pre-keyed context that one thread owns meanwhile, taken
  /// from a small pool or copied from the template).
  class context {
   public:
    /// Binds `key`: key_too_weak when shorter than the hash output; crypto_failure when
    /// OpenSSL cannot build the context.
    [[nodiscard]] static result<context> create(const hmac_key& key) noexcept {
      if (key.size() < Traits::size) return errc::key_too_weak;
      auto ctx = detail::make_hmac_ctx(Traits::digest, key.bytes());
      if (!ctx) {
        detail::clear_openssl_errors();
        return errc::crypto_failure;
      }
      std::unique_ptr<detail::mac_pool> pool(new (std::nothrow) detail::mac_pool());
      if (!pool) return errc::crypto_failure;
      return context(std::move(ctx), std::move(pool));
    }

    /// Returns the length of every MAC this context makes.
    [[nodiscard]] static constexpr std::size_t signature_size() noexcept { return Traits::size; }

    /// Writes the MAC of `input` to `out`; returns its length. Does not allocate C++ memory.
    [[nodiscard]] result<std::size_t> sign(bytes_view input, mutable_bytes out) const noexcept {
      if (out.size() < Traits::size) return errc::buffer_too_small;
      std::size_t n = 0;
      if (!mac(input, out.data(), n)) return errc::crypto_failure;
      return n;
    }

    /// Checks `sig` against the MAC of `input`: the length first (it is public), then every
    /// byte with CRYPTO_memcmp (RFC 7518 §3.2, SECURITY-CATALOG SIG-1, SIG-2).
    [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
      if (sig.size() != Traits::size) return errc::invalid_signature;
      std::array<unsigned char, Traits::size> expected{};
      std::size_t n = 0;
      if (!mac(input, expected.data(), n)) return errc::crypto_failure;
      const bool equal = CRYPTO_memcmp(expected.data(), sig.data(), Traits::size) == 0;
      OPENSSL_cleanse(expected.data(), expected.size());
      if (!equal) return errc::invalid_signature;
      return {};
    }

   private:
    context(detail::evp_mac_ctx_ptr ctx, std::unique_ptr<detail::mac_pool> pool) noexcept
        : ctx_(std::move(ctx)), pool_(std::move(pool)) {}
    bool mac(bytes_view input, unsigned char* out, std::size_t& n) const noexcept {
      // A pooled context is re-keyed with the key it holds; a copy of the template is ready.
      detail::evp_mac_ctx_ptr c(pool_ ? pool_->take() : nullptr);
      if (c ? EVP_MAC_init(c.get(), nullptr, 0, nullptr) != 1
            : (c.reset(EVP_MAC_CTX_dup(ctx_.get())), !c)) {
        detail::clear_openssl_errors();
        return false;
      }
      if (EVP_MAC_update(c.get(), input.data(), input.size()) != 1 ||
          EVP_MAC_final(c.get(), out, &n, Traits::size) != 1 || n != Traits::size) {
        detail::clear_openssl_errors();
        return false;  // a context that failed is freed, never pooled
      }
      if (pool_) pool_->give(c.release());
      return true;
    }
    detail::evp_mac_ctx_ptr ctx_;             // the keyed template; only read (dup) after creation
    std::unique_ptr<detail::mac_pool> pool_;  // contexts ready for reuse
  };
  using verify_context = context;
  using sign_context = context;
};

/// HMAC with SHA-256.
using hs256 = hmac_algorithm<detail::hs256_traits>;
/// HMAC with SHA-384.
using hs384 = hmac_algorithm<detail::hs384_traits>;
/// HMAC with SHA-512.
using hs512 = hmac_algorithm<detail::hs512_traits>;

}  // namespace lightjwt

#endif  // LIGHTJWT_ALGORITHMS_HMAC_HPP
