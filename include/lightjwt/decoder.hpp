// decode_unverified(): reads a token WITHOUT checking its signature, for inspection only.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DECODER_HPP
#define LIGHTJWT_DECODER_HPP

#include <string_view>
#include <system_error>

#include <lightjwt/detail/token_data.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/token.hpp>

namespace lightjwt {

/// Decodes `token` WITHOUT verifying its signature or claims: nothing in the result may be
/// trusted, and the result's type cannot be passed where a verified_token is expected (ALG-10).
/// Applies the same strict syntax and limits as a verifier: token_too_large, malformed_token,
/// invalid_utf8, duplicate_member, nesting_too_deep, limit_exceeded, invalid_header,
/// invalid_claim_type.
[[nodiscard]] inline result<unverified_token> decode_unverified(std::string_view token,
                                                                const token_limits& limits = {}) {
  if (token.size() > limits.max_token_size) return errc::token_too_large;
  unverified_token t;
  detail::token_data& d = t.d_;
  detail::segments seg;
  if (auto ec = detail::split(token, seg)) return ec;
  if (auto ec = d.prepare_header(seg.header)) return ec;
  if (auto ec = d.decode_into(seg.header, d.header_off, d.header_len)) return ec;
  detail::header_fields hf;
  if (auto ec = d.read_header(limits, hf)) return ec;
  if (auto ec = d.prepare_payload(seg.payload)) return ec;
  if (auto ec = d.decode_into(seg.payload, d.payload_off, d.payload_len)) return ec;
  if (auto ec = d.read_claims(limits)) return ec;
  return t;
}

}  // namespace lightjwt

#endif  // LIGHTJWT_DECODER_HPP
