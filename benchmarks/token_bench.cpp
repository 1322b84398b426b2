// claims_json(): the lazy DOM of a verified token's claims, built only on request.
// SPDX-License-Identifier: MIT
#include <lightjwt/token.hpp>

#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

namespace {

/// Builds the nlohmann::json of the typical token's claims from an already verified token:
/// what a caller pays on top of verify() when it asks for the full document.
void BM_claims_json(benchmark::State& state) {
  const auto v = bench::make_verifier<lightjwt::hs256>();
  const auto t = v.verify(bench::access_token<lightjwt::hs256>());
  if (!t || !t->claims_json()) {
    state.SkipWithError("verify or claims_json failed");
    return;
  }
  const bench::alloc_meter meter;
  for (auto _ : state) {
    auto j = t->claims_json();
    benchmark::DoNotOptimize(j);
  }
  meter.report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(t->payload_json().size()));
}

BENCHMARK(BM_claims_json);

}  // namespace
