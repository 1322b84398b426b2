// decode_unverified(): reading the typical access token without checking it.
// SPDX-License-Identifier: MIT
#include <lightjwt/decoder.hpp>

#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

namespace {

/// Splits, decodes and scans the typical HS256 access token: verify() without the signature
/// check and the claim rules.
void BM_decode(benchmark::State& state) {
  const std::string& token = bench::access_token<lightjwt::hs256>();
  if (!lightjwt::decode_unverified(token)) state.SkipWithError("decode_unverified failed");
  const bench::alloc_meter meter;
  for (auto _ : state) {
    auto t = lightjwt::decode_unverified(token);
    benchmark::DoNotOptimize(t);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token.size()));
}

BENCHMARK(BM_decode);

}  // namespace
