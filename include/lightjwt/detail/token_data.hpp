// The decoded header and payload of one token, and the registered members read from them.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_TOKEN_DATA_HPP
#define LIGHTJWT_DETAIL_TOKEN_DATA_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <system_error>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#  include <tmmintrin.h>  // SSSE3, used only behind a run-time CPU check
#endif

#include <lightjwt/base64url.hpp>
#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/error.hpp>

namespace lightjwt {

/// Bounds applied while a token is read. Every size is checked before the work it protects.
struct token_limits {
  /// Longest accepted token, in bytes (RES-1). Checked before anything else.
  std::size_t max_token_size = std::size_t{16} * 1024;
  /// JSON nesting depth, members per object and digits per number (RES-3, RES-4).
  detail::scan_limits json{};
  /// Longest `kid`, `sub` and `jti` (KEY-9, CLM-9).
  std::size_t max_identifier_length = 256;
};

namespace detail {

inline constexpr std::size_t max_audiences = 16;
inline constexpr std::size_t max_crit_entries = 16;
/// The latest NumericDate accepted: 9999-12-31T23:59:59Z (CLM-4).
inline constexpr double max_numeric_date = 253402300799.0;

/// A string inside the token's buffer: an offset and a length, so that moving the owner keeps it
/// valid.
struct slice {
  std::uint32_t off = 0;
  std::uint32_t len = 0;
  bool present = false;
};

/// Owns the decoded header, the decoded payload and room for unescaped strings: inline for a
/// typical token, one heap allocation for a large one.
// inline_ stays uninitialised on purpose (1.5 KiB per token on the hot path): only [0, used_) is
// ever read, and every constructor sets used_.
// NOLINTBEGIN(cppcoreguidelines-pro-type-member-init)
class token_buffer {
 public:
  static constexpr std::size_t inline_size = 1536;

  token_buffer() noexcept = default;
  token_buffer(const token_buffer& o) { copy_from(o); }
  token_buffer& operator=(const token_buffer& o) {
    if (this != &o) copy_from(o);
    return *this;
  }
  token_buffer(token_buffer&& o) noexcept { move_from(o); }
  token_buffer& operator=(token_buffer&& o) noexcept {
    if (this != &o) move_from(o);
    return *this;
  }
  ~token_buffer() = default;

  /// Makes room for n bytes, discarding the contents; false when memory is exhausted.
  bool reset(std::size_t n) noexcept {
    used_ = 0;
    if (n <= inline_size) {
      heap_.reset();
      cap_ = inline_size;
      return true;
    }
    if (heap_ && cap_ >= n) return true;
    heap_.reset(new (std::nothrow) char[n]);
    cap_ = heap_ ? n : inline_size;
    return heap_ != nullptr;
  }
  /// Makes room for `n` bytes in all, keeping the used part; false when memory is exhausted.
  bool grow(std::size_t n) noexcept {
    if (n <= cap_) return true;
    std::unique_ptr<char[]> bigger(new (std::nothrow) char[n]);
    if (!bigger) return false;
    std::memcpy(bigger.get(), data(), used_);
    heap_ = std::move(bigger);
    cap_ = n;
    return true;
  }
  [[nodiscard]] char* data() noexcept { return heap_ ? heap_.get() : inline_.data(); }
  [[nodiscard]] const char* data() const noexcept { return heap_ ? heap_.get() : inline_.data(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
  [[nodiscard]] std::size_t used() const noexcept { return used_; }
  /// Reserves n bytes at the end of the used part and returns their offset.
  std::size_t take(std::size_t n) noexcept {
    LIGHTJWT_ASSERT(used_ + n <= cap_);
    const std::size_t off = used_;
    used_ += n;
    return off;
  }
  void give_back(std::size_t n) noexcept { used_ -= n; }

 private:
  void copy_from(const token_buffer& o) {
    if (o.heap_) {
      heap_.reset(new char[o.cap_]);
      cap_ = o.cap_;
    } else {
      heap_.reset();
      cap_ = inline_size;
    }
    used_ = o.used_;
    std::memcpy(data(), o.data(), o.used_);
  }
  void move_from(token_buffer& o) noexcept {
    if (o.heap_) {
      heap_ = std::move(o.heap_);
      cap_ = o.cap_;
    } else {
      heap_.reset();
      cap_ = inline_size;
      std::memcpy(inline_.data(), o.inline_.data(), o.used_);
    }
    used_ = o.used_;
    o.cap_ = inline_size;
    o.used_ = 0;
  }
  std::array<char, inline_size> inline_;
  std::unique_ptr<char[]> heap_;
  std::size_t cap_ = inline_size;
  std::size_t used_ = 0;
};
// NOLINTEND(cppcoreguidelines-pro-type-member-init)

/// The three segments of a compact JWS, as received.
struct segments {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  /// header.payload: the bytes the signature covers (RFC 7515 §5.2 step 8).
  std::string_view signing_input;
};

/// A Base64URL character's six bits already shifted to their place in a 24-bit group, one table
/// per place; bit 24 marks a byte outside the alphabet.
constexpr std::array<std::uint32_t, 256> make_b64_shifted(unsigned shift) noexcept {
  std::array<std::uint32_t, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) {
    const std::uint32_t v = base64url::detail::decode_table[c];
    t[c] = v == 0xFF ? (std::uint32_t{1} << 24) : v << shift;
  }
  return t;
}
inline constexpr std::array<std::array<std::uint32_t, 256>, 4> b64_shifted = {
    make_b64_shifted(18), make_b64_shifted(12), make_b64_shifted(6), make_b64_shifted(0)};
static_assert(b64_shifted[0]['B'] == 1U << 18 && b64_shifted[3]['='] == 1U << 24);

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
/// Returns true when the CPU has SSSE3 (every x86-64 CPU since 2006); asked once.
inline bool cpu_has_ssse3() noexcept {
#  if defined(__SSSE3__)
  return true;
#  else
  static const bool yes = [] {
    __builtin_cpu_init();
    return static_cast<bool>(__builtin_cpu_supports("ssse3"));  // int in gcc, bool in clang
  }();
  return yes;
#  endif
}

/// Decodes sixteen Base64URL characters into twelve bytes per step (W. Muła's pshufb method,
/// with the URL alphabet) while at least 24 characters remain, so that each 16-byte store stays
/// inside this segment's output; returns the characters consumed, a multiple of 16. Sets `bad`
/// when any of them is outside the alphabet.
__attribute__((target("ssse3"))) inline std::size_t decode_segment_ssse3(const unsigned char* p,
                                                                         std::size_t n,
                                                                         unsigned char* out,
                                                                         bool& bad) noexcept {
  // A byte is outside the alphabet when lut_lo[low nibble] & lut_hi[high nibble] != 0; one bit
  // per high nibble: 0x01 never valid (0x0_, 0x1_, 0x80 and up), 0x02 '-' only, 0x04 digits,
  // 0x08 A-O and a-o, 0x10 P-Z and '_', 0x20 p-z.
  const __m128i lut_lo = _mm_setr_epi8(0x0B, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03,
                                       0x07, 0x37, 0x37, 0x35, 0x37, 0x27);
  const __m128i lut_hi = _mm_setr_epi8(0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x08, 0x20, 0x01, 0x01,
                                       0x01, 0x01, 0x01, 0x01, 0x01, 0x01);
  // Added to a character to give its six bits, by high nibble; '_' uses slot 13 (5 + 8).
  const __m128i lut_roll = _mm_setr_epi8(0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, -32, 0, 0);
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  __m128i invalid = _mm_setzero_si128();
  std::size_t i = 0;
  for (; n - i >= 24; i += 16, out += 12) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));  // NOLINT
    const __m128i hi = _mm_and_si128(_mm_srli_epi32(v, 4), nibble);
    const __m128i lo = _mm_and_si128(v, nibble);
    invalid = _mm_or_si128(
        invalid, _mm_and_si128(_mm_shuffle_epi8(lut_lo, lo), _mm_shuffle_epi8(lut_hi, hi)));
    const __m128i slot =
        _mm_add_epi8(hi, _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_set1_epi8(8)));
    const __m128i six = _mm_add_epi8(v, _mm_shuffle_epi8(lut_roll, slot));
    // aaaaaa bbbbbb -> 12 bits per 16-bit lane, then 24 bits per 32-bit lane, then 3 bytes each.
    const __m128i ab = _mm_maddubs_epi16(six, _mm_set1_epi32(0x01400140));
    const __m128i abcd = _mm_madd_epi16(ab, _mm_set1_epi32(0x00011000));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(abcd, order));  // NOLINT
  }
  bad = _mm_movemask_epi8(_mm_cmpeq_epi8(invalid, _mm_setzero_si128())) != 0xFFFF;
  return i;
}
#endif

/// Decodes strict Base64URL into out[0, decoded_size(in.size())), accepting exactly what
/// base64url::decode accepts (alphabet, length, canonical tail), in one pass: one OR of four
/// lookups per four characters, and one alphabet test at the end. Returns false otherwise, with
/// `out` partly written.
inline bool decode_segment(std::string_view in, unsigned char* out) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());  // NOLINT
  const std::size_t n = in.size();
  const auto& t0 = b64_shifted[0];
  const auto& t1 = b64_shifted[1];
  const auto& t2 = b64_shifted[2];
  const auto& t3 = b64_shifted[3];
  std::uint32_t acc = 0;
  std::size_t i = 0;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  if (n >= 24 && cpu_has_ssse3()) {
    bool bad = false;
    i = decode_segment_ssse3(p, n, out, bad);
    out += i / 4 * 3;
    if (bad) acc = std::uint32_t{1} << 24;
  }
#endif
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // Eight characters to six bytes with one 8-byte store, while at least twelve characters (nine
  // bytes) remain: the two extra bytes stored are this segment's next ones, written again later.
  for (; n - i >= 12; i += 8, out += 6) {
    const std::uint64_t v0 = t0[p[i]] | t1[p[i + 1]] | t2[p[i + 2]] | t3[p[i + 3]];
    const std::uint64_t v1 = t0[p[i + 4]] | t1[p[i + 5]] | t2[p[i + 6]] | t3[p[i + 7]];
    acc |= static_cast<std::uint32_t>(v0 | v1);
    const std::uint64_t w = __builtin_bswap64((v0 << 40) | (v1 << 16));
    std::memcpy(out, &w, 8);
  }
#endif
  for (; n - i >= 4; i += 4, out += 3) {
    const std::uint32_t v = t0[p[i]] | t1[p[i + 1]] | t2[p[i + 2]] | t3[p[i + 3]];
    acc |= v;
    out[0] = static_cast<unsigned char>(v >> 16);
    out[1] = static_cast<unsigned char>(v >> 8);
    out[2] = static_cast<unsigned char>(v);
  }
  switch (n - i) {
  case 0: break;
  case 2: {
    const std::uint32_t v = t0[p[i]] | t1[p[i + 1]];
    acc |= v | ((v & 0xF000U) << 12);  // RFC 4648 §3.5: the unused low 4 bits must be zero
    out[0] = static_cast<unsigned char>(v >> 16);
    break;
  }
  case 3: {
    const std::uint32_t v = t0[p[i]] | t1[p[i + 1]] | t2[p[i + 2]];
    acc |= v | ((v & 0xC0U) << 18);  // the unused low 2 bits must be zero
    out[0] = static_cast<unsigned char>(v >> 16);
    out[1] = static_cast<unsigned char>(v >> 8);
    break;
  }
  default: return false;  // n % 4 == 1 is no Base64URL length
  }
  return (acc >> 24) == 0;
}

/// Checks that `s` is strict Base64URL without decoding it: alphabet, length, canonical tail.
inline bool is_canonical_segment(std::string_view s) noexcept {
  if (s.size() % 4 == 1) return false;
  const auto& t = base64url::detail::decode_table;
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: A-Z, a-z, 0-9, '-' and '_' by signed range compares (bytes from
  // 0x80 up are negative, so in no range).
  const auto in = [](__m128i v, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  for (; s.size() - i >= 16; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));  // NOLINT
    const __m128i ok = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(in(v, 'A', 'Z'), in(v, 'a', 'z')), in(v, '0', '9')),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
    if (_mm_movemask_epi8(ok) != 0xFFFF) return false;
  }
#endif
  // One OR per byte and a single test at the end: 0xFF marks a byte outside the alphabet.
  unsigned acc = 0;
  for (; i < s.size(); ++i) acc |= t[static_cast<unsigned char>(s[i])];
  if ((acc & 0x80U) != 0) return false;
  if (s.size() % 4 == 2) return (t[static_cast<unsigned char>(s.back())] & 0x0FU) == 0;
  if (s.size() % 4 == 3) return (t[static_cast<unsigned char>(s.back())] & 0x03U) == 0;
  return true;
}

/// Splits a compact JWS on its two dots (SYN-1): exactly two, and a non-empty header and payload.
/// The segments' alphabets are not checked.
inline std::error_code split_dots(std::string_view token, segments& out) noexcept {
  const std::size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return errc::malformed_token;
  const std::size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return errc::malformed_token;
  }
  out.header = token.substr(0, d1);
  out.payload = token.substr(d1 + 1, d2 - d1 - 1);
  out.signature = token.substr(d2 + 1);
  out.signing_input = token.substr(0, d2);
  if (out.header.empty() || out.payload.empty()) return errc::malformed_token;
  return {};
}

/// Splits a compact JWS on its two dots and checks every segment's alphabet and form (SYN-1 to
/// SYN-4). The header and the payload must not be empty; the signature may be (it then fails as
/// invalid_signature, after the header is read).
inline std::error_code split(std::string_view token, segments& out) noexcept {
  if (auto ec = split_dots(token, out)) return ec;
  if (!is_canonical_segment(out.header) || !is_canonical_segment(out.payload) ||
      !is_canonical_segment(out.signature)) {
    return errc::malformed_token;
  }
  return {};
}

/// The header parameters lightjwt reads, as raw JSON values in the buffer.
struct header_fields {
  json_value alg{}, kid{}, typ{}, cty{}, crit{}, b64{}, zip{};
  bool has_alg = false, has_kid = false, has_typ = false, has_cty = false, has_crit = false,
       has_b64 = false, has_zip = false;
};

/// The registered claims, read from the payload.
struct claim_fields {
  slice iss, sub, jti;
  std::array<slice, max_audiences> aud{};
  std::uint8_t aud_count = 0;
  bool has_aud = false, has_exp = false, has_nbf = false, has_iat = false;
  std::int64_t exp = 0;  // rounded down (CLM-4)
  std::int64_t nbf = 0;  // rounded up
  std::int64_t iat = 0;  // rounded up
};

/// Returns true when a string value of a scanned document contains U+0000 (JSON-6). The scanner
/// refuses raw control characters in strings, so only an escape can produce one.
inline bool has_nul(const json_value& v) noexcept { return v.escaped && contains_nul(v.raw, true); }

/// Reads a NumericDate (RFC 7519 §2): a JSON number in [0, 253402300799]; fractions are allowed
/// and rounded in the safe direction. Range is checked before any conversion (CLM-4).
inline std::error_code read_numeric_date(const json_value& v, bool round_up,
                                         std::int64_t& out) noexcept {
  if (v.kind != json_kind::number) return errc::invalid_claim_type;
  // The usual form, a plain integer of at most 12 digits (max_numeric_date has 12), is exact:
  // it needs neither a conversion to double nor rounding.
  const std::string_view r = v.raw;
  if (!r.empty() && r.size() <= 12 && (r.size() == 1 || r[0] != '0')) {
    std::int64_t x = 0;
    std::size_t i = 0;
    for (; i < r.size() && r[i] >= '0' && r[i] <= '9'; ++i) x = x * 10 + (r[i] - '0');
    if (i == r.size()) {
      if (x > static_cast<std::int64_t>(max_numeric_date)) return errc::invalid_claim_type;
      out = x;
      return {};
    }
  }
  double d = 0;
  if (!parse_double(v.raw, d) || !(d >= 0.0 && d <= max_numeric_date)) {
    return errc::invalid_claim_type;
  }
  out = static_cast<std::int64_t>(round_up ? std::ceil(d) : std::floor(d));
  return {};
}

/// The decoded token and what was read from it. Offsets refer to `buf`.
class token_data {
 public:
  token_buffer buf;
  std::uint32_t header_off = 0, header_len = 0, payload_off = 0, payload_len = 0;
  slice alg, kid, typ, cty;
  claim_fields claims;

  [[nodiscard]] std::string_view view(slice s) const noexcept {
    return {buf.data() + s.off, s.len};
  }
  [[nodiscard]] std::string_view header_json() const noexcept {
    return {buf.data() + header_off, header_len};
  }
  [[nodiscard]] std::string_view payload_json() const noexcept {
    return {buf.data() + payload_off, payload_len};
  }

  /// Checks the first decoded bytes of a header (at most 6) before the rest is decoded, giving
  /// the codes the full scan would give, in its order: UTF-16/32 text, then UTF-8 (a sequence
  /// cut by the end of the prefix is not an error), then the first structural byte.
  static std::error_code check_header_start(std::string_view prefix) noexcept {
    if (prefix.size() >= 2 && (prefix[0] == '\0' || prefix[1] == '\0')) {
      return errc::invalid_utf8;
    }
    std::array<char, 16> copy{};  // 16 keeps the UTF-8 validator's wide loads in bounds
    const std::size_t n = std::min(prefix.size(), std::size_t{6});
    std::copy(prefix.begin(), prefix.begin() + static_cast<std::ptrdiff_t>(n), copy.begin());
    bool utf8 = false;
    for (std::size_t cut = 0; cut < 4 && cut <= n && !utf8; ++cut) {
      utf8 = scan_impl::valid_utf8(std::string_view(copy.data(), n - cut));
    }
    if (!utf8) return errc::invalid_utf8;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = copy[i];
      if (c == '{') break;
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return errc::malformed_token;
    }
    return {};
  }

  /// Prepares the buffer for the header: room to decode it plus as much again for unescaped
  /// strings (unescaping never grows a string). Refuses, before decoding it whole, a header
  /// whose first bytes cannot start a JSON object, so that garbage costs no allocation.
  std::error_code prepare_header(std::string_view header_segment) noexcept {
    std::size_t h = 0;
    if (!base64url::decoded_size(header_segment.size(), h)) return errc::malformed_token;
    std::array<unsigned char, 16> head{};  // 6 used; 16 keeps wide loads in bounds
    const std::string_view first = header_segment.substr(0, 8);
    auto n = base64url::decode(first.substr(0, first.size() / 4 * 4), mutable_bytes(head));
    if (!n) return n.error();
    const std::string_view prefix(reinterpret_cast<const char*>(head.data()), *n);  // NOLINT
    if (auto ec = check_header_start(prefix)) return ec;
    if (!buf.reset(2 * h)) return errc::limit_exceeded;
    return {};
  }

  /// verify()'s first pass over the header and payload segments, which replaces split()'s
  /// alphabet check: when both fit the inline buffer they are decoded at once (the decoding
  /// checks the alphabet, so each byte is read once; the payload is decoded, not read, and is
  /// scanned only once the signature holds) and `payload_decoded` is set. Otherwise both
  /// alphabets are checked and only the header is decoded (prepare_header's rules); the payload
  /// waits for prepare_payload() after the signature. malformed_token for any alphabet or form
  /// error, as split() gives; limit_exceeded when memory is exhausted.
  std::error_code decode_header_first(const segments& seg, bool& payload_decoded) noexcept {
    payload_decoded = false;
    std::size_t h = 0, p = 0;
    if (!base64url::decoded_size(seg.header.size(), h) ||
        !base64url::decoded_size(seg.payload.size(), p)) {
      return errc::malformed_token;
    }
    if (2 * (h + p) > token_buffer::inline_size) {
      if (!is_canonical_segment(seg.header) || !is_canonical_segment(seg.payload)) {
        return errc::malformed_token;
      }
      if (auto ec = prepare_header(seg.header)) return ec;
      return decode_into(seg.header, header_off, header_len);
    }
    (void)buf.reset(2 * (h + p));  // fits inline: cannot fail
    if (decode_into(seg.header, header_off, header_len) ||
        decode_into(seg.payload, payload_off, payload_len)) {
      return errc::malformed_token;
    }
    // prepare_header's rule, on the same first bytes: the header must start like an object.
    const std::size_t first = std::min<std::size_t>(seg.header.size(), 8) / 4 * 3;
    if (auto ec = check_header_start({buf.data() + header_off, first})) return ec;
    payload_decoded = true;
    return {};
  }

  /// Makes room for the payload, once the signature holds: nothing in proportion to the
  /// payload is allocated for a token that is refused earlier.
  std::error_code prepare_payload(std::string_view payload_segment) noexcept {
    std::size_t p = 0;
    if (!base64url::decoded_size(payload_segment.size(), p)) return errc::malformed_token;
    if (!buf.grow(buf.used() + 2 * p)) return errc::limit_exceeded;
    return {};
  }

  /// Decodes a segment into the buffer; returns its offset and length.
  std::error_code decode_into(std::string_view seg, std::uint32_t& off,
                              std::uint32_t& len) noexcept {
    std::size_t n = 0;
    if (!base64url::decoded_size(seg.size(), n)) return errc::malformed_token;
    const std::size_t o = buf.take(n);
    if (!decode_segment(seg, reinterpret_cast<unsigned char*>(buf.data() + o))) {  // NOLINT
      buf.give_back(n);
      return errc::malformed_token;
    }
    off = static_cast<std::uint32_t>(o);
    len = static_cast<std::uint32_t>(n);
    return {};
  }

  /// Stores a string value into `s`: a view of the raw bytes when it has no escapes, otherwise
  /// its unescaped form in the scratch area. (`s` is written in place: a slice returned by value
  /// went through the stack in pieces and stalled store forwarding on every call.)
  void store(const json_value& v, slice& s) noexcept {
    s.present = true;
    if (!v.escaped) {
      s.off = static_cast<std::uint32_t>(v.raw.data() - buf.data());
      s.len = static_cast<std::uint32_t>(v.raw.size());
      return;
    }
    const std::size_t off = buf.take(v.raw.size());
    auto r = unescape(v.raw, span<char>(buf.data() + off, v.raw.size()));
    const std::size_t n = r ? *r : 0;
    buf.give_back(v.raw.size() - n);
    s.off = static_cast<std::uint32_t>(off);
    s.len = static_cast<std::uint32_t>(n);
  }

  /// Reads the header JSON: syntax and limits, then the shape of the registered parameters
  /// (RFC 7515 §4.1). Fills alg/kid/typ/cty. `fields` keeps the raw values for crit checks.
  std::error_code read_header(const token_limits& lim, header_fields& f) noexcept {
    const std::error_code ec = scan_object(header_json(), lim.json, [&](const json_member& m) {
      // Registered names are at most four bytes: one integer comparison each.
      switch (member_key(m)) {
      case short_name_key("alg"): f.alg = m.value, f.has_alg = true; break;
      case short_name_key("kid"): f.kid = m.value, f.has_kid = true; break;
      case short_name_key("typ"): f.typ = m.value, f.has_typ = true; break;
      case short_name_key("cty"): f.cty = m.value, f.has_cty = true; break;
      case short_name_key("crit"): f.crit = m.value, f.has_crit = true; break;
      case short_name_key("b64"): f.b64 = m.value, f.has_b64 = true; break;
      case short_name_key("zip"): f.zip = m.value, f.has_zip = true; break;
      default: break;
      }
    });
    if (ec) return ec;
    // ALG-5, JSON-6: alg is a string without U+0000; kid, typ, cty likewise when present.
    if (!f.has_alg || f.alg.kind != json_kind::string || f.alg.raw.empty() || has_nul(f.alg)) {
      return errc::invalid_header;
    }
    auto bad_string = [](bool has, const json_value& v) {
      return has && (v.kind != json_kind::string || has_nul(v));
    };
    if (bad_string(f.has_kid, f.kid) || bad_string(f.has_typ, f.typ) ||
        bad_string(f.has_cty, f.cty)) {
      return errc::invalid_header;
    }
    store(f.alg, alg);
    if (f.has_kid) {
      store(f.kid, kid);
      if (kid.len > lim.max_identifier_length) return errc::limit_exceeded;
    }
    if (f.has_typ) store(f.typ, typ);
    if (f.has_cty) store(f.cty, cty);
    return {};
  }

  /// Reads the payload JSON: syntax and limits, then the registered claims' types and ranges.
  /// A syntax error wins over a claim error, whatever their order in the text.
  std::error_code read_claims(const token_limits& lim) noexcept {
    std::error_code claim_ec;
    json_value iss{}, sub{}, jti{}, aud{};
    const std::error_code ec = scan_object(payload_json(), lim.json, [&](const json_member& m) {
      auto set_error = [&](std::error_code e) {
        if (!claim_ec) claim_ec = e;
      };
      switch (member_key(m)) {
      case short_name_key("exp"):
        claims.has_exp = true;
        set_error(read_numeric_date(m.value, false, claims.exp));
        break;
      case short_name_key("nbf"):
        claims.has_nbf = true;
        set_error(read_numeric_date(m.value, true, claims.nbf));
        break;
      case short_name_key("iat"):
        claims.has_iat = true;
        set_error(read_numeric_date(m.value, true, claims.iat));
        break;
      case short_name_key("iss"):
        iss = m.value;
        claims.iss.present = true;
        break;
      case short_name_key("sub"):
        sub = m.value;
        claims.sub.present = true;
        break;
      case short_name_key("jti"):
        jti = m.value;
        claims.jti.present = true;
        break;
      case short_name_key("aud"):
        aud = m.value;
        claims.has_aud = true;
        break;
      default: break;
      }
    });
    if (ec) return ec;
    if (claim_ec) return claim_ec;
    // RFC 7519 §4.1.1, §4.1.2, §4.1.7 and JSON-6: strings without U+0000.
    auto read_string = [&](const json_value& v, slice& s, std::size_t max) -> std::error_code {
      if (!s.present) return {};
      if (v.kind != json_kind::string || has_nul(v)) return errc::invalid_claim_type;
      store(v, s);
      if (s.len > max) return errc::limit_exceeded;
      return {};
    };
    if (auto e = read_string(iss, claims.iss, static_cast<std::size_t>(-1))) return e;
    if (auto e = read_string(sub, claims.sub, lim.max_identifier_length)) return e;
    if (auto e = read_string(jti, claims.jti, lim.max_identifier_length)) return e;
    if (claims.has_aud) return read_audience(aud);
    return {};
  }

 private:
  // RFC 7519 §4.1.3: a string, or an array of strings (CLM-7).
  std::error_code read_audience(const json_value& v) noexcept {
    if (v.kind == json_kind::string) {
      if (has_nul(v)) return errc::invalid_claim_type;
      store(v, claims.aud[0]);
      claims.aud_count = 1;
      return {};
    }
    if (v.kind != json_kind::array) return errc::invalid_claim_type;
    std::error_code ec;
    for_each_element(v.raw, [&](const json_value& e) {
      if (ec) return;
      if (e.kind != json_kind::string || has_nul(e)) {
        ec = errc::invalid_claim_type;
      } else if (claims.aud_count == max_audiences) {
        ec = errc::limit_exceeded;
      } else {
        store(e, claims.aud[claims.aud_count++]);
      }
    });
    return ec;
  }
};

}  // namespace detail
}  // namespace lightjwt

#endif  // LIGHTJWT_DETAIL_TOKEN_DATA_HPP
