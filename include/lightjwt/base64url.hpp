// Strict Base64URL (RFC 4648 §5, RFC 7515 §2): no padding, no other alphabet, canonical bits only.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_BASE64URL_HPP
#define LIGHTJWT_BASE64URL_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <lightjwt/error.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt::base64url {

namespace detail {

inline constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// 0xFF marks a byte outside the alphabet.
constexpr std::array<std::uint8_t, 256> make_decode_table() noexcept {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> decode_table = make_decode_table();
static_assert(decode_table['A'] == 0 && decode_table['_'] == 63 && decode_table['='] == 0xFF);
static_assert(decode_table['+'] == 0xFF && decode_table['/'] == 0xFF);

}  // namespace detail

/// Returns the length of the encoding of n bytes; limit_exceeded when it is not representable.
[[nodiscard]] constexpr bool encoded_size(std::size_t n, std::size_t& out) noexcept {
  constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
  // n/3*4 + tail must not wrap: compare against the largest n whose encoding fits.
  if (n / 3 > (max - 3) / 4) return false;
  out = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
  return true;
}

/// Returns the number of bytes that n Base64URL characters decode to; false for the impossible
/// length n % 4 == 1. Never overflows: it divides before it multiplies.
[[nodiscard]] constexpr bool decoded_size(std::size_t n, std::size_t& out) noexcept {
  if (n % 4 == 1) return false;
  out = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
  return true;
}

/// Returns the encoded length of n bytes, or limit_exceeded (RES-2).
[[nodiscard]] inline result<std::size_t> encoded_size(std::size_t n) noexcept {
  std::size_t out = 0;
  if (!encoded_size(n, out)) return errc::limit_exceeded;
  return out;
}

/// Returns the decoded length of n characters, or malformed_token when n % 4 == 1.
[[nodiscard]] inline result<std::size_t> decoded_size(std::size_t n) noexcept {
  std::size_t out = 0;
  if (!decoded_size(n, out)) return errc::malformed_token;
  return out;
}

/// Encodes `in` into `out`; returns the number of characters written, or buffer_too_small.
/// Does not allocate.
[[nodiscard]] inline result<std::size_t> encode(bytes_view in, span<char> out) noexcept {
  std::size_t need = 0;
  if (!encoded_size(in.size(), need)) return errc::limit_exceeded;
  if (out.size() < need) return errc::buffer_too_small;
  const unsigned char* p = in.data();
  char* o = out.data();
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = detail::alphabet[(v >> 18) & 63];
    *o++ = detail::alphabet[(v >> 12) & 63];
    *o++ = detail::alphabet[(v >> 6) & 63];
    *o++ = detail::alphabet[v & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{p[i]} << 16;
    *o++ = detail::alphabet[(v >> 18) & 63];
    *o++ = detail::alphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    *o++ = detail::alphabet[(v >> 18) & 63];
    *o++ = detail::alphabet[(v >> 12) & 63];
    *o++ = detail::alphabet[(v >> 6) & 63];
  }
  return need;
}

/// Decodes `in` into `out`; returns the number of bytes written. malformed_token for any byte
/// outside [A-Za-z0-9_-] (padding, '+', '/', whitespace), a length % 4 == 1, or non-zero unused
/// bits in the last character (RFC 4648 §3.5: only the canonical spelling is accepted);
/// buffer_too_small when `out` cannot hold the result. Does not allocate.
[[nodiscard]] inline result<std::size_t> decode(std::string_view in, mutable_bytes out) noexcept {
  std::size_t need = 0;
  if (!decoded_size(in.size(), need)) return errc::malformed_token;
  if (out.size() < need) return errc::buffer_too_small;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());  // NOLINT
  unsigned char* o = out.data();
  const auto& t = detail::decode_table;
  std::size_t i = 0;
  const std::size_t full = in.size() / 4 * 4;
  for (; i < full; i += 4) {
    const std::uint32_t a = t[p[i]], b = t[p[i + 1]], c = t[p[i + 2]], d = t[p[i + 3]];
    if ((a | b | c | d) & 0x80U) return errc::malformed_token;
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    *o++ = static_cast<unsigned char>(v >> 16);
    *o++ = static_cast<unsigned char>(v >> 8);
    *o++ = static_cast<unsigned char>(v);
  }
  const std::size_t rest = in.size() - i;
  if (rest == 2) {
    const std::uint32_t a = t[p[i]], b = t[p[i + 1]];
    if ((a | b) & 0x80U) return errc::malformed_token;
    if (b & 0x0FU) return errc::malformed_token;  // non-canonical: unused low 4 bits set
    *o++ = static_cast<unsigned char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    const std::uint32_t a = t[p[i]], b = t[p[i + 1]], c = t[p[i + 2]];
    if ((a | b | c) & 0x80U) return errc::malformed_token;
    if (c & 0x03U) return errc::malformed_token;  // non-canonical: unused low 2 bits set
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6);
    *o++ = static_cast<unsigned char>(v >> 16);
    *o++ = static_cast<unsigned char>(v >> 8);
  }
  return need;
}

/// Returns true when every byte of `in` is in the Base64URL alphabet. Does not allocate.
[[nodiscard]] inline bool is_alphabet(std::string_view in) noexcept {
  return std::all_of(in.begin(), in.end(), [](char ch) {
    return (detail::decode_table[static_cast<unsigned char>(ch)] & 0x80U) == 0;
  });
}

/// Encodes bytes into a new string (allocates).
[[nodiscard]] inline std::string encode(bytes_view in) {
  std::string s(encoded_size(in.size()).value(), '\0');
  (void)encode(in, span<char>(s.data(), s.size()));
  return s;
}

/// Encodes the bytes of a string into a new string (allocates).
[[nodiscard]] inline std::string encode(std::string_view in) { return encode(as_bytes(in)); }

/// Decodes into a new byte vector (allocates); malformed_token as decode() above.
[[nodiscard]] inline result<std::vector<unsigned char>> decode(std::string_view in) {
  std::size_t n = 0;
  if (!decoded_size(in.size(), n)) return errc::malformed_token;
  std::vector<unsigned char> v(n);
  auto r = decode(in, mutable_bytes(v));
  if (!r) return r.error();
  return v;
}

/// Decodes into a new string (allocates); malformed_token as decode() above.
[[nodiscard]] inline result<std::string> decode_to_string(std::string_view in) {
  std::size_t n = 0;
  if (!decoded_size(in.size(), n)) return errc::malformed_token;
  std::string s(n, '\0');
  auto r =
      decode(in, mutable_bytes(reinterpret_cast<unsigned char*>(s.data()), s.size()));  // NOLINT
  if (!r) return r.error();
  return s;
}

}  // namespace lightjwt::base64url

#endif  // LIGHTJWT_BASE64URL_HPP
