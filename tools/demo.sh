#!/usr/bin/env bash
# Installs what is missing, builds lightjwt's examples and tool in build/ (Release), runs the demo.
# SPDX-License-Identifier: MIT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==== %s ====\n' "$*"; }

section "1/4 Installing missing packages (tools/setup.sh)"
bash tools/setup.sh

section "2/4 Configuring build/ (Release, tests off)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DLIGHTJWT_BUILD_TESTS=OFF -DLIGHTJWT_BUILD_BENCHMARKS=OFF \
  -DLIGHTJWT_BUILD_EXAMPLES=ON -DLIGHTJWT_BUILD_TOOLS=ON -DLIGHTJWT_WERROR=OFF

section "3/4 Building (-j2)"
cmake --build build -j2

section "4/4 Running build/examples/quickstart"
if [ ! -x build/examples/quickstart ]; then
  echo "demo.sh: build/examples/quickstart was not built (is examples/quickstart.cpp there?)" >&2
  exit 1
fi
build/examples/quickstart
