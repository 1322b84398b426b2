#!/usr/bin/env bash
# Installs what is missing, builds everything in build-tests/ and runs the whole test suite, then
# the hardening variants (tools/ci-variants.sh: ASan+UBSan, TSan, no exceptions, clang-tidy,
# fuzzing). This is what CI runs (.ci/run). Exits non-zero on the first failure.
# SPDX-License-Identifier: MIT
#
# LIGHTJWT_VARIANTS selects the variants: unset runs all of them, "none" skips them (a quick
# local run), or a list such as "asan tidy". LIGHTJWT_FUZZ_SECONDS sets the time per fuzz target.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==== %s ====\n' "$*"; }

section "1/5 Installing missing packages (tools/setup.sh --tests)"
bash tools/setup.sh --tests

section "2/5 Configuring build-tests/ (RelWithDebInfo, tests, examples, tools, benchmarks)"
cmake -S . -B build-tests -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLIGHTJWT_BUILD_TESTS=ON -DLIGHTJWT_BUILD_EXAMPLES=ON \
  -DLIGHTJWT_BUILD_TOOLS=ON -DLIGHTJWT_BUILD_BENCHMARKS=ON

section "3/5 Building (-j2)"
cmake --build build-tests -j2

section "4/5 Running the tests (ctest -j2)"
status=0
ctest --test-dir build-tests --output-on-failure -j2 || status=$?
# ctest shows a passing test's output only in its log: print the Wycheproof counts per file.
log=build-tests/Testing/Temporary/LastTest.log
if [ -f "$log" ]; then
  section "Wycheproof counts per file (from $log)"
  grep -h -A1 -E '^ *(wycheproof |[a-z0-9_]+_test\.json: [0-9]+ tests)' "$log" | grep -v -e '^--$' \
    -e 'sec\*proc' -e 'host application' || true
fi
if [ "$status" -ne 0 ]; then
  echo "test.sh: ctest failed (exit status $status)" >&2
  exit "$status"
fi
echo "test.sh: all tests passed"

variants=${LIGHTJWT_VARIANTS-}
if [ "$variants" = none ]; then
  section "5/5 Hardening variants skipped (LIGHTJWT_VARIANTS=none)"
  exit 0
fi
section "5/5 Hardening variants (tools/ci-variants.sh ${variants:-all})"
# shellcheck disable=SC2086  # the list is split into one argument per variant on purpose
bash tools/ci-variants.sh $variants
echo "test.sh: all tests and hardening variants passed"
