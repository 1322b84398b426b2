#!/usr/bin/env bash
# Runs the hardening variants of the test suite, one after the other, each in a build directory of
# its own: ASan+UBSan, TSan, exceptions off, clang-tidy, libFuzzer. tools/test.sh runs it after
# the main build; it stops at the first failure with a non-zero status.
# SPDX-License-Identifier: MIT
#
# Usage: bash tools/ci-variants.sh [asan] [tsan] [noexc] [tidy] [fuzz]   (no argument: all five)
# Environment:
#   LIGHTJWT_FUZZ_SECONDS   seconds per fuzz target (default 45)
#   LIGHTJWT_FUZZ_JOBS      fuzz targets run at the same time (default 2, one per core)
#   LIGHTJWT_TESTDATA_DIR   shared test vectors (default ../shared/testdata)
#   CXX_CLANG, CLANG_TIDY   compiler and clang-tidy to use (default clang++-14, clang-tidy-14)
# Needs clang-14, libclang-rt-14-dev and clang-tidy (tools/setup.sh --tests installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CXX_CLANG=${CXX_CLANG:-clang++-14}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy-14}
FUZZ_SECONDS=${LIGHTJWT_FUZZ_SECONDS:-45}
FUZZ_JOBS=${LIGHTJWT_FUZZ_JOBS:-2}
TESTDATA=${LIGHTJWT_TESTDATA_DIR:-../shared/testdata}
PYTHON=/usr/bin/python3
FUZZ_TARGETS=(fuzz_base64url fuzz_json_scan fuzz_verify_hs fuzz_verify_es fuzz_decode fuzz_jwk)
ALL_VARIANTS=(asan tsan noexc tidy fuzz)

section() { printf '\n==== %s ====\n' "$*"; }

# Sanitizer builds: -O1 as the sanitizer documentation advises, assertions on (no NDEBUG), and
# -gline-tables-only: reports keep file:line in every frame, and the ASan build is a quarter
# faster than with full -g. Only lightjwt's own targets get -fsanitize (LIGHTJWT_SANITIZE).
sanitizer_args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only"
                "-DCMAKE_CXX_COMPILER=${CXX_CLANG}")
testdata_args=("-DLIGHTJWT_TESTDATA_DIR=$(realpath "$TESTDATA")")
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}

# ------------------------------------------------------------------------------- 1. ASan+UBSan
# The whole suite except the packaging tests (they configure and build consumer projects without
# the sanitizers: slow, and they test CMake, not code), the end-to-end tests (label e2e: real
# servers, browsers and load, run once in the main build) and the benchmark smoke run (benchmarks
# are not built: timing code under ASan proves nothing). The CLI and interop tests run the sanitized
# lightjwt CLI. Warnings are errors here too, so this is also the clang -Werror build.
configure_asan() {
  cmake -S . -B build-asan "${sanitizer_args[@]}" "${testdata_args[@]}" \
    -DLIGHTJWT_SANITIZE=address,undefined -DLIGHTJWT_BUILD_TESTS=ON \
    -DLIGHTJWT_BUILD_EXAMPLES=ON -DLIGHTJWT_BUILD_TOOLS=ON -DLIGHTJWT_BUILD_BENCHMARKS=OFF \
    -DLIGHTJWT_INSTALL=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
}

variant_asan() {
  section "ASan+UBSan (clang, -fsanitize=address,undefined): build-asan/"
  configure_asan
  cmake --build build-asan -j2
  ctest --test-dir build-asan --output-on-failure -j2 --no-tests=error -LE '^(packaging|e2e)$'
}

# ------------------------------------------------------------------------------------- 2. TSan
# Only the concurrency tests: one verifier shared by 8 threads, and the jwks_cache tests (8 threads
# verifying while another refreshes and rotates the key set). libcrypto is not instrumented, so
# TSan sees none of OpenSSL's own synchronisation; it reports nothing today, so no suppressions
# file exists. Should an OpenSSL-internal report appear, suppress it in tools/tsan.supp with
# libcrypto frames only (`race:libcrypto.so`), never a lightjwt frame.
variant_tsan() {
  section "TSan (clang, -fsanitize=thread), concurrency tests: build-tsan/"
  cmake -S . -B build-tsan "${sanitizer_args[@]}" "${testdata_args[@]}" \
    -DLIGHTJWT_SANITIZE=thread -DLIGHTJWT_BUILD_TESTS=ON -DLIGHTJWT_BUILD_EXAMPLES=OFF \
    -DLIGHTJWT_BUILD_TOOLS=OFF -DLIGHTJWT_BUILD_BENCHMARKS=OFF -DLIGHTJWT_INSTALL=OFF
  cmake --build build-tsan -j2 --target concurrency_test jwks_cache_test
  local options="halt_on_error=1 second_deadlock_stack=1"
  if [ -f tools/tsan.supp ]; then options+=" suppressions=$PWD/tools/tsan.supp"; fi
  TSAN_OPTIONS="$options" \
    ctest --test-dir build-tsan --output-on-failure -j2 --no-tests=error -L '^(concurrency|jwks_cache)$'
}

# ---------------------------------------------------------------------------- 3. No exceptions
# Everything that builds without exceptions does, with -fno-exceptions -DJSON_NOEXCEPTION for the
# whole build: the header check (every public header), the examples, the no-exceptions test of
# the failure paths (JSON-9) and the fuzz regressions (the JSON-8 checks, where a mistyped
# nlohmann access would abort). The Catch2 suites and the CLI use exceptions and are not built.
variant_noexc() {
  section "No exceptions (clang, -fno-exceptions -DJSON_NOEXCEPTION): build-noexc/"
  cmake -S . -B build-noexc -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_COMPILER=${CXX_CLANG}" \
    "-DCMAKE_CXX_FLAGS=-fno-exceptions -DJSON_NOEXCEPTION" "${testdata_args[@]}" \
    -DLIGHTJWT_BUILD_TESTS=ON -DLIGHTJWT_BUILD_EXAMPLES=ON -DLIGHTJWT_BUILD_TOOLS=OFF \
    -DLIGHTJWT_BUILD_BENCHMARKS=OFF -DLIGHTJWT_INSTALL=OFF
  local targets=(noexcept_test lightjwt_header_check) f
  for f in examples/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
  for f in "${FUZZ_TARGETS[@]}"; do targets+=("${f}_regression"); done
  cmake --build build-noexc -j2 --target "${targets[@]}"
  ctest --test-dir build-noexc --output-on-failure -j2 --no-tests=error \
    -R '^(noexcept_test|example_.*|fuzz_corpus|fuzz_regression_.*)$'
}

# ---------------------------------------------------------------------------------- 4. clang-tidy
# Over the header-check translation units (one per public header: HeaderFilterRegex reports
# inside include/lightjwt/), the examples and the CLI, with the compile commands of build-asan/.
# Clean means exit 0: .clang-tidy has WarningsAsErrors '*'.
variant_tidy() {
  section "clang-tidy (.clang-tidy, warnings are errors): header checks, examples, CLI"
  if [ ! -f build-asan/compile_commands.json ]; then configure_asan; fi
  local runner
  runner=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)
  "$PYTHON" "$runner" -p build-asan -j 2 -quiet -clang-tidy-binary "$(command -v "$CLANG_TIDY")" \
    '/tests/header_check/[^/]*\.cpp$' "^$PWD/examples/.*\.cpp$" "^$PWD/tools/lightjwt\.cpp$"
}

# ------------------------------------------------------------------------------------- 5. Fuzzing
# libFuzzer with ASan+UBSan, each target for LIGHTJWT_FUZZ_SECONDS from the seed corpus that
# fuzz/make_corpus.py writes into build-fuzz/corpus/, LIGHTJWT_FUZZ_JOBS targets at a time (one
# per core: -max_total_time is wall time, so each target has a core for all its seconds). A
# crash, a broken invariant (abort), a leak, an input slower than 10 s or more than 2 GiB of
# memory fails the run; the input is saved in build-fuzz/artifacts/<target>/ (commit it to
# fuzz/regressions/<target>/ with the fix).
fuzz_one() {
  local t=$1 status=0
  rm -rf "build-fuzz/artifacts/$t"
  mkdir -p "build-fuzz/artifacts/$t"
  "build-fuzz/fuzz/$t" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t/" \
    "build-fuzz/corpus/$t" "fuzz/regressions/$t" >"build-fuzz/$t.log" 2>&1 || status=$?
  echo "$status" >"build-fuzz/$t.status"
}

fuzz_report() {
  local t=$1 status
  status=$(cat "build-fuzz/$t.status")
  printf -- '-- %s (%ss): ' "$t" "$FUZZ_SECONDS"
  if [ "$status" -ne 0 ]; then
    echo "FAILED (exit status $status)"
    tail -n 60 "build-fuzz/$t.log" >&2
    echo "ci-variants.sh: $t failed; input saved in build-fuzz/artifacts/$t/," \
         "full log in build-fuzz/$t.log" >&2
    return 1
  fi
  echo "ok"
  grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs' "build-fuzz/$t.log" | sed 's/^/   /'
}

variant_fuzz() {
  section "Fuzzing (clang, -fsanitize=fuzzer,address,undefined, ${FUZZ_SECONDS}s per target)"
  cmake -S . -B build-fuzz "${sanitizer_args[@]}" -DLIGHTJWT_SANITIZE=address,undefined \
    -DLIGHTJWT_BUILD_FUZZERS=ON -DLIGHTJWT_BUILD_TESTS=OFF -DLIGHTJWT_BUILD_EXAMPLES=OFF \
    -DLIGHTJWT_BUILD_TOOLS=OFF -DLIGHTJWT_BUILD_BENCHMARKS=OFF -DLIGHTJWT_INSTALL=OFF
  cmake --build build-fuzz -j2 --target "${FUZZ_TARGETS[@]}"
  "$PYTHON" fuzz/make_corpus.py --testdata "$TESTDATA" --out build-fuzz/corpus
  local i t failed=0
  for ((i = 0; i < ${#FUZZ_TARGETS[@]}; i += FUZZ_JOBS)); do
    local batch=("${FUZZ_TARGETS[@]:i:FUZZ_JOBS}")
    for t in "${batch[@]}"; do fuzz_one "$t" & done
    wait
    for t in "${batch[@]}"; do fuzz_report "$t" || failed=1; done
    if [ "$failed" -ne 0 ]; then return 1; fi
  done
}

# ------------------------------------------------------------------------------------------ main
variants=("$@")
if [ "${#variants[@]}" -eq 0 ]; then variants=("${ALL_VARIANTS[@]}"); fi
for v in "${variants[@]}"; do
  case " ${ALL_VARIANTS[*]} " in
    *" $v "*) ;;
    *) echo "ci-variants.sh: unknown variant '$v' (known: ${ALL_VARIANTS[*]})" >&2; exit 2 ;;
  esac
done

timings=()
current=""
report() {
  local status=$? line
  section "Hardening variants: wall times"
  for line in "${timings[@]}"; do echo "  $line"; done
  if [ "$status" -eq 0 ]; then
    echo "ci-variants.sh: all variants passed"
  else
    echo "ci-variants.sh: variant '$current' FAILED (exit status $status)" >&2
  fi
}
trap report EXIT

for current in "${variants[@]}"; do
  start=$SECONDS
  "variant_$current"
  timings+=("$(printf '%-6s %4ds' "$current" $((SECONDS - start)))")
done
