// The Catch2 test main, compiled once and linked into every test executable.
// SPDX-License-Identifier: MIT
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
