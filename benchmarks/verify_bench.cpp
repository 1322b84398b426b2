// verify(): lightjwt's full verification against its raw-OpenSSL floor, by algorithm, thread count
// and payload size, and the cost of refusing hostile tokens. Also holds the allocation hooks.
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include <benchmark/benchmark.h>
#include <openssl/crypto.h>

#include "bench_support.hpp"

// ----------------------------------------------------------------------- allocation hooks
// Installed here, at the top of one benchmark file, from a static initializer with the highest
// priority GCC and Clang allow (init_priority 101): it runs before every other dynamic
// initializer of the program, so before the first OpenSSL call, which is what
// CRYPTO_set_mem_functions requires (it refuses once OpenSSL has allocated). main() is Google
// Benchmark's; bench::openssl_hooks_installed() lets each benchmark check that this worked.
namespace {

void* count_ossl_malloc(std::size_t n, const char* /*file*/, int /*line*/) {
  ++bench::ossl_allocations;
  return std::malloc(n);
}
void* count_ossl_realloc(void* p, std::size_t n, const char* /*file*/, int /*line*/) {
  ++bench::ossl_allocations;
  return std::realloc(p, n);
}
void count_ossl_free(void* p, const char* /*file*/, int /*line*/) { std::free(p); }

struct openssl_hooks {
  bool installed =
      CRYPTO_set_mem_functions(count_ossl_malloc, count_ossl_realloc, count_ossl_free) == 1;
};
__attribute__((init_priority(101))) const openssl_hooks hooks;

void* count_new(std::size_t n) {
  ++bench::cxx_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* count_new_aligned(std::size_t n, std::align_val_t a) {
  ++bench::cxx_allocations;
  const auto al = static_cast<std::size_t>(a);
  return std::aligned_alloc(al, (n + al - 1) / al * al == 0 ? al : (n + al - 1) / al * al);
}
[[gnu::noinline]] void count_delete(void* p) noexcept { std::free(p); }

}  // namespace

bool bench::openssl_hooks_installed() noexcept { return hooks.installed; }

// What benchmarks/report prints about the run, in the JSON output's "context".
namespace {
struct run_context {
  run_context() {
    benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", "GCC " __VERSION__);
#endif
#ifdef LIGHTJWT_BENCH_GBENCH_VERSION
    benchmark::AddCustomContext("benchmark", LIGHTJWT_BENCH_GBENCH_VERSION);
#endif
#ifdef LIGHTJWT_BENCH_LIBJWT_VERSION
    benchmark::AddCustomContext("libjwt", LIGHTJWT_BENCH_LIBJWT_VERSION);
#endif
  }
};
const run_context context;
}  // namespace

void* operator new(std::size_t n) {
  if (void* p = count_new(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = count_new(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return count_new(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return count_new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = count_new_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = count_new_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return count_new_aligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return count_new_aligned(n, a);
}
void operator delete(void* p) noexcept { count_delete(p); }
void operator delete[](void* p) noexcept { count_delete(p); }
void operator delete(void* p, std::size_t) noexcept { count_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { count_delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { count_delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { count_delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { count_delete(p); }
void operator delete[](void* p, std::align_val_t) noexcept { count_delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { count_delete(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { count_delete(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { count_delete(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  count_delete(p);
}

namespace {

using lightjwt::errc;

/// Verifies `token` with `v` in the loop; `want` is the expected outcome (success or a code).
template <class V>
void run_verify(benchmark::State& state, const V& v, const std::string& token,
                std::error_code want = {}) {
  if (!bench::openssl_hooks_installed()) state.SkipWithError("OpenSSL hooks not installed");
  {  // warm-up, and proof that the benchmark measures the intended outcome
    const auto r = v.verify(token);
    if ((r ? std::error_code() : r.error()) != want) {
      state.SkipWithError(("unexpected outcome: " + r.error().message()).c_str());
      return;
    }
  }
  const bench::alloc_meter meter;
  for (auto _ : state) {
    auto r = v.verify(token);
    benchmark::DoNotOptimize(r);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token.size()));
}

// ------------------------------------------------------------------- verify a typical token
/// lightjwt's full verify of the typical access token; with ->Threads(2) both threads share
/// one verifier (a function-local static: built once, then only read).
template <class S>
void BM_verify(benchmark::State& state, S /*algorithm*/) {
  static const auto v = bench::make_verifier<S>();
  run_verify(state, v, bench::access_token<S>());
}

BENCHMARK_CAPTURE(BM_verify, hs256, lightjwt::hs256{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, hs512, lightjwt::hs512{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, rs256, lightjwt::rs256{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, ps256, lightjwt::ps256{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, es256, lightjwt::es256{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, es384, lightjwt::es384{})->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_verify, eddsa, lightjwt::eddsa{})->Threads(1)->Threads(2)->UseRealTime();

// ------------------------------------------------------------------------- payload size
/// Verify cost against the size of the claims JSON (state.range(0) bytes, 256 to 8192): the
/// typical claims plus a `pad` string. Above ~700 bytes of header and payload the token no
/// longer fits verified_token's inline buffer, which costs one C++ allocation.
template <class S>
void BM_verify_payload(benchmark::State& state, S /*algorithm*/) {
  static const auto v = bench::make_verifier<S>();
  const std::string token =
      bench::make_token<S>(bench::claims_of_size(static_cast<std::size_t>(state.range(0))));
  run_verify(state, v, token);
}

BENCHMARK_CAPTURE(BM_verify_payload, hs256, lightjwt::hs256{})
    ->RangeMultiplier(2)
    ->Range(256, 8192);
BENCHMARK_CAPTURE(BM_verify_payload, rs256, lightjwt::rs256{})
    ->RangeMultiplier(2)
    ->Range(256, 8192);

// ------------------------------------------------------------------------------ refusals
/// The tokens a verifier must refuse cheaply (RES-1, RES-3), each with its expected code.
enum class hostile {
  too_large_2mib,     // 2 MiB: refused by the size limit before anything is read
  garbage_16kib,      // 16 KiB of random bytes: no dots, refused by the split
  garbage_b64_16kib,  // 16 KiB of Base64URL in three segments: the header decodes to non-UTF-8
  nested_header,      // a 16 KiB header nested as deep as the token allows: before the signature
  nested_payload,     // a correctly signed 16 KiB payload nested as deep: after the signature
  bad_signature,      // the typical HS256 token with one signature bit flipped
};

/// Returns "[[[…]]]" nested `depth` times.
std::string nest(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string random_alphabet(std::size_t n, std::mt19937& rng) {
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string s(n, 'A');
  for (auto& c : s) c = alphabet[pick(rng)];
  return s;
}

std::pair<std::string, errc> hostile_token(hostile h) {
  using lightjwt::base64url::encode;
  std::mt19937 rng(7);
  constexpr std::size_t limit = 16 * 1024;
  const auto& key = bench::keys().hmac;
  const auto mac = [&](const std::string& input) {
    const auto ctx = bench::value_or_die(lightjwt::hs256::sign_context::create(key), "hs256");
    std::array<unsigned char, 32> sig{};
    (void)ctx.sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
    return input + "." + encode(lightjwt::bytes_view(sig.data(), sig.size()));
  };
  switch (h) {
  case hostile::too_large_2mib: {
    std::string t = random_alphabet(2 * 1024 * 1024, rng);
    t[100] = '.';
    t[t.size() - 100] = '.';
    return {t, errc::token_too_large};
  }
  case hostile::garbage_16kib: {
    std::uniform_int_distribution<int> byte(0, 255);
    std::string t(limit, '\0');
    for (auto& c : t) c = static_cast<char>(byte(rng));
    for (auto& c : t) c = c == '.' ? '/' : c;  // no dot at all
    return {t, errc::malformed_token};
  }
  case hostile::garbage_b64_16kib: {
    std::string t = random_alphabet(limit, rng);
    t[8000] = '.';  // segments of 8000, 8000 and 382 characters: canonical lengths
    t[16001] = '.';
    t[limit - 1] = 'A';
    return {t, errc::invalid_utf8};
  }
  case hostile::nested_header: {
    std::size_t depth = 6000;
    std::string t;
    for (;; depth -= 10) {
      t = encode(R"({"alg":"HS256","x":)" + nest(depth) + "}") + "." +
          encode(bench::access_claims()) + "." + std::string(43, 'A');
      if (t.size() <= limit) break;
    }
    return {t, errc::nesting_too_deep};
  }
  case hostile::nested_payload: {
    std::size_t depth = 6000;
    std::string t;
    for (;; depth -= 10) {
      t = mac(encode(R"({"alg":"HS256","kid":"key-2024-06","typ":"JWT"})") + "." +
              encode(R"({"x":)" + nest(depth) + "}"));
      if (t.size() <= limit) break;
    }
    return {t, errc::nesting_too_deep};
  }
  case hostile::bad_signature: {
    std::string t = bench::access_token<lightjwt::hs256>();
    auto& c = t[t.size() - 5];
    c = c == 'A' ? 'B' : 'A';
    return {t, errc::invalid_signature};
  }
  }
  bench::die("unknown hostile token");
}

void BM_refuse(benchmark::State& state, hostile h) {
  static const auto v = bench::make_verifier<lightjwt::hs256>();
  const auto [token, want] = hostile_token(h);
  run_verify(state, v, token, make_error_code(want));
}

BENCHMARK_CAPTURE(BM_refuse, too_large_2mib, hostile::too_large_2mib);
BENCHMARK_CAPTURE(BM_refuse, garbage_16kib, hostile::garbage_16kib);
BENCHMARK_CAPTURE(BM_refuse, garbage_b64_16kib, hostile::garbage_b64_16kib);
BENCHMARK_CAPTURE(BM_refuse, nested_header, hostile::nested_header);
BENCHMARK_CAPTURE(BM_refuse, nested_payload, hostile::nested_payload);
BENCHMARK_CAPTURE(BM_refuse, bad_signature, hostile::bad_signature);

}  // namespace
