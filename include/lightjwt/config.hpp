// Configuration macros: exceptions on or off, assertions, symbol visibility, version.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_CONFIG_HPP
#define LIGHTJWT_CONFIG_HPP

#include <cassert>

#define LIGHTJWT_VERSION_MAJOR 0
#define LIGHTJWT_VERSION_MINOR 1
#define LIGHTJWT_VERSION_PATCH 0

// The user's choice wins; otherwise exceptions are off when the compiler says so.
#ifndef LIGHTJWT_NO_EXCEPTIONS
#  if defined(_MSC_VER)
#    ifndef _CPPUNWIND
#      define LIGHTJWT_NO_EXCEPTIONS
#    endif
#  elif !defined(__cpp_exceptions)
#    define LIGHTJWT_NO_EXCEPTIONS
#  endif
#endif

// A broken precondition is a bug, not an error: it asserts.
#ifndef LIGHTJWT_ASSERT
#  define LIGHTJWT_ASSERT(cond) assert(cond)
#endif

// The error category must be one object across shared objects built with -fvisibility=hidden.
#ifndef LIGHTJWT_VISIBLE
#  if defined(__GNUC__) || defined(__clang__)
#    define LIGHTJWT_VISIBLE __attribute__((visibility("default")))
#  else
#    define LIGHTJWT_VISIBLE
#  endif
#endif

#endif  // LIGHTJWT_CONFIG_HPP
