// RAII owners for OpenSSL objects and small helpers around the OpenSSL 3 API.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_OPENSSL_HPP
#define LIGHTJWT_DETAIL_OPENSSL_HPP

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace lightjwt::detail {

/// A stateless deleter: the unique_ptr stays one pointer wide.
template <class T, void (*Free)(T*)>
struct ossl_free {
  void operator()(T* p) const noexcept { Free(p); }
};

inline void bio_free(BIO* p) noexcept { BIO_free(p); }
// OPENSSL_free is a macro; this gives it an address for ossl_free.
template <class T>
inline void crypto_free(T* p) noexcept {
  OPENSSL_free(p);
}

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, ossl_free<EVP_PKEY, EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, ossl_free<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, ossl_free<EVP_MD_CTX, EVP_MD_CTX_free>>;
using evp_md_ptr = std::unique_ptr<EVP_MD, ossl_free<EVP_MD, EVP_MD_free>>;
using evp_mac_ptr = std::unique_ptr<EVP_MAC, ossl_free<EVP_MAC, EVP_MAC_free>>;
using evp_mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, ossl_free<EVP_MAC_CTX, EVP_MAC_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, ossl_free<BIO, bio_free>>;
using x509_ptr = std::unique_ptr<X509, ossl_free<X509, X509_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, ossl_free<BIGNUM, BN_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, ossl_free<ECDSA_SIG, ECDSA_SIG_free>>;
using ec_group_ptr = std::unique_ptr<EC_GROUP, ossl_free<EC_GROUP, EC_GROUP_free>>;
using pkcs8_ptr =
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl_free<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>;
using ossl_chars_ptr = std::unique_ptr<char, ossl_free<char, crypto_free<char>>>;
using ossl_bytes_ptr =
    std::unique_ptr<unsigned char, ossl_free<unsigned char, crypto_free<unsigned char>>>;

/// Empties this thread's OpenSSL error queue, so a refused input leaves nothing behind.
inline void clear_openssl_errors() noexcept { ERR_clear_error(); }

/// Takes a new reference to a key; keys are immutable once built and shared between threads.
inline evp_pkey_ptr share(EVP_PKEY* k) noexcept {
  if (k != nullptr && EVP_PKEY_up_ref(k) != 1) return {};
  return evp_pkey_ptr(k);
}

}  // namespace lightjwt::detail

#endif  // LIGHTJWT_DETAIL_OPENSSL_HPP
