// Fuzz target: lightjwt's strict Base64URL decoder against a plain reference decoder written
// here: both accept and reject the same inputs and produce the same bytes.
// SPDX-License-Identifier: MIT
#include <lightjwt/base64url.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <lightjwt/detail/token_data.hpp>
#include <lightjwt/span.hpp>

#include "fuzz_support.hpp"

namespace {

/// RFC 4648 §5 without padding, bit by bit: every character must be in the alphabet, a length
/// of 1 mod 4 is impossible, and the bits left over after the last byte must be zero (§3.5).
bool reference_decode(std::string_view in, std::vector<unsigned char>& out) {
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uint32_t acc = 0;
  unsigned bits = 0;
  out.clear();
  for (const char c : in) {
    const std::size_t v = alphabet.find(c);
    if (v == std::string_view::npos) return false;
    acc = ((acc << 6U) | static_cast<std::uint32_t>(v)) & 0xFFFFU;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xFFU));
    }
  }
  if (bits >= 6) return false;                            // one character alone makes no byte
  return (acc & ((std::uint32_t{1} << bits) - 1U)) == 0;  // non-canonical leftover bits
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using lightjwt_fuzz::check;
  namespace b64 = lightjwt::base64url;
  const std::string_view in = lightjwt_fuzz::as_text(data, size);

  std::vector<unsigned char> expected;
  const bool ok = reference_decode(in, expected);

  const auto got = b64::decode(in);
  check(got.has_value() == ok, "decode() and the reference disagree on acceptance");
  if (!ok) {
    check(got.error() == lightjwt::errc::malformed_token, "decode() fails with another code");
  }
  // The verifier's pre-check of a segment must agree with the decoder.
  check(lightjwt::detail::is_canonical_segment(in) == ok, "is_canonical_segment() disagrees");

  std::size_t n = 0;
  const bool size_ok = b64::decoded_size(in.size(), n);
  check(size_ok == (in.size() % 4 != 1), "decoded_size() is wrong about the length");
  if (ok) {
    check(*got == expected, "decode() and the reference decode different bytes");
    check(n == expected.size(), "decoded_size() differs from the decoded length");
    // Canonical input: encoding the bytes again gives the input back.
    check(b64::encode(lightjwt::bytes_view(expected)) == in, "decode then encode differs");
    const auto s = b64::decode_to_string(in);
    check(s.has_value() && lightjwt::as_bytes(*s).size() == expected.size() &&
              std::equal(expected.begin(), expected.end(), lightjwt::as_bytes(*s).begin()),
          "decode_to_string() differs");
  }
  if (size_ok && n > 0) {
    // A buffer one byte short is refused before anything is written past it.
    std::vector<unsigned char> small(n - 1);
    check(
        b64::decode(in, lightjwt::mutable_bytes(small)).error() == lightjwt::errc::buffer_too_small,
        "decode() into a short buffer is not buffer_too_small");
  }

  // The other direction: any bytes encode to text that both decoders read back.
  const std::string enc = b64::encode(lightjwt::as_bytes(in));
  std::size_t want = 0;
  check(b64::encoded_size(in.size(), want) && want == enc.size(), "encoded_size() is wrong");
  std::vector<unsigned char> back;
  check(reference_decode(enc, back) && lightjwt::as_chars(lightjwt::bytes_view(back)) == in,
        "encode() output is not canonical Base64URL");
  return 0;
}
