// libjwt (C, Debian libjwt-dev 1.10) verifying the same typical access token, for comparison.
// SPDX-License-Identifier: MIT
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>
#include <jwt.h>

#include "bench_support.hpp"

namespace {

/// Returns true when jwt_decode() accepts `token` with `key` and its iss, aud and exp claims
/// pass the same checks lightjwt's verifier makes. libjwt 1.10 checks only the signature and
/// the header's `alg` itself, so the claim checks are done here, as its documentation asks.
bool libjwt_verify(const std::string& token, const unsigned char* key, int key_len) {
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, token.c_str(), key, key_len) != 0 || jwt == nullptr) return false;
  const char* iss = jwt_get_grant(jwt, "iss");
  const char* aud = jwt_get_grant(jwt, "aud");
  errno = 0;
  const long exp = jwt_get_grant_int(jwt, "exp");
  const bool ok = errno == 0 && iss != nullptr && bench::issuer == iss && aud != nullptr &&
                  bench::audience == aud && exp > std::time(nullptr);
  jwt_free(jwt);
  return ok;
}

/// libjwt takes the HMAC secret as bytes and public keys as PEM, which it parses on every
/// call: that is its API, so that cost is part of its figure.
template <class S>
void BM_libjwt_verify(benchmark::State& state, S /*algorithm*/) {
  std::string key;
  if constexpr (std::is_same_v<typename S::verify_key, lightjwt::hmac_key>) {
    const auto& s = bench::keys().secret;
    key.assign(s.begin(), s.end());
  } else {
    key = bench::alg_keys<S>::pair().public_pem;
  }
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());  // NOLINT
  const int k_len = static_cast<int>(key.size());
  const std::string& token = bench::access_token<S>();
  if (!libjwt_verify(token, k, k_len)) {
    state.SkipWithError("libjwt refused the token");
    return;
  }
  const bench::alloc_meter meter;
  for (auto _ : state) {
    bool ok = libjwt_verify(token, k, k_len);
    benchmark::DoNotOptimize(ok);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token.size()));
}

// libjwt 1.10 has no PS256 and no EdDSA.
BENCHMARK_CAPTURE(BM_libjwt_verify, hs256, lightjwt::hs256{})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_libjwt_verify, hs512, lightjwt::hs512{})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_libjwt_verify, rs256, lightjwt::rs256{})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_libjwt_verify, es256, lightjwt::es256{})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_libjwt_verify, es384, lightjwt::es384{})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
