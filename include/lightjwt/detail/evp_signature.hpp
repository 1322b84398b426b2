// EVP DigestSign/DigestVerify plumbing shared by the RSA, ECDSA and EdDSA signer policies.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_EVP_SIGNATURE_HPP
#define LIGHTJWT_DETAIL_EVP_SIGNATURE_HPP

#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <system_error>

#include <openssl/evp.h>
#include <openssl/params.h>

#include <lightjwt/detail/ctx_pool.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt::detail {

/// Which side of a signature a context is for.
enum class sig_op { sign, verify };

/// Builds the DigestSign or DigestVerify context every operation of a bound key is copied from:
/// the key, the digest (null for EdDSA) and the padding parameters are fixed here, once, so no
/// token can influence them and no operation repeats the algorithm fetch. Null on failure (the
/// caller clears the error queue).
inline evp_md_ctx_ptr make_sig_template(sig_op op, EVP_PKEY* pkey, const char* digest,
                                        const OSSL_PARAM* params) noexcept {
  evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx) return nullptr;
  const int ok =
      op == sig_op::sign
          ? EVP_DigestSignInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, params)
          : EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, params);
  if (ok != 1) return nullptr;
  return ctx;
}

/// Copies a template for one operation. The template is only read (EVP_MD_CTX_copy_ex takes it
/// const and up-references the key), so one template serves every thread without a lock.
inline evp_md_ctx_ptr copy_sig_ctx(const EVP_MD_CTX* tmpl) noexcept {
  evp_md_ctx_ptr c(EVP_MD_CTX_new());
  if (!c || EVP_MD_CTX_copy_ex(c.get(), tmpl) != 1) return nullptr;
  // The copy is used once: let the final step consume it instead of duplicating it again.
  EVP_MD_CTX_set_flags(c.get(), EVP_MD_CTX_FLAG_FINALISE);
  return c;
}

/// OpenSSL wants a non-null pointer even for zero bytes on some paths.
inline const unsigned char* nonnull(bytes_view b) noexcept {
  static constexpr unsigned char empty = 0;
  return b.empty() ? &empty : b.data();
}

/// Verifies `sig` over `input` with a copy of `tmpl`: invalid_signature when it does not hold,
/// crypto_failure when OpenSSL cannot copy the context. Clears the error queue on failure.
inline std::error_code digest_verify(const EVP_MD_CTX* tmpl, bytes_view input,
                                     bytes_view sig) noexcept {
  const evp_md_ctx_ptr c = copy_sig_ctx(tmpl);
  if (!c) {
    clear_openssl_errors();
    return errc::crypto_failure;
  }
  if (EVP_DigestVerify(c.get(), nonnull(sig), sig.size(), nonnull(input), input.size()) != 1) {
    clear_openssl_errors();
    return errc::invalid_signature;
  }
  return {};
}

/// The two contexts of one prehashed verification: the digest's and the public key's.
struct prehash_ctx {
  EVP_MD_CTX* md;
  EVP_PKEY_CTX* pkey;
};

inline void free_prehash_ctx(prehash_ctx* c) noexcept {
  if (c == nullptr) return;
  EVP_MD_CTX_free(c->md);
  EVP_PKEY_CTX_free(c->pkey);
  OPENSSL_free(c);
}

/// Verifies RSA and ECDSA signatures at the cost of the two raw operations: the digest of the
/// signing input (EVP_DigestInit_ex2 with an algorithm fetched once), then EVP_PKEY_verify of the
/// digest with a public-key context whose padding, MGF1 digest, salt length and signature digest
/// were fixed once, when the key was bound. Both contexts come from a small pool (ctx_pool), so
/// a verification allocates what OpenSSL's digest init needs and nothing for the key; a copy of
/// DigestVerify's template costs a context and a digest state per call (benchmarks/: RS256 and
/// PS256 13 and 22 OpenSSL allocations instead of 17 and 27). Immutable once created and safe
/// to share between threads: each pooled pair has one owner at a time.
class prehash_verifier {
 public:
  prehash_verifier(const prehash_verifier&) = delete;
  prehash_verifier& operator=(const prehash_verifier&) = delete;
  prehash_verifier(prehash_verifier&&) = delete;
  prehash_verifier& operator=(prehash_verifier&&) = delete;
  ~prehash_verifier() = default;

  /// Prepares verification with `pkey` (its reference is shared), the digest named `digest` and
  /// the signature parameters `params` (null for none). Null on failure, error queue cleared.
  static std::unique_ptr<prehash_verifier> create(EVP_PKEY* pkey, const char* digest,
                                                  const OSSL_PARAM* params) noexcept {
    std::unique_ptr<prehash_verifier> v(new (std::nothrow) prehash_verifier());
    if (!v) return nullptr;
    v->md_.reset(EVP_MD_fetch(nullptr, digest, nullptr));
    v->tmpl_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!v->md_ || !v->tmpl_ || EVP_PKEY_verify_init_ex(v->tmpl_.get(), params) != 1 ||
        EVP_PKEY_CTX_set_signature_md(v->tmpl_.get(), v->md_.get()) != 1) {
      clear_openssl_errors();
      return nullptr;
    }
    return v;
  }

  /// Verifies `sig` over `input`: invalid_signature when it does not hold, crypto_failure when
  /// OpenSSL cannot compute. A context pair that saw a failure is freed, never pooled again.
  [[nodiscard]] std::error_code verify(bytes_view input, bytes_view sig) const noexcept {
    prehash_ctx* c = pool_.take();
    if (c == nullptr && (c = fresh()) == nullptr) {
      clear_openssl_errors();
      return errc::crypto_failure;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> h{};
    unsigned int hl = 0;
    if (EVP_DigestInit_ex2(c->md, md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(c->md, nonnull(input), input.size()) != 1 ||
        EVP_DigestFinal_ex(c->md, h.data(), &hl) != 1) {
      free_prehash_ctx(c);
      clear_openssl_errors();
      return errc::crypto_failure;
    }
    if (EVP_PKEY_verify(c->pkey, nonnull(sig), sig.size(), h.data(), hl) != 1) {
      free_prehash_ctx(c);
      clear_openssl_errors();
      return errc::invalid_signature;
    }
    pool_.give(c);
    return {};
  }

 private:
  prehash_verifier() = default;
  // A new pair: a digest context and a copy of the prepared public-key context (the template is
  // only read).
  [[nodiscard]] prehash_ctx* fresh() const noexcept {
    auto* c = static_cast<prehash_ctx*>(OPENSSL_zalloc(sizeof(prehash_ctx)));
    if (c == nullptr) return nullptr;
    c->md = EVP_MD_CTX_new();
    c->pkey = EVP_PKEY_CTX_dup(tmpl_.get());
    if (c->md == nullptr || c->pkey == nullptr) {
      free_prehash_ctx(c);
      return nullptr;
    }
    return c;
  }
  evp_md_ptr md_;
  evp_pkey_ctx_ptr tmpl_;
  mutable ctx_pool<prehash_ctx, free_prehash_ctx> pool_;
};

/// Signs `input` with a copy of `tmpl` into out[0, capacity); sets `len` to the bytes written.
/// Returns false (error queue cleared) on any failure.
inline bool digest_sign(const EVP_MD_CTX* tmpl, bytes_view input, unsigned char* out,
                        std::size_t capacity, std::size_t& len) noexcept {
  const evp_md_ctx_ptr c = copy_sig_ctx(tmpl);
  len = capacity;
  if (!c || EVP_DigestSign(c.get(), out, &len, nonnull(input), input.size()) != 1) {
    clear_openssl_errors();
    return false;
  }
  return true;
}

}  // namespace lightjwt::detail

#endif  // LIGHTJWT_DETAIL_EVP_SIGNATURE_HPP
