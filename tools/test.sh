#!/usr/bin/env bash
# Installs what is missing, builds everything in build-tests/ and runs the whole test suite.
# This is what CI runs (.ci/run). Exits with ctest's status.
# SPDX-License-Identifier: MIT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==== %s ====\n' "$*"; }

section "1/4 Installing missing packages (tools/setup.sh --tests)"
bash tools/setup.sh --tests

section "2/4 Configuring build-tests/ (RelWithDebInfo, tests, examples, tools, benchmarks)"
cmake -S . -B build-tests -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLIGHTJWT_BUILD_TESTS=ON -DLIGHTJWT_BUILD_EXAMPLES=ON \
  -DLIGHTJWT_BUILD_TOOLS=ON -DLIGHTJWT_BUILD_BENCHMARKS=ON

section "3/4 Building (-j2)"
cmake --build build-tests -j2

section "4/4 Running the tests (ctest -j2)"
status=0
ctest --test-dir build-tests --output-on-failure -j2 || status=$?
section "ThreadSanitizer: one verifier shared by 8 threads (tests/concurrency_test.cpp)"
testdata="$(cd ../shared/testdata && pwd)"
if g++ -std=c++17 -O1 -g -fsanitize=thread -Iinclude -DLIGHTJWT_TESTDATA_DIR="\"$testdata\"" \
     tests/main.cpp tests/concurrency_test.cpp -o build-tests/concurrency_tsan -lcrypto -pthread &&
   TSAN_OPTIONS=halt_on_error=1 build-tests/concurrency_tsan; then
  echo "tsan: concurrency test passed"
else
  echo "tsan: concurrency test FAILED" >&2
  status=1
fi

# ctest shows a passing test's output only in its log: print the Wycheproof counts per file.
log=build-tests/Testing/Temporary/LastTest.log
if [ -f "$log" ]; then
  section "Wycheproof counts per file (from $log)"
  grep -h -A1 -E '^ *(wycheproof |[a-z0-9_]+_test\.json: [0-9]+ tests)' "$log" | grep -v -e '^--$' \
    -e 'sec\*proc' -e 'host application' || true
fi
if [ "$status" -eq 0 ]; then
  echo "test.sh: all tests passed"
else
  echo "test.sh: ctest failed (exit status $status)" >&2
fi
exit "$status"
