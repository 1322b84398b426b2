// The signer policies. Each is a type with `name`, `max_signature_size`, `verify_key`,
// `sign_key`, and the contexts `verify_context` / `sign_context` a key is bound into.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ALGORITHMS_HPP
#define LIGHTJWT_ALGORITHMS_HPP

// A signer policy S provides:
//   static constexpr std::string_view name;            // the JOSE "alg" value
//   static constexpr std::size_t max_signature_size;   // bytes
//   using verify_key = ...; using sign_key = ...;      // the key types it binds
//   class verify_context {                             // immutable, thread-safe
//     static result<verify_context> create(const verify_key&) noexcept;     // checks kind, size
//     std::error_code verify(bytes_view signing_input, bytes_view sig) const noexcept;
//   };
//   class sign_context {
//     static result<sign_context> create(const sign_key&) noexcept;
//     std::size_t signature_size() const noexcept;      // exact length of what sign() writes
//     result<std::size_t> sign(bytes_view signing_input, mutable_bytes out) const noexcept;
//   };
// Adding an algorithm is adding a policy: the verifier and encoder never branch on names.

#include <lightjwt/algorithms/ecdsa.hpp>  // IWYU pragma: export
#include <lightjwt/algorithms/eddsa.hpp>  // IWYU pragma: export
#include <lightjwt/algorithms/hmac.hpp>   // IWYU pragma: export
#include <lightjwt/algorithms/rsa.hpp>    // IWYU pragma: export

#endif  // LIGHTJWT_ALGORITHMS_HPP
