// Tests of strict Base64URL: RFC 4648 vectors, refused bytes and lengths, canonical bits, sizes.
// SPDX-License-Identifier: MIT
#include <lightjwt/base64url.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <catch2/catch.hpp>

namespace {

namespace b64 = lightjwt::base64url;
using lightjwt::errc;

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::size_t size_max = std::numeric_limits<std::size_t>::max();

// Exact arithmetic for the size oracles: 128 bits hold 4 * SIZE_MAX without wrapping.
__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using)
static_assert(sizeof(std::size_t) <= 8, "the oracles below need 128 bits to be wider");

bool in_alphabet(unsigned char c) {
  return alphabet.find(static_cast<char>(c)) != std::string_view::npos;
}

// A bit-by-bit reference encoder, deliberately unlike the table-driven one under test.
std::string reference_encode(const std::vector<unsigned char>& in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char byte : in) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63U];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63U];
  return out;
}

// Decodes into a vector sized exactly, or returns the error.
lightjwt::result<std::vector<unsigned char>> decode_exact(std::string_view in) {
  const auto size = b64::decoded_size(in.size());
  if (!size) return size.error();
  std::vector<unsigned char> out(*size);
  const auto written = b64::decode(in, lightjwt::mutable_bytes(out));
  if (!written) return written.error();
  REQUIRE(*written == out.size());
  return out;
}

std::vector<unsigned char> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

constexpr std::size_t constexpr_encoded_size(std::size_t n) {
  std::size_t out = 0;
  return b64::encoded_size(n, out) ? out : 0;
}
static_assert(constexpr_encoded_size(0) == 0);
static_assert(constexpr_encoded_size(1) == 2);
static_assert(constexpr_encoded_size(2) == 3);
static_assert(constexpr_encoded_size(3) == 4);

static_assert(noexcept(b64::encode(lightjwt::bytes_view(), lightjwt::span<char>())));
static_assert(noexcept(b64::decode(std::string_view(), lightjwt::mutable_bytes())));
static_assert(noexcept(b64::encoded_size(std::size_t{0})));
static_assert(noexcept(b64::decoded_size(std::size_t{0})));

struct vector_pair {
  std::string_view decoded;
  std::string_view encoded;
};

// RFC 4648 §10, with the padding that base64url in JOSE omits (RFC 7515 §2) removed.
constexpr std::array<vector_pair, 7> rfc4648_vectors{{
    {"", ""},
    {"f", "Zg"},
    {"fo", "Zm8"},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg"},
    {"fooba", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy"},
}};

}  // namespace

TEST_CASE("encode produces the RFC 4648 test vectors without padding", "[base64url][rfc4648]") {
  for (const auto& v : rfc4648_vectors) {
    CAPTURE(v.decoded);
    CHECK(b64::encode(v.decoded) == v.encoded);

    std::array<char, 16> buf{};
    const auto n = b64::encode(lightjwt::as_bytes(v.decoded), lightjwt::span<char>(buf));
    REQUIRE(n.has_value());
    CHECK(std::string_view(buf.data(), *n) == v.encoded);
  }
}

TEST_CASE("decode reverses the RFC 4648 test vectors", "[base64url][rfc4648]") {
  for (const auto& v : rfc4648_vectors) {
    CAPTURE(v.encoded);
    const auto bytes = decode_exact(v.encoded);
    REQUIRE(bytes.has_value());
    CHECK(*bytes == bytes_of(v.decoded));

    const auto text = b64::decode_to_string(v.encoded);
    REQUIRE(text.has_value());
    CHECK(*text == v.decoded);
  }
}

TEST_CASE("encode uses - and _ where standard base64 uses + and /", "[base64url][rfc4648]") {
  const std::vector<unsigned char> plus_slash{0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF};
  CHECK(b64::encode(lightjwt::bytes_view(plus_slash)) == "----____");
  const std::vector<unsigned char> short_tail{0xFB, 0xFF};
  CHECK(b64::encode(lightjwt::bytes_view(short_tail)) == "-_8");

  const auto back = decode_exact("----____");
  REQUIRE(back.has_value());
  CHECK(*back == plus_slash);
}

TEST_CASE("decode rejects each forbidden byte at the start and middle and end",
          "[base64url][security][SYN-3]") {
  // Standard base64, padding, whitespace, NUL, a JWS separator, percent-encoding, non-ASCII.
  const std::string forbidden{'+',  '/', '=', ' ',    '\t',   '\r',  '\n',
                              '\0', '.', '%', '\x80', '\xC3', '\xFF'};
  // A full quantum, a 3-character tail and a 2-character tail, so every decoding branch is hit.
  const std::array<std::string, 3> valid{"Zm9vYmFy", "Zm9vYmE", "Zm9vYg"};
  for (const std::string& base : valid) {
    REQUIRE(decode_exact(base).has_value());
    for (const char c : forbidden) {
      for (const std::size_t at : {std::size_t{0}, base.size() / 2, base.size() - 1}) {
        std::string bad = base;
        bad[at] = c;
        const int byte = static_cast<unsigned char>(c);
        CAPTURE(base, byte, at);
        const auto r = decode_exact(bad);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::malformed_token);
        CHECK_FALSE(b64::is_alphabet(bad));
      }
    }
  }
}

TEST_CASE("decode rejects every byte outside the alphabet in every position of a quantum",
          "[base64url][security][SYN-3]") {
  for (int value = 0; value < 256; ++value) {
    const auto c = static_cast<unsigned char>(value);
    if (in_alphabet(c)) continue;
    for (const std::string_view base : {"QUJD", "QUI", "QQ"}) {
      for (std::size_t at = 0; at < base.size(); ++at) {
        std::string bad(base);
        bad[at] = static_cast<char>(c);
        CAPTURE(value, base, at);
        std::array<unsigned char, 3> out{};
        const auto r = b64::decode(bad, lightjwt::mutable_bytes(out));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::malformed_token);
      }
    }
  }
}

TEST_CASE("decode rejects padded input", "[base64url][security][SYN-3]") {
  for (const std::string_view padded :
       {"Zg==", "Zm8=", "Zm9vYg==", "Zm9vYmE=", "Zg=", "Zm9v===="}) {
    CAPTURE(padded);
    const auto r = decode_exact(padded);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::malformed_token);
  }
}

TEST_CASE("decode rejects lengths that leave one character over", "[base64url][security][SYN-4]") {
  for (std::size_t n = 1; n <= 41; n += 4) {
    const std::string in(n, 'A');
    CAPTURE(n);
    std::array<unsigned char, 64> out{};
    const auto r = b64::decode(in, lightjwt::mutable_bytes(out));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::malformed_token);

    const auto size = b64::decoded_size(n);
    REQUIRE_FALSE(size.has_value());
    CHECK(size.error() == errc::malformed_token);

    const auto vec = b64::decode(in);
    REQUIRE_FALSE(vec.has_value());
    CHECK(vec.error() == errc::malformed_token);
    const auto str = b64::decode_to_string(in);
    REQUIRE_FALSE(str.has_value());
    CHECK(str.error() == errc::malformed_token);
  }
}

TEST_CASE("decode rejects non-zero unused bits in a 2-character tail",
          "[base64url][security][SYN-4]") {
  // "QQ" is the only spelling of 0x41: its second character carries 4 unused bits.
  const auto canonical = decode_exact("QQ");
  REQUIRE(canonical.has_value());
  CHECK(*canonical == bytes_of("A"));

  const auto qr = decode_exact("QR");
  REQUIRE_FALSE(qr.has_value());
  CHECK(qr.error() == errc::malformed_token);

  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    const std::string in{'Q', alphabet[i]};
    CAPTURE(in);
    const auto r = decode_exact(in);
    if (i % 16 == 0) {
      CHECK(r.has_value());
    } else {
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == errc::malformed_token);
    }
  }
}

TEST_CASE("decode rejects non-zero unused bits in a 3-character tail",
          "[base64url][security][SYN-4]") {
  // "QUI" is the only spelling of "AB": its third character carries 2 unused bits.
  const auto canonical = decode_exact("QUI");
  REQUIRE(canonical.has_value());
  CHECK(*canonical == bytes_of("AB"));

  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    const std::string in{'Q', 'U', alphabet[i]};
    CAPTURE(in);
    const auto r = decode_exact(in);
    if (i % 4 == 0) {
      CHECK(r.has_value());
    } else {
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == errc::malformed_token);
    }
  }
}

TEST_CASE("decode rejects non-canonical trailing bits after full quanta",
          "[base64url][security][SYN-4]") {
  for (const std::string_view in : {"Zm9vYh", "Zm9vYi", "Zm9vYmF", "Zm9vYmG"}) {
    CAPTURE(in);
    const auto r = decode_exact(in);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::malformed_token);
  }
}

TEST_CASE("decode reports buffer_too_small and leaves the buffer untouched", "[base64url]") {
  std::array<unsigned char, 8> out{};
  out.fill(0xAA);
  const auto small = b64::decode("Zm9vYmFy", lightjwt::mutable_bytes(out.data(), 5));
  REQUIRE_FALSE(small.has_value());
  CHECK(small.error() == errc::buffer_too_small);
  for (const unsigned char b : out) CHECK(b == 0xAA);

  const auto empty = b64::decode("Zg", lightjwt::mutable_bytes());
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error() == errc::buffer_too_small);

  const auto exact = b64::decode("Zm9vYmFy", lightjwt::mutable_bytes(out.data(), 6));
  REQUIRE(exact.has_value());
  CHECK(*exact == 6);

  const auto larger = b64::decode("Zm9vYmE", lightjwt::mutable_bytes(out));
  REQUIRE(larger.has_value());
  CHECK(*larger == 5);
  CHECK(out[5] == 'r');  // left from the previous decode: only 5 bytes were written

  const auto nothing = b64::decode("", lightjwt::mutable_bytes());
  REQUIRE(nothing.has_value());
  CHECK(*nothing == 0);
}

TEST_CASE("encode reports buffer_too_small and leaves the buffer untouched", "[base64url]") {
  std::array<char, 8> out{};
  out.fill('#');
  const auto small = b64::encode(lightjwt::as_bytes("foobar"), lightjwt::span<char>(out.data(), 7));
  REQUIRE_FALSE(small.has_value());
  CHECK(small.error() == errc::buffer_too_small);
  for (const char c : out) CHECK(c == '#');

  const auto exact = b64::encode(lightjwt::as_bytes("foobar"), lightjwt::span<char>(out));
  REQUIRE(exact.has_value());
  CHECK(std::string_view(out.data(), *exact) == "Zm9vYmFy");
}

namespace {

// The sizes that RES-2 names, small sizes, and the neighbours of the encoding limit.
std::vector<std::size_t> edge_sizes() {
  // The largest n whose encoding, ceil(4n/3) characters, still fits in a size_t.
  const auto largest_encodable = static_cast<std::size_t>(u128{size_max} * 3 / 4);
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 16; ++n) sizes.push_back(n);
  for (std::size_t k = 0; k <= 4; ++k) sizes.push_back(size_max - k);
  sizes.push_back(size_max / 4 * 3 + 1);
  sizes.push_back(size_max / 4 * 3);
  sizes.push_back(size_max / 3 * 2);
  sizes.push_back(largest_encodable);
  sizes.push_back(largest_encodable + 1);
  return sizes;
}

}  // namespace

TEST_CASE("encoded_size reports failure instead of wrapping near SIZE_MAX",
          "[base64url][security][RES-2]") {
  for (const std::size_t n : edge_sizes()) {
    CAPTURE(n);
    const u128 exact = (u128{n} * 4 + 2) / 3;  // ceil(4n/3)
    std::size_t out = 0;
    const bool ok = b64::encoded_size(n, out);
    const auto r = b64::encoded_size(n);
    if (exact > size_max) {
      CHECK_FALSE(ok);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == errc::limit_exceeded);
    } else {
      REQUIRE(ok);
      CHECK(out == static_cast<std::size_t>(exact));
      REQUIRE(r.has_value());
      CHECK(*r == static_cast<std::size_t>(exact));
    }
  }
  // SIZE_MAX * 3 / 4 bytes encode to exactly SIZE_MAX characters; one byte more cannot be encoded.
  const auto largest_encodable = static_cast<std::size_t>(u128{size_max} * 3 / 4);
  std::size_t out = 0;
  CHECK(b64::encoded_size(largest_encodable, out));
  CHECK(out == size_max);
  CHECK_FALSE(b64::encoded_size(largest_encodable + 1, out));
  CHECK_FALSE(b64::encoded_size(size_max, out));
}

TEST_CASE("decoded_size never wraps near SIZE_MAX", "[base64url][security][RES-2]") {
  for (const std::size_t n : edge_sizes()) {
    CAPTURE(n);
    std::size_t out = 0;
    const bool ok = b64::decoded_size(n, out);
    const auto r = b64::decoded_size(n);
    if (n % 4 == 1) {
      // No Base64URL string has this length.
      CHECK_FALSE(ok);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error() == errc::malformed_token);
    } else {
      const u128 exact = u128{n} * 3 / 4;  // floor(6n/8)
      REQUIRE(ok);
      CHECK(out == static_cast<std::size_t>(exact));
      CHECK(out <= n);
      REQUIRE(r.has_value());
      CHECK(*r == static_cast<std::size_t>(exact));
    }
  }
}

TEST_CASE("encode into a buffer reports limit_exceeded for an unencodable size",
          "[base64url][security][RES-2]") {
  // The view's size is never dereferenced: the size check comes first.
  const unsigned char byte = 0;
  std::array<char, 4> out{};
  const auto r = b64::encode(lightjwt::bytes_view(&byte, size_max), lightjwt::span<char>(out));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::limit_exceeded);
}

TEST_CASE("random bytes of every length from 0 to 300 round-trip", "[base64url]") {
  std::mt19937 rng(20260101U);  // fixed seed: the run is reproducible
  std::uniform_int_distribution<int> byte_dist(0, 255);
  for (std::size_t len = 0; len <= 300; ++len) {
    std::vector<unsigned char> in(len);
    for (auto& b : in) b = static_cast<unsigned char>(byte_dist(rng));
    CAPTURE(len);

    const std::string encoded = b64::encode(lightjwt::bytes_view(in));
    const auto expected_size = b64::encoded_size(len);
    REQUIRE(expected_size.has_value());
    CHECK(encoded.size() == *expected_size);
    CHECK(encoded.size() % 4 != 1);
    CHECK(encoded == reference_encode(in));
    CHECK(b64::is_alphabet(encoded));

    const auto decoded = decode_exact(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == in);

    const auto via_vector = b64::decode(encoded);
    REQUIRE(via_vector.has_value());
    CHECK(*via_vector == in);
  }
}

TEST_CASE("every byte value round-trips", "[base64url]") {
  std::vector<unsigned char> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<unsigned char>(i);
  const std::string encoded = b64::encode(lightjwt::bytes_view(all));
  CHECK(encoded == reference_encode(all));
  const auto decoded = decode_exact(encoded);
  REQUIRE(decoded.has_value());
  CHECK(*decoded == all);
}
