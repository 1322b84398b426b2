#!/usr/bin/env bash
# Installs with apt-get the Debian packages that lightjwt needs and this machine lacks.
# SPDX-License-Identifier: MIT
#
# Usage: bash tools/setup.sh [--tests]
#   (no option)  what building the library, the examples and the tool needs
#   --tests      also what the test suite needs (Catch2, PyJWT, node, Google Benchmark, clang,
#                its sanitizer and libFuzzer runtimes, clang-tidy, Redis, SQLite, nginx, wrk, Chromium)
# Safe to run again: it installs only what is missing, and runs `apt-get update` only then.
# Needs root or sudo when something is missing; on a system without dpkg it only says what to get.
set -euo pipefail

usage() { sed -n '4,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

packages=(build-essential cmake libssl-dev nlohmann-json3-dev pkg-config git ca-certificates)
test_packages=(catch2 python3 python3-jwt python3-cryptography python3-jwcrypto libbenchmark-dev
               libjwt-dev libcpp-httplib-dev gnuplot-nox nodejs npm clang-14 libclang-rt-14-dev
               clang-tidy libhiredis-dev libsqlite3-dev sqlite3 redis-server redis-sentinel nginx-light
               wrk curl chromium doxygen meson)

for arg in "$@"; do
  case "$arg" in
    --tests) packages+=("${test_packages[@]}") ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup.sh: this is not a Debian-like system (no dpkg-query/apt-get); install these" \
       "packages or their equivalents yourself: ${packages[*]}" >&2
  exit 0
fi

# Returns success when the Debian package is installed. nodejs and npm also count as present
# when their commands are: NodeSource's nodejs package bundles npm and conflicts with Debian's.
have() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)
  [ "$status" = installed ] && return 0
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing=()
for pkg in "${packages[@]}"; do
  have "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} required packages are installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup.sh: missing packages (${missing[*]}), and neither root nor sudo is available;" \
         "as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "setup.sh: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
