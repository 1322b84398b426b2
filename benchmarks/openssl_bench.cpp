// The raw-OpenSSL floors of verify(): only the signature check of the same signing input, with a
// pre-parsed key, in each honest way OpenSSL 3 offers; the fastest is BM_openssl_verify/<alg>.
// SPDX-License-Identifier: MIT
#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "bench_support.hpp"

namespace {

// -------------------------------------------------------------------------------- the loop
/// Runs `check(input, signature)` in the loop over the token's signing input and decoded
/// signature; the setup (keys, contexts) is done by the caller, once per thread.
template <class Check>
void run_floor(benchmark::State& state, const std::string& token, Check&& check) {
  if (!bench::openssl_hooks_installed()) state.SkipWithError("OpenSSL hooks not installed");
  const bench::split_token t = bench::split(token);
  const auto* in = reinterpret_cast<const unsigned char*>(t.signing_input.data());  // NOLINT
  const std::size_t in_len = t.signing_input.size();
  if (!check(in, in_len, t.signature.data(), t.signature.size())) {
    state.SkipWithError("the floor refused a valid token");
    return;
  }
  const bench::alloc_meter meter;
  for (auto _ : state) {
    bool ok = check(in, in_len, t.signature.data(), t.signature.size());
    benchmark::DoNotOptimize(ok);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token.size()));
}

// ------------------------------------------------------------------------------------ HMAC
/// How an HMAC floor handles its context.
enum class hmac_how {
  dup,      // a pre-keyed EVP_MAC_CTX shared read-only, EVP_MAC_CTX_dup per call
  reinit,   // a pre-keyed EVP_MAC_CTX per thread, EVP_MAC_init(ctx, NULL, 0, NULL) per call
  oneshot,  // HMAC() with a pre-fetched EVP_MD
  q_mac,    // EVP_Q_mac with names
};

struct hmac_alg {
  const char* digest;
  std::size_t size;
};

EVP_MAC_CTX* keyed_hmac(const hmac_alg& a) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
  EVP_MAC_free(mac);
  const auto& k = bench::keys().secret;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(a.digest), 0),
      OSSL_PARAM_construct_end()};
  if (ctx == nullptr || EVP_MAC_init(ctx, k.data(), k.size(), params) != 1) bench::die("HMAC");
  return ctx;
}

void hmac_floor(benchmark::State& state, const hmac_alg& a, hmac_how how,
                const std::string& token) {
  const auto& key = bench::keys().secret;
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  switch (how) {
  case hmac_how::dup: {
    // One template for all threads, as a verifier holds it: EVP_MAC_CTX_dup only reads it.
    static EVP_MAC_CTX* const tmpl256 = keyed_hmac({"SHA256", 32});
    static EVP_MAC_CTX* const tmpl512 = keyed_hmac({"SHA512", 64});
    EVP_MAC_CTX* const tmpl = a.size == 32 ? tmpl256 : tmpl512;
    run_floor(
        state, token,
        [&](const unsigned char* in, std::size_t n, const unsigned char* sig, std::size_t sig_len) {
          EVP_MAC_CTX* c = EVP_MAC_CTX_dup(tmpl);
          std::size_t len = 0;
          const bool ok = c != nullptr && EVP_MAC_update(c, in, n) == 1 &&
                          EVP_MAC_final(c, out.data(), &len, out.size()) == 1 && len == sig_len &&
                          CRYPTO_memcmp(out.data(), sig, len) == 0;
          EVP_MAC_CTX_free(c);
          return ok;
        });
    break;
  }
  case hmac_how::reinit: {
    EVP_MAC_CTX* const c = keyed_hmac(a);  // this thread's own
    run_floor(
        state, token,
        [&](const unsigned char* in, std::size_t n, const unsigned char* sig, std::size_t sig_len) {
          std::size_t len = 0;
          return EVP_MAC_init(c, nullptr, 0, nullptr) == 1 && EVP_MAC_update(c, in, n) == 1 &&
                 EVP_MAC_final(c, out.data(), &len, out.size()) == 1 && len == sig_len &&
                 CRYPTO_memcmp(out.data(), sig, len) == 0;
        });
    EVP_MAC_CTX_free(c);
    break;
  }
  case hmac_how::oneshot: {
    EVP_MD* md = EVP_MD_fetch(nullptr, a.digest, nullptr);
    run_floor(
        state, token,
        [&](const unsigned char* in, std::size_t n, const unsigned char* sig, std::size_t sig_len) {
          unsigned int len = 0;
          return HMAC(md, key.data(), static_cast<int>(key.size()), in, n, out.data(), &len) !=
                     nullptr &&
                 len == sig_len && CRYPTO_memcmp(out.data(), sig, len) == 0;
        });
    EVP_MD_free(md);
    break;
  }
  case hmac_how::q_mac: {
    run_floor(
        state, token,
        [&](const unsigned char* in, std::size_t n, const unsigned char* sig, std::size_t sig_len) {
          std::size_t len = 0;
          return EVP_Q_mac(nullptr, "HMAC", nullptr, a.digest, nullptr, key.data(), key.size(), in,
                           n, out.data(), out.size(), &len) != nullptr &&
                 len == sig_len && CRYPTO_memcmp(out.data(), sig, len) == 0;
        });
    break;
  }
  }
}

// -------------------------------------------------------------------- RSA, ECDSA and EdDSA
/// How an asymmetric floor handles its context.
enum class sig_how {
  init,         // a per-thread EVP_MD_CTX, EVP_DigestVerifyInit_ex (digest by name) per call
  init_md,      // the same with a pre-fetched EVP_MD (EVP_DigestVerifyInit)
  copy,         // a pre-initialised template, EVP_MD_CTX_new + EVP_MD_CTX_copy_ex per call
  copy_reuse,   // the same template copied into a per-thread EVP_MD_CTX
  prehash,      // EVP_DigestInit_ex2/Update/Final on a per-thread EVP_MD_CTX with a pre-fetched
                // EVP_MD, then EVP_PKEY_verify on a per-thread, pre-initialised EVP_PKEY_CTX
  copy_bn_der,  // ECDSA only: copy, with R||S -> DER through BIGNUM, ECDSA_SIG and i2d
};

struct sig_alg {
  const char* digest;      // null for EdDSA
  int padding;             // 0 (not RSA), RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING
  std::size_t coordinate;  // ECDSA: bytes of r and of s; 0 otherwise
  const bench::key_pair& (*pair)();
};

/// Converts a JOSE R||S signature (2 × c bytes) to DER without allocating: pure encoding, which
/// every JOSE verifier on OpenSSL must do, so the floor uses lightjwt's (ecdsa.hpp).
std::size_t rs_to_der(const unsigned char* sig, std::size_t c, unsigned char* out) {
  return lightjwt::detail::rs_to_der(sig, c, out);
}

/// The conversion through BIGNUMs (BN_bin2bn, ECDSA_SIG, i2d_ECDSA_SIG), as lightjwt did it before.
std::size_t rs_to_der_bn(const unsigned char* sig, std::size_t c, unsigned char* out) {
  BIGNUM* r = BN_bin2bn(sig, static_cast<int>(c), nullptr);
  BIGNUM* s = BN_bin2bn(sig + c, static_cast<int>(c), nullptr);
  ECDSA_SIG* es = ECDSA_SIG_new();
  if (es == nullptr || ECDSA_SIG_set0(es, r, s) != 1) return 0;
  unsigned char* p = out;
  const int len = i2d_ECDSA_SIG(es, &p);
  ECDSA_SIG_free(es);
  return len > 0 ? static_cast<std::size_t>(len) : 0;
}

/// Fills params with the padding parameters of `a` (RSA) and returns them, or null.
const OSSL_PARAM* rsa_params(const sig_alg& a, std::array<OSSL_PARAM, 4>& params, int& salt) {
  salt = RSA_PSS_SALTLEN_DIGEST;
  if (a.padding == RSA_PKCS1_PSS_PADDING) {
    params = {OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE,
                                               const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PSS), 0),
              OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST,
                                               const_cast<char*>(a.digest), 0),
              OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &salt),
              OSSL_PARAM_construct_end()};
    return params.data();
  }
  if (a.padding == RSA_PKCS1_PADDING) {
    params = {
        OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE,
                                         const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PKCSV15), 0),
        OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end()};
    return params.data();
  }
  return nullptr;
}

void sig_floor(benchmark::State& state, const sig_alg& a, sig_how how, const std::string& token) {
  EVP_PKEY* const pkey = a.pair().pub.native_handle();
  std::array<OSSL_PARAM, 4> params_storage{};
  int salt = 0;
  const OSSL_PARAM* params = rsa_params(a, params_storage, salt);
  std::array<unsigned char, 160> der{};
  // ECDSA: the JOSE signature becomes DER, as every JOSE verifier on OpenSSL must do.
  const auto der_of = [&](const unsigned char*& sig, std::size_t& len, bool bn) {
    if (a.coordinate == 0) return len != 0;
    if (len != 2 * a.coordinate) return false;
    len =
        bn ? rs_to_der_bn(sig, a.coordinate, der.data()) : rs_to_der(sig, a.coordinate, der.data());
    sig = der.data();
    return len != 0;
  };
  EVP_MD_CTX* const mine = EVP_MD_CTX_new();  // this thread's
  EVP_MD* const md = a.digest != nullptr ? EVP_MD_fetch(nullptr, a.digest, nullptr) : nullptr;
  EVP_MD_CTX* tmpl = nullptr;
  EVP_PKEY_CTX* pctx = nullptr;
  if (how == sig_how::copy || how == sig_how::copy_reuse || how == sig_how::copy_bn_der) {
    tmpl = EVP_MD_CTX_new();
    if (EVP_DigestVerifyInit_ex(tmpl, nullptr, a.digest, nullptr, nullptr, pkey, params) != 1) {
      bench::die("EVP_DigestVerifyInit_ex");
    }
  }
  if (how == sig_how::prehash) {
    pctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    if (pctx == nullptr || EVP_PKEY_verify_init_ex(pctx, params) != 1 ||
        EVP_PKEY_CTX_set_signature_md(pctx, md) != 1) {
      bench::die("EVP_PKEY_verify_init_ex");
    }
  }
  run_floor(state, token,
            [&](const unsigned char* in, std::size_t n, const unsigned char* sig, std::size_t len) {
              if (!der_of(sig, len, how == sig_how::copy_bn_der)) return false;
              switch (how) {
              case sig_how::init:
                return EVP_DigestVerifyInit_ex(mine, nullptr, a.digest, nullptr, nullptr, pkey,
                                               params) == 1 &&
                       EVP_DigestVerify(mine, sig, len, in, n) == 1;
              case sig_how::init_md:
                return EVP_DigestVerifyInit(mine, nullptr, md, nullptr, pkey) == 1 &&
                       (params == nullptr ||
                        EVP_PKEY_CTX_set_params(EVP_MD_CTX_get_pkey_ctx(mine), params) == 1) &&
                       EVP_DigestVerify(mine, sig, len, in, n) == 1;
              case sig_how::copy:
              case sig_how::copy_bn_der: {
                EVP_MD_CTX* c = EVP_MD_CTX_new();
                const bool ok = c != nullptr && EVP_MD_CTX_copy_ex(c, tmpl) == 1 &&
                                EVP_DigestVerify(c, sig, len, in, n) == 1;
                EVP_MD_CTX_free(c);
                return ok;
              }
              case sig_how::copy_reuse:
                return EVP_MD_CTX_copy_ex(mine, tmpl) == 1 &&
                       EVP_DigestVerify(mine, sig, len, in, n) == 1;
              case sig_how::prehash: {
                std::array<unsigned char, EVP_MAX_MD_SIZE> h{};
                unsigned int hl = 0;
                return EVP_DigestInit_ex2(mine, md, nullptr) == 1 &&
                       EVP_DigestUpdate(mine, in, n) == 1 &&
                       EVP_DigestFinal_ex(mine, h.data(), &hl) == 1 &&
                       EVP_PKEY_verify(pctx, sig, len, h.data(), hl) == 1;
              }
              }
              return false;
            });
  EVP_PKEY_CTX_free(pctx);
  EVP_MD_CTX_free(tmpl);
  EVP_MD_free(md);
  EVP_MD_CTX_free(mine);
}

// ------------------------------------------------------------------------- registrations
/// One algorithm's floor: how it computes, and how the benchmark makes its token.
struct hmac_case {
  hmac_alg alg;
  const std::string& (*token)();
  std::string (*make)(std::string_view claims);
};
struct sig_case {
  sig_alg alg;
  const std::string& (*token)();
  std::string (*make)(std::string_view claims);
};

template <class S>
constexpr hmac_case hmac_for(const char* digest, std::size_t size) {
  return {{digest, size}, &bench::access_token<S>, &bench::make_token<S>};
}
template <class S>
constexpr sig_case sig_for(const char* digest, int padding, std::size_t coordinate) {
  return {{digest, padding, coordinate, &bench::alg_keys<S>::pair},
          &bench::access_token<S>,
          &bench::make_token<S>};
}

const hmac_case hs256 = hmac_for<lightjwt::hs256>("SHA256", 32);
const hmac_case hs512 = hmac_for<lightjwt::hs512>("SHA512", 64);
const sig_case rs256 = sig_for<lightjwt::rs256>("SHA256", RSA_PKCS1_PADDING, 0);
const sig_case ps256 = sig_for<lightjwt::ps256>("SHA256", RSA_PKCS1_PSS_PADDING, 0);
const sig_case es256 = sig_for<lightjwt::es256>("SHA256", 0, 32);
const sig_case es384 = sig_for<lightjwt::es384>("SHA384", 0, 48);
const sig_case eddsa = sig_for<lightjwt::eddsa>(nullptr, 0, 0);

/// The floor of verify(): the fastest way below, as measured on the reference machine
/// (benchmarks/report flags a run in which a variant beats its floor).
void BM_openssl_verify(benchmark::State& state, const hmac_case& c, hmac_how how) {
  hmac_floor(state, c.alg, how, c.token());
}
void BM_openssl_verify(benchmark::State& state, const sig_case& c, sig_how how) {
  sig_floor(state, c.alg, how, c.token());
}
/// Every other way of doing the floor's work.
void BM_openssl_verify_variant(benchmark::State& state, const hmac_case& c, hmac_how how) {
  hmac_floor(state, c.alg, how, c.token());
}
void BM_openssl_verify_variant(benchmark::State& state, const sig_case& c, sig_how how) {
  sig_floor(state, c.alg, how, c.token());
}
/// The floor against the size of the claims JSON, as BM_verify_payload.
void BM_openssl_verify_payload(benchmark::State& state, const hmac_case& c, hmac_how how) {
  hmac_floor(state, c.alg, how,
             c.make(bench::claims_of_size(static_cast<std::size_t>(state.range(0)))));
}
void BM_openssl_verify_payload(benchmark::State& state, const sig_case& c, sig_how how) {
  sig_floor(state, c.alg, how,
            c.make(bench::claims_of_size(static_cast<std::size_t>(state.range(0)))));
}

// The floors, with the same thread counts as BM_verify.
BENCHMARK_CAPTURE(BM_openssl_verify, hs256, hs256, hmac_how::reinit)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, hs512, hs512, hmac_how::reinit)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, rs256, rs256, sig_how::prehash)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, ps256, ps256, sig_how::prehash)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, es256, es256, sig_how::prehash)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, es384, es384, sig_how::prehash)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_openssl_verify, eddsa, eddsa, sig_how::copy_reuse)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

BENCHMARK_CAPTURE(BM_openssl_verify_payload, hs256, hs256, hmac_how::reinit)
    ->RangeMultiplier(2)
    ->Range(256, 8192);
BENCHMARK_CAPTURE(BM_openssl_verify_payload, rs256, rs256, sig_how::prehash)
    ->RangeMultiplier(2)
    ->Range(256, 8192);

// Every variant, single-threaded. The name says the algorithm and the way (see the enums).
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs256_dup, hs256, hmac_how::dup);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs256_reinit, hs256, hmac_how::reinit);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs256_hmac_oneshot, hs256, hmac_how::oneshot);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs256_q_mac, hs256, hmac_how::q_mac);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs512_dup, hs512, hmac_how::dup);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs512_reinit, hs512, hmac_how::reinit);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs512_hmac_oneshot, hs512, hmac_how::oneshot);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, hs512_q_mac, hs512, hmac_how::q_mac);
#define LIGHTJWT_SIG_VARIANTS(alg)                                                    \
  BENCHMARK_CAPTURE(BM_openssl_verify_variant, alg##_init, alg, sig_how::init);       \
  BENCHMARK_CAPTURE(BM_openssl_verify_variant, alg##_init_md, alg, sig_how::init_md); \
  BENCHMARK_CAPTURE(BM_openssl_verify_variant, alg##_copy, alg, sig_how::copy);       \
  BENCHMARK_CAPTURE(BM_openssl_verify_variant, alg##_copy_reuse, alg, sig_how::copy_reuse)
LIGHTJWT_SIG_VARIANTS(rs256);
LIGHTJWT_SIG_VARIANTS(ps256);
LIGHTJWT_SIG_VARIANTS(es256);
LIGHTJWT_SIG_VARIANTS(es384);
LIGHTJWT_SIG_VARIANTS(eddsa);
#undef LIGHTJWT_SIG_VARIANTS
BENCHMARK_CAPTURE(BM_openssl_verify_variant, rs256_prehash, rs256, sig_how::prehash);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, ps256_prehash, ps256, sig_how::prehash);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, es256_prehash, es256, sig_how::prehash);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, es384_prehash, es384, sig_how::prehash);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, es256_copy_bn_der, es256, sig_how::copy_bn_der);
BENCHMARK_CAPTURE(BM_openssl_verify_variant, es384_copy_bn_der, es384, sig_how::copy_bn_der);

}  // namespace
