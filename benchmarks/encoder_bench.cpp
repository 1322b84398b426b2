// encoder::sign_json(): the typical access token signed with each algorithm.
// SPDX-License-Identifier: MIT
#include <lightjwt/encoder.hpp>

#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

namespace {

/// Signs the typical claims text with the typical header (typ at+jwt, kid); the encoder is
/// built once, outside the loop.
template <class S>
void BM_sign(benchmark::State& state, S /*algorithm*/) {
  const auto enc =
      bench::value_or_die(lightjwt::encoder<S>::create(bench::alg_keys<S>::sign()), "encoder");
  const std::string claims = bench::access_claims();
  const lightjwt::header_options header = bench::access_header();
  if (!enc.sign_json(claims, header)) state.SkipWithError("sign_json failed");
  const bench::alloc_meter meter;
  for (auto _ : state) {
    auto token = enc.sign_json(claims, header);
    benchmark::DoNotOptimize(token);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_sign, hs256, lightjwt::hs256{});
BENCHMARK_CAPTURE(BM_sign, hs512, lightjwt::hs512{});
BENCHMARK_CAPTURE(BM_sign, rs256, lightjwt::rs256{});
BENCHMARK_CAPTURE(BM_sign, ps256, lightjwt::ps256{});
BENCHMARK_CAPTURE(BM_sign, es256, lightjwt::es256{});
BENCHMARK_CAPTURE(BM_sign, es384, lightjwt::es384{});
BENCHMARK_CAPTURE(BM_sign, eddsa, lightjwt::eddsa{});

}  // namespace
