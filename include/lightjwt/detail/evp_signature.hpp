// EVP DigestSign/DigestVerify plumbing shared by the RSA, ECDSA and EdDSA signer policies.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_EVP_SIGNATURE_HPP
#define LIGHTJWT_DETAIL_EVP_SIGNATURE_HPP

#include <cstddef>
#include <system_error>

#include <openssl/evp.h>
#include <openssl/params.h>

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
