// Shared fixtures of the benchmarks: allocation meters, keys, the typical access token.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_BENCHMARKS_BENCH_SUPPORT_HPP
#define LIGHTJWT_BENCHMARKS_BENCH_SUPPORT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <lightjwt/lightjwt.hpp>

namespace bench {

// ------------------------------------------------------------------------ allocation meters
// verify_bench.cpp replaces the global operator new (every form) and installs OpenSSL's
// allocator hooks (CRYPTO_set_mem_functions) from a static initializer that runs before any
// other one in the program; both count into these per-thread counters. Per-thread counters
// need no atomics and let a multi-threaded benchmark attribute each allocation to the thread
// that made it.

/// C++ heap allocations (operator new and new[], all forms) made by this thread so far.
inline thread_local std::size_t cxx_allocations = 0;
/// OpenSSL allocations (CRYPTO_malloc, CRYPTO_zalloc and CRYPTO_realloc) by this thread so far.
inline thread_local std::size_t ossl_allocations = 0;
/// True once the OpenSSL hooks were installed before OpenSSL allocated anything.
bool openssl_hooks_installed() noexcept;

/// Reads both counters before a benchmark loop and reports the difference per iteration as the
/// counters `cxx_allocs` and `ossl_allocs` (summed over threads, divided by all iterations).
class alloc_meter {
 public:
  alloc_meter() noexcept : cxx_(cxx_allocations), ossl_(ossl_allocations) {}
  void report(benchmark::State& state) const {
    state.counters["cxx_allocs"] = benchmark::Counter(static_cast<double>(cxx_allocations - cxx_),
                                                      benchmark::Counter::kAvgIterations);
    state.counters["ossl_allocs"] = benchmark::Counter(
        static_cast<double>(ossl_allocations - ossl_), benchmark::Counter::kAvgIterations);
  }

 private:
  std::size_t cxx_;
  std::size_t ossl_;
};

/// Stops the whole run: a benchmark whose setup fails must not report a figure.
[[noreturn]] inline void die(std::string_view what) {
  std::fprintf(stderr, "benchmark setup failed: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

/// Returns r's value, or stops the run with its error.
template <class T>
T value_or_die(lightjwt::result<T> r, std::string_view what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
  return std::move(*r);
}

// ----------------------------------------------------------------------------- the token

/// The issuer and audience of the typical access token, checked by every verifier here.
inline constexpr std::string_view issuer = "https://auth.example.com/";
inline constexpr std::string_view audience = "https://api.example.com";
inline constexpr std::string_view key_id = "key-2024-06";

/// Returns the current time in seconds since the Unix epoch.
inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The claims of a typical access token (7 claims: iss, sub, aud, iat, exp, jti, role), valid
/// for a day from the start of the run, with a `pad` string claim when `pad` > 0.
inline std::string access_claims(std::size_t pad = 0) {
  static const std::int64_t now = unix_now();
  std::string s = R"({"iss":")" + std::string(issuer) +
                  R"(","sub":"user-8c1e5a40-2f34-4b7c-9e0a-61d1f7a0b2c3","aud":")" +
                  std::string(audience) + R"(","iat":)" + std::to_string(now - 60) + R"(,"exp":)" +
                  std::to_string(now + 86400) +
                  R"(,"jti":"5f0c2a8e-1b7d-4c3e-a9f6-0e2d4b6c8a1f","role":"editor")";
  if (pad > 0) s += R"(,"pad":")" + std::string(pad, 'x') + "\"";
  return s + "}";
}

/// Returns claims like access_claims() whose JSON text is exactly `size` bytes (size >= 256).
inline std::string claims_of_size(std::size_t size) {
  const std::size_t base = access_claims(1).size() - 1;  // with an empty pad
  if (size <= base) die("payload size below the typical claims");
  return access_claims(size - base);
}

/// The header options of the typical token: typ JWT and a kid. (RFC 9068 access tokens say
/// at+jwt, but libjwt 1.10 refuses any typ but JWT, and every library here verifies the same
/// token.)
inline lightjwt::header_options access_header() {
  lightjwt::header_options h;
  h.typ = "JWT";
  h.kid = std::string(key_id);
  return h;
}

// ------------------------------------------------------------------------------------ keys

/// A key pair for one asymmetric algorithm, as lightjwt keys, as an EVP_PKEY and as PEM.
struct key_pair {
  lightjwt::private_key priv;
  lightjwt::public_key pub;
  std::string public_pem;  // for libjwt, which parses PEM on every call
};

inline EVP_PKEY* keygen(const char* type) {
  EVP_PKEY* k = nullptr;
  if (std::string_view(type) == "RSA") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  } else if (std::string_view(type) == "P-256" || std::string_view(type) == "P-384") {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", type);
  } else {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  }
  if (k == nullptr) die(std::string("key generation: ") + type);
  return k;
}

inline key_pair make_pair(const char* type) {
  EVP_PKEY* k = keygen(type);
  auto priv = value_or_die(lightjwt::private_key::from_native(k), "private_key::from_native");
  auto pub = value_or_die(lightjwt::public_key::from_native(k), "public_key::from_native");
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio, k) != 1) die("PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(k);
  return key_pair{std::move(priv), std::move(pub), std::move(pem)};
}

/// The keys every benchmark uses, generated once per run (RSA 2048, P-256, P-384, Ed25519, and
/// a 64-byte HMAC secret).
struct key_set {
  std::vector<unsigned char> secret;
  lightjwt::hmac_key hmac;
  key_pair rsa, p256, p384, ed25519;
};

inline std::vector<unsigned char> secret_bytes() {
  std::vector<unsigned char> s(64);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<unsigned char>((i * 31 + 104) & 0xFF);
  return s;
}

inline const key_set& keys() {
  static const key_set k = [] {
    auto secret = secret_bytes();
    auto hmac = value_or_die(lightjwt::hmac_key::from_bytes(secret), "hmac_key::from_bytes");
    return key_set{std::move(secret),  std::move(hmac),    make_pair("RSA"),
                   make_pair("P-256"), make_pair("P-384"), make_pair("ED25519")};
  }();
  return k;
}

// ------------------------------------------------------------------------------ algorithms
// Each algorithm the benchmarks cover, with its key.

template <class S>
struct alg_keys;
template <>
struct alg_keys<lightjwt::hs256> {
  static const lightjwt::hmac_key& sign() { return keys().hmac; }
  static const lightjwt::hmac_key& verify() { return keys().hmac; }
};
template <>
struct alg_keys<lightjwt::hs512> : alg_keys<lightjwt::hs256> {};
template <>
struct alg_keys<lightjwt::rs256> {
  static const key_pair& pair() { return keys().rsa; }
  static const lightjwt::private_key& sign() { return pair().priv; }
  static const lightjwt::public_key& verify() { return pair().pub; }
};
template <>
struct alg_keys<lightjwt::ps256> : alg_keys<lightjwt::rs256> {};
template <>
struct alg_keys<lightjwt::es256> {
  static const key_pair& pair() { return keys().p256; }
  static const lightjwt::private_key& sign() { return pair().priv; }
  static const lightjwt::public_key& verify() { return pair().pub; }
};
template <>
struct alg_keys<lightjwt::es384> {
  static const key_pair& pair() { return keys().p384; }
  static const lightjwt::private_key& sign() { return pair().priv; }
  static const lightjwt::public_key& verify() { return pair().pub; }
};
template <>
struct alg_keys<lightjwt::eddsa> {
  static const key_pair& pair() { return keys().ed25519; }
  static const lightjwt::private_key& sign() { return pair().priv; }
  static const lightjwt::public_key& verify() { return pair().pub; }
};

/// Signs `claims` with algorithm S and the typical header.
template <class S>
std::string make_token(std::string_view claims) {
  const auto enc = value_or_die(lightjwt::encoder<S>::create(alg_keys<S>::sign()), "encoder");
  return value_or_die(enc.sign_json(claims, access_header()), "encoder::sign_json");
}

/// The typical access token for S (one per algorithm and run).
template <class S>
const std::string& access_token() {
  static const std::string t = make_token<S>(access_claims());
  return t;
}

/// Builds the verifier every lightjwt verify benchmark uses: S with its key under key_id, iss,
/// aud and exp (the default) checked, typ required to be JWT.
template <class S>
lightjwt::verifier<S> make_verifier() {
  typename lightjwt::verifier<S>::builder b;
  b.key(S{}, alg_keys<S>::verify(), std::string(key_id))
      .issuer(std::string(issuer))
      .audience(std::string(audience))
      .type("JWT");
  return value_or_die(std::move(b).build(), "verifier::build");
}

/// The parts of a compact token as the raw-OpenSSL floors take them: the signing input as sent
/// and the signature decoded (the floors only check the signature).
struct split_token {
  std::string signing_input;
  std::vector<unsigned char> signature;
};

inline split_token split(std::string_view token) {
  const std::size_t d2 = token.rfind('.');
  auto sig = lightjwt::base64url::decode(token.substr(d2 + 1));
  if (!sig) die("signature is not Base64URL");
  return split_token{std::string(token.substr(0, d2)), std::move(*sig)};
}

}  // namespace bench

#endif  // LIGHTJWT_BENCHMARKS_BENCH_SUPPORT_HPP
