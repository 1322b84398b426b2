// The umbrella header: includes every public lightjwt header and nothing else.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_LIGHTJWT_HPP
#define LIGHTJWT_LIGHTJWT_HPP

#include <lightjwt/algorithms.hpp>  // IWYU pragma: export
#include <lightjwt/base64url.hpp>   // IWYU pragma: export
#include <lightjwt/claims.hpp>      // IWYU pragma: export
#include <lightjwt/config.hpp>      // IWYU pragma: export
#include <lightjwt/decoder.hpp>     // IWYU pragma: export
#include <lightjwt/encoder.hpp>     // IWYU pragma: export
#include <lightjwt/error.hpp>       // IWYU pragma: export
#include <lightjwt/jwk.hpp>         // IWYU pragma: export
#include <lightjwt/jwks_cache.hpp>  // IWYU pragma: export
#include <lightjwt/keys.hpp>        // IWYU pragma: export
#include <lightjwt/result.hpp>      // IWYU pragma: export
#include <lightjwt/span.hpp>        // IWYU pragma: export
#include <lightjwt/token.hpp>       // IWYU pragma: export
#include <lightjwt/verifier.hpp>    // IWYU pragma: export

#endif  // LIGHTJWT_LIGHTJWT_HPP
