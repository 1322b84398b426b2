// Non-recursive, allocation-free JSON scanner for JWT headers and claims (RFC 8259, RFC 3629).
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_JSON_SCAN_HPP
#define LIGHTJWT_DETAIL_JSON_SCAN_HPP

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <system_error>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

#include <lightjwt/error.hpp>
#include <lightjwt/result.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt::detail {

/// Bounds that scan_object() enforces while it scans (RES-3, RES-4).
struct scan_limits {
  /// Nesting depth of objects and arrays; the top-level object is depth 1. Deeper ->
  /// nesting_too_deep. Values above 64 are treated as 64.
  std::size_t max_depth = 16;
  /// Members per object and elements per array; one more -> limit_exceeded.
  std::size_t max_members = 256;
  /// Characters of one number literal; longer -> limit_exceeded.
  std::size_t max_number_length = 64;
};

/// The JSON type of a scanned value.
enum class json_kind : std::uint8_t { null, boolean, number, string, array, object };

/// A value as raw text inside the scanned buffer; `raw` points into that buffer.
struct json_value {
  json_kind kind = json_kind::null;
  /// Strings: the bytes between the quotes, escapes unresolved. Others: the literal JSON text, for
  /// arrays and objects from '[' or '{' to the matching bracket inclusive.
  std::string_view raw;
  /// Strings only: `raw` contains a backslash.
  bool escaped = false;
};

/// A top-level member; `name` is the bytes between the quotes, escapes unresolved.
struct json_member {
  std::string_view name;
  bool name_escaped = false;
  json_value value;
};

namespace scan_impl {

/// Hard bound of the explicit nesting stack; scan_limits::max_depth is clamped to it.
inline constexpr std::size_t max_stack_depth = 64;
/// Names of all currently open objects that are remembered for duplicate detection.
inline constexpr std::size_t name_pool_size = 512;

// RFC 8259 §2: insignificant whitespace is exactly these four bytes.
constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Returns true when `s` is well-formed UTF-8 as RFC 3629 §4 defines it: no overlong forms, no
/// encoded surrogates, nothing above U+10FFFF, no truncated sequence, no stray continuation byte.
inline bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());  // NOLINT
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path: sixteen, then eight bytes at a time.
    while (n - i >= 16) {
#if defined(__SSE2__)
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));  // NOLINT
      if (_mm_movemask_epi8(w) != 0) break;
#else
      std::uint64_t w[2] = {0, 0};
      std::memcpy(w, p + i, 16);
      if (((w[0] | w[1]) & 0x8080808080808080ULL) != 0) break;
#endif
      i += 16;
    }
    if (n - i >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (i >= n) break;
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong below U+0800
      if (c == 0xED) hi = 0x9F;  // U+D800..U+DFFF are not scalar values
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong below U+10000
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // 80..BF stray continuation, C0/C1 overlong lead, F5..FF
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0U) != 0x80U) return false;
    }
    i += len;
  }
  return true;
}

/// Outcome of decoding one escape sequence.
enum class escape_status : std::uint8_t { ok, malformed, bad_surrogate };

/// Reads four hex digits at s[pos, pos + 4) (RFC 8259 §7: case-insensitive).
constexpr bool read_hex4(std::string_view s, std::size_t pos, std::uint32_t& out) noexcept {
  if (pos > s.size() || s.size() - pos < 4) return false;
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const char c = s[pos + k];
    const char lower = static_cast<char>(c | 0x20);
    int h = -1;
    if (is_digit(c)) h = c - '0';
    if (lower >= 'a' && lower <= 'f') h = lower - 'a' + 10;
    if (h < 0) return false;
    v = (v << 4) | static_cast<std::uint32_t>(h);
  }
  out = v;
  return true;
}

/// Decodes the escape at s[pos] == '\\' into the code point `cp` and advances `pos` past it.
constexpr escape_status decode_escape(std::string_view s, std::size_t& pos,
                                      std::uint32_t& cp) noexcept {
  // RFC 8259 §7: the only escapes are \" \\ \/ \b \f \n \r \t and \uXXXX.
  if (pos + 1 >= s.size()) return escape_status::malformed;
  constexpr std::string_view names = "\"\\/bfnrt";
  constexpr std::string_view values = "\"\\/\b\f\n\r\t";
  if (const std::size_t k = names.find(s[pos + 1]); k != std::string_view::npos) {
    cp = static_cast<unsigned char>(values[k]);
    pos += 2;
    return escape_status::ok;
  }
  if (s[pos + 1] != 'u') return escape_status::malformed;
  std::uint32_t hi = 0;
  if (!read_hex4(s, pos + 2, hi)) return escape_status::malformed;
  if (hi < 0xD800 || hi > 0xDFFF) {
    cp = hi;
    pos += 6;
    return escape_status::ok;
  }
  // RFC 8259 §8.2, RFC 3629 §3: a high surrogate must be followed at once by a low one; a
  // lone or reversed surrogate is not a code point (JSON-3).
  if (hi >= 0xDC00) return escape_status::bad_surrogate;
  if (s.size() - pos < 8 || s[pos + 6] != '\\' || s[pos + 7] != 'u') {
    return escape_status::bad_surrogate;
  }
  std::uint32_t lo = 0;
  if (!read_hex4(s, pos + 8, lo)) return escape_status::malformed;
  if (lo < 0xDC00 || lo > 0xDFFF) return escape_status::bad_surrogate;
  cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  pos += 12;
  return escape_status::ok;
}

/// Writes the UTF-8 form of a scalar value into `buf` (RFC 3629 §3); returns its length, 1 to 4.
constexpr std::size_t encode_utf8(std::uint32_t cp, std::array<unsigned char, 4>& buf) noexcept {
  const std::size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  constexpr std::array<std::uint32_t, 5> lead = {0, 0x00, 0xC0, 0xE0, 0xF0};
  for (std::size_t k = len - 1; k > 0; --k, cp >>= 6) {
    buf[k] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
  }
  buf[0] = static_cast<unsigned char>(lead[len] | cp);
  return len;
}

/// Yields the bytes of a raw string after unescaping, one at a time, without allocating. On a
/// malformed escape it stops and bad() turns true.
class unescaped_bytes {
 public:
  explicit constexpr unescaped_bytes(std::string_view raw) noexcept : raw_(raw) {}

  /// Stores the next byte in `b`; returns false at the end or on a malformed escape.
  constexpr bool next(unsigned char& b) noexcept {
    if (pending_pos_ < pending_len_) {
      b = pending_[pending_pos_++];
      return true;
    }
    if (pos_ >= raw_.size()) return false;
    if (raw_[pos_] != '\\') {
      b = static_cast<unsigned char>(raw_[pos_++]);
      return true;
    }
    std::uint32_t cp = 0;
    if (decode_escape(raw_, pos_, cp) != escape_status::ok) {
      bad_ = true;
      pos_ = raw_.size();
      return false;
    }
    pending_len_ = encode_utf8(cp, pending_);
    pending_pos_ = 1;
    b = pending_[0];
    return true;
  }

  /// Returns true when a malformed escape ended the sequence early.
  [[nodiscard]] constexpr bool bad() const noexcept { return bad_; }

 private:
  std::string_view raw_;
  std::size_t pos_ = 0;
  std::array<unsigned char, 4> pending_{};
  std::size_t pending_len_ = 0;
  std::size_t pending_pos_ = 0;
  bool bad_ = false;
};

/// Returns true when two raw strings are equal after unescaping, byte by byte (RFC 7515 §5.3).
constexpr bool unescaped_equal(std::string_view a, std::string_view b) noexcept {
  unescaped_bytes ra(a);
  unescaped_bytes rb(b);
  unsigned char ca = 0;
  unsigned char cb = 0;
  for (;;) {
    const bool ha = ra.next(ca);
    if (ha != rb.next(cb) || ca != cb) return false;
    if (!ha) return !ra.bad() && !rb.bad();
  }
}

/// Returns the 32-bit FNV-1a hash of a raw string's unescaped bytes.
constexpr std::uint32_t name_hash(std::string_view raw, bool escaped) noexcept {
  std::uint32_t h = 2166136261U;
  if (!escaped) {
    for (const char c : raw) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
    return h;
  }
  unescaped_bytes r(raw);
  unsigned char b = 0;
  while (r.next(b)) h = (h ^ b) * 16777619U;
  return h;
}

/// Returns the index of the first byte at or after `pos` that ends a run of plain string bytes:
/// '"', '\\' or a control character (< 0x20); s.size() when there is none. Eight bytes at a time
/// (SWAR): a word without such a byte is skipped whole.
inline std::size_t find_string_special(std::string_view s, std::size_t pos) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const char* p = s.data();
  const std::size_t n = s.size();
#if defined(__SSE2__)
  // Sixteen bytes at a time where SSE2 is part of the target (every x86-64).
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1F);
  while (n - pos >= 16) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));  // NOLINT
    // w <= 0x1F (unsigned)  <=>  max(w, 0x1F) == 0x1F
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(w, last_control), last_control);
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)), control);
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) {
      return pos + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
    pos += 16;
  }
#endif
  while (n - pos >= 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + pos, 8);
    const std::uint64_t q = w ^ (ones * '"');
    const std::uint64_t b = w ^ (ones * '\\');
    // A byte is zero in q or b, or below 0x20 in w, exactly when its high bit is set here: bytes
    // at or above 0x80 have that bit clear in ~x, so UTF-8 never matches.
    const std::uint64_t m =
        (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs;
    if (m != 0) {
      // Borrows only run upwards from a matching byte, so the lowest flag marks the first match.
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return pos + static_cast<std::size_t>(__builtin_ctzll(m) >> 3);
#else
      break;
#endif
    }
    pos += 8;
  }
  for (; pos < n; ++pos) {
    const auto c = static_cast<unsigned char>(p[pos]);
    if (c == '"' || c == '\\' || c < 0x20) return pos;
  }
  return n;
}

/// Returns the index of the quote that closes the string whose opening quote is at s[open], or
/// s.size() when it is unterminated. Expects validated text.
constexpr std::size_t string_close(std::string_view s, std::size_t open) noexcept {
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i;
    }
  }
  return s.size();
}

/// Returns the end of the number literal at s[pos] (RFC 8259 §6), or `pos` when none starts there.
/// Sets `integral` when the literal has neither a fraction nor an exponent.
inline std::size_t number_end(std::string_view s, std::size_t pos, bool& integral) noexcept {
  integral = false;
  std::size_t i = pos;
  const auto digits = [&] {  // *DIGIT; returns how many
    const std::size_t from = i;
    // Eight at a time: all eight bytes are digits exactly when none of b, b - '0' and
    // b + (0x7F - '9') has its high bit set (no borrow or carry crosses a digit byte).
    while (s.size() - i >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, s.data() + i, 8);
      if (((w - 0x3030303030303030ULL) | (w + 0x4646464646464646ULL) | w) & 0x8080808080808080ULL) {
        break;
      }
      i += 8;
    }
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - from;
  };
  if (i < s.size() && s[i] == '-') ++i;  // no '+'
  // int = zero / ( digit1-9 *DIGIT ): no leading zeros.
  const std::size_t int_at = i;
  const std::size_t int_digits = digits();
  if (int_digits == 0 || (s[int_at] == '0' && int_digits > 1)) return pos;
  bool plain = true;
  if (i < s.size() && s[i] == '.') {  // frac = "." 1*DIGIT
    plain = false;
    if (++i, digits() == 0) return pos;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {  // exp = e [+-] 1*DIGIT
    plain = false;
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return pos;
  }
  integral = plain;
  return i;
}

/// Returns the end of the number literal at s[pos] (RFC 8259 §6), or `pos` when none starts there.
inline std::size_t number_end(std::string_view s, std::size_t pos) noexcept {
  bool integral = false;
  return number_end(s, pos, integral);
}

/// Returns true when a grammatical number literal whose conversion is out of range is tiny (it
/// underflows to zero) rather than huge: the sign of its decimal order of magnitude decides.
constexpr bool underflows(std::string_view s) noexcept {
  const std::size_t exp_at = std::min(s.find_first_of("eE"), s.size());
  const std::size_t point = std::min(s.find('.'), exp_at);
  // With the first significant digit at index k, the value lies in [10^(m-1), 10^m) where m is
  // point - k for an integer digit and point - k + 1 for a fraction digit.
  std::int64_t order = 0;
  for (std::size_t k = 0; k < exp_at; ++k) {
    if (s[k] >= '1' && s[k] <= '9') {
      order = static_cast<std::int64_t>(point) - static_cast<std::int64_t>(k) + (k > point ? 1 : 0);
      break;
    }
  }
  std::int64_t exp = 0;
  std::size_t i = exp_at + 1;
  const bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  for (; i < s.size() && exp < (std::int64_t{1} << 40); ++i) exp = exp * 10 + (s[i] - '0');
  return order + (negative ? -exp : exp) <= 0;
}

/// Converts a grammatical number literal; underflow gives a signed zero, overflow gives false.
inline bool to_double(std::string_view s, double& out) noexcept {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (r.ptr != s.data() + s.size()) return false;
  if (r.ec == std::errc::result_out_of_range) {
    // nlohmann (strtod) reads 1e-400 as 0 and rejects 1e400; agree with it in both directions.
    if (!underflows(s)) return false;
    out = s[0] == '-' ? -0.0 : 0.0;
    return true;
  }
  if (r.ec != std::errc()) return false;
  out = v;
  return true;
}

/// Returns the kind of the value whose first byte is `c`.
constexpr json_kind kind_of(char c) noexcept {
  switch (c) {
  case '{': return json_kind::object;
  case '[': return json_kind::array;
  case '"': return json_kind::string;
  case 't':
  case 'f': return json_kind::boolean;
  case 'n': return json_kind::null;
  default: return json_kind::number;
  }
}

/// One open object or array on the explicit nesting stack.
struct frame {
  std::uint32_t pool_begin;  // first name of this object in the name pool
  std::uint32_t count;       // members or elements so far
  bool is_object;
  std::uint64_t seen;  // bit (hash % 64) set for each name of this object so far
};

/// A remembered member name: the offset of its first byte in the text, and its hash.
struct name_entry {
  std::uint32_t offset;
  std::uint32_t hash;
};

/// The state machine behind scan_object(): a pull parser that stops at each completed top-level
/// member. About 5 KiB; it lives on the caller's stack and never allocates or recurses.
class object_scanner {
 public:
  // The arrays stay uninitialised on purpose: only entries below depth_ and pool_top_ are read.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  object_scanner(std::string_view text, const scan_limits& limits) noexcept
      : text_(text),
        max_depth_(std::min(limits.max_depth, max_stack_depth)),
        max_members_(limits.max_members),
        max_number_length_(limits.max_number_length) {
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
      fail(errc::limit_exceeded);  // offsets in the name pool are 32-bit
    } else if ((text.size() >= 2 && (text[0] == '\0' || text[1] == '\0')) || !valid_utf8(text)) {
      // RFC 8259 §8.1, RFC 8725 §3.7: UTF-16/32 without a BOM starts with a NUL in its first two
      // bytes; ill-formed UTF-8 is refused everywhere, also in values nobody reads (JSON-3,
      // JSON-4).
      fail(errc::invalid_utf8);
    }
  }

  /// Scans to the next completed top-level member and stores it in `m`. Returns false at the end
  /// of the object or on the first error; error() tells which.
  bool next(json_member& m) noexcept {
    while (state_ != state::done) {
      bool ok = true;
      switch (state_) {
      case state::start:
        // RFC 8259 §2 allows any value at the top, but a JOSE header and a claims set are objects
        // (RFC 7515 §4, RFC 7519 §4). A BOM is refused here as a non-object byte (JSON-4).
        skip_ws();
        ok = peek('{') ? open(true) : fail(errc::malformed_token);
        break;
      case state::opened:
        skip_ws();
        if (peek(stack_[depth_ - 1].is_object ? '}' : ']')) {
          ok = close();
        } else {
          state_ = stack_[depth_ - 1].is_object ? state::member : state::value;
          ok = count_one();
        }
        break;
      // The common path separator -> member -> value falls through without another dispatch.
      case state::separator:
        if (!separator()) return false;
        if (state_ != state::member) break;  // an array element, or the end of a container
        [[fallthrough]];
      case state::member:
        if (!member_name()) return false;
        [[fallthrough]];
      case state::value:
        if (!value()) return false;
        if (state_ != state::value_done) break;  // an object or array was opened
        [[fallthrough]];
      case state::value_done:
        state_ = state::separator;
        if (depth_ == 1) {
          report(m);
          return true;
        }
        ok = separator();
        break;
      case state::done: break;
      }
      if (!ok) return false;
    }
    return false;
  }

  /// Returns the first error, or success once the whole text has been scanned.
  [[nodiscard]] std::error_code error() const noexcept {
    return error_ == errc{} ? std::error_code() : make_error_code(error_);
  }

 private:
  enum class state : std::uint8_t { start, opened, member, value, value_done, separator, done };

  bool fail(errc e) noexcept {
    error_ = e;
    state_ = state::done;
    return false;
  }
  [[nodiscard]] bool peek(char c) const noexcept { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_ws() noexcept {
    // Compact JSON has no whitespace: one comparison settles the usual case inline.
    if (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) > ' ') return;
    skip_ws_slow();
  }
  void skip_ws_slow() noexcept {
    while (pos_ < text_.size() && is_ws(text_[pos_])) ++pos_;
  }

  bool open(bool is_object) noexcept {
    // RES-3: depth is bounded by an explicit stack, never by recursion.
    if (depth_ >= max_depth_) return fail(errc::nesting_too_deep);
    stack_[depth_++] = frame{pool_top_, 0, is_object, 0};
    ++pos_;
    state_ = state::opened;
    return true;
  }

  bool close() noexcept {
    ++pos_;
    pool_top_ = stack_[--depth_].pool_begin;  // forget the names of the closed object
    state_ = state::value_done;
    if (depth_ > 0) return true;
    // RFC 8259 §2: JSON-text = ws value ws; nothing may follow the top-level object.
    skip_ws();
    if (pos_ != text_.size()) return fail(errc::malformed_token);
    state_ = state::done;
    return false;
  }

  bool count_one() noexcept {
    // RES-4: members per object and elements per array are bounded.
    if (++stack_[depth_ - 1].count > max_members_) return fail(errc::limit_exceeded);
    return true;
  }

  /// Scans the string whose opening quote is at pos_ and leaves pos_ after its closing quote.
  bool string(bool& escaped) noexcept {
    escaped = false;
    ++pos_;
    for (;;) {
      pos_ = find_string_special(text_, pos_);  // plain bytes are skipped in bulk
      if (pos_ >= text_.size()) return fail(errc::malformed_token);  // unterminated
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        return fail(errc::malformed_token);  // RFC 8259 §7: control characters must be escaped
      }
      escaped = true;
      std::uint32_t cp = 0;
      const escape_status st = decode_escape(text_, pos_, cp);
      if (st == escape_status::bad_surrogate) return fail(errc::invalid_utf8);
      if (st != escape_status::ok) return fail(errc::malformed_token);
    }
  }

  bool member_name() noexcept {
    // RFC 8259 §4: a name is a string; no unquoted or single-quoted names.
    skip_ws();
    if (!peek('"')) return fail(errc::malformed_token);
    const std::size_t start = pos_ + 1;
    bool escaped = false;
    if (!string(escaped)) return false;
    const std::string_view name(text_.data() + start, pos_ - 1 - start);
    // JSON-1, JSON-2: names are compared after unescaping, among the members of this object only;
    // a full comparison runs only when the hashes match.
    const std::uint32_t h = name_hash(name, escaped);
    frame& f = stack_[depth_ - 1];
    const std::uint64_t bit = std::uint64_t{1} << (h % 64);
    // One bit per name and object filters the search: a name whose bit is clear is new.
    if ((f.seen & bit) != 0) {
      for (std::size_t i = f.pool_begin; i < pool_top_; ++i) {
        if (pool_[i].hash != h) continue;
        const std::size_t off = pool_[i].offset;
        if (unescaped_equal(name, text_.substr(off, string_close(text_, off - 1) - off))) {
          return fail(errc::duplicate_member);
        }
      }
    }
    f.seen |= bit;
    if (pool_top_ == name_pool_size) return fail(errc::limit_exceeded);
    pool_[pool_top_++] = name_entry{static_cast<std::uint32_t>(start), h};
    if (depth_ == 1) {
      name_ = name;
      name_escaped_ = escaped;
    }
    skip_ws();
    if (!peek(':')) return fail(errc::malformed_token);
    ++pos_;
    state_ = state::value;
    return true;
  }

  bool value() noexcept {
    skip_ws();
    if (pos_ >= text_.size()) return fail(errc::malformed_token);
    if (depth_ == 1) value_start_ = pos_;
    switch (text_[pos_]) {
    case '{': return open(true);
    case '[': return open(false);
    case '"': {
      bool escaped = false;
      if (!string(escaped)) return false;
      if (depth_ == 1) value_escaped_ = escaped;
      state_ = state::value_done;
      return true;
    }
    // RFC 8259 §3: the only literals are lower-case true, false and null.
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: break;
    }
    // RFC 8259 §6: NaN, Infinity, hex, '+' and leading zeros fail the number grammar.
    bool integral = false;
    const std::size_t end = number_end(text_, pos_, integral);
    if (end == pos_) return fail(errc::malformed_token);
    const std::string_view num(text_.data() + pos_, end - pos_);
    if (num.size() > max_number_length_) return fail(errc::limit_exceeded);  // RES-4
    // JSON-7: a magnitude beyond double is refused, as nlohmann refuses it (out_of_range.406).
    // An integer literal of at most 300 characters is below 1e300 and cannot overflow: only
    // fractions, exponents and longer integers need the conversion.
    double ignored = 0;
    if ((!integral || num.size() > 300) && !to_double(num, ignored)) {
      return fail(errc::malformed_token);
    }
    pos_ = end;
    state_ = state::value_done;
    return true;
  }

  bool literal(std::string_view word) noexcept {
    if (text_.compare(pos_, word.size(), word) != 0) return fail(errc::malformed_token);
    pos_ += word.size();
    state_ = state::value_done;
    return true;
  }

  bool separator() noexcept {
    skip_ws();
    if (pos_ >= text_.size()) return fail(errc::malformed_token);
    const bool is_object = stack_[depth_ - 1].is_object;
    if (text_[pos_] == (is_object ? '}' : ']')) return close();
    // RFC 8259 §4, §5: a comma must be followed by a member or value (no trailing commas).
    if (text_[pos_] != ',') return fail(errc::malformed_token);
    ++pos_;
    state_ = is_object ? state::member : state::value;
    return count_one();
  }

  void report(json_member& m) const noexcept {
    const std::string_view raw(text_.data() + value_start_, pos_ - value_start_);
    m.name = name_;
    m.name_escaped = name_escaped_;
    m.value.kind = kind_of(raw[0]);
    m.value.escaped = m.value.kind == json_kind::string && value_escaped_;
    m.value.raw =
        m.value.kind == json_kind::string ? std::string_view(raw.data() + 1, raw.size() - 2) : raw;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t max_members_;
  std::size_t max_number_length_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::uint32_t pool_top_ = 0;
  state state_ = state::start;
  errc error_{};
  std::string_view name_;  // the current top-level member
  bool name_escaped_ = false;
  bool value_escaped_ = false;
  std::size_t value_start_ = 0;
  std::array<frame, max_stack_depth> stack_;     // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<name_entry, name_pool_size> pool_;  // NOLINT(cppcoreguidelines-pro-type-member-init)
};

/// Returns the end of the validated value that starts at s[pos], without recursion.
constexpr std::size_t value_end(std::string_view s, std::size_t pos) noexcept {
  if (s[pos] == '"') return std::min(string_close(s, pos) + 1, s.size());
  if (s[pos] != '{' && s[pos] != '[') {
    while (pos < s.size() && !is_ws(s[pos]) && s[pos] != ',' && s[pos] != ']' && s[pos] != '}') {
      ++pos;
    }
    return pos;
  }
  std::size_t depth = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    if (s[i] == '"') {
      i = string_close(s, i);
    } else if (s[i] == '{' || s[i] == '[') {
      ++depth;
    } else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();
}

}  // namespace scan_impl

/// Validates the whole of `text` as one JSON object (RFC 8259, strict) and calls
/// `on_member(const json_member&)` once per top-level member, in document order, as soon as the
/// member's value has been fully validated. Returns success or the first error: invalid_utf8
/// (UTF-16/32 text, ill-formed UTF-8 anywhere, an unpaired surrogate escape); malformed_token (any
/// other syntax error, a BOM, a non-object, a number beyond double); duplicate_member (names equal
/// after unescaping, at any depth); nesting_too_deep; limit_exceeded (members, number length, more
/// than 512 names in the open objects, text over 4 GiB). on_member may already have been called
/// for earlier members when an error is returned, and must not throw. The views it receives point
/// into `text`. Never allocates and never recurses; it uses about 5 KiB of stack.
template <class OnMember>
[[nodiscard]] std::error_code scan_object(std::string_view text, const scan_limits& limits,
                                          OnMember&& on_member) noexcept {
  scan_impl::object_scanner scanner(text, limits);
  json_member m;
  while (scanner.next(m)) on_member(static_cast<const json_member&>(m));
  return scanner.error();
}

/// Unescapes a raw string from a validated document into `out` and returns the number of bytes
/// written, never more than raw.size(). Returns buffer_too_small when `out` is too short, and
/// malformed_token for an invalid escape. Never allocates.
[[nodiscard]] inline result<std::size_t> unescape(std::string_view raw, span<char> out) noexcept {
  scan_impl::unescaped_bytes r(raw);
  std::size_t n = 0;
  unsigned char b = 0;
  while (r.next(b)) {
    if (n == out.size()) return errc::buffer_too_small;
    out[n++] = static_cast<char>(b);
  }
  if (r.bad()) return errc::malformed_token;
  return n;
}

/// Returns true when the raw string equals the UTF-8 text `expected` after unescaping, code point
/// by code point with no normalisation (RFC 7519 §7.3). Never allocates.
[[nodiscard]] inline bool string_equals(std::string_view raw, bool escaped,
                                        std::string_view expected) noexcept {
  if (!escaped) return raw == expected;
  // Equal UTF-8 byte sequences are equal code point sequences, so bytes are compared.
  scan_impl::unescaped_bytes r(raw);
  std::size_t i = 0;
  unsigned char b = 0;
  while (r.next(b)) {
    if (i == expected.size() || static_cast<unsigned char>(expected[i++]) != b) return false;
  }
  return !r.bad() && i == expected.size();
}

/// Returns true when the raw string contains U+0000 once unescaped (JSON-6).
[[nodiscard]] inline bool contains_nul(std::string_view raw, bool escaped) noexcept {
  if (!escaped) return raw.find('\0') != std::string_view::npos;
  scan_impl::unescaped_bytes r(raw);
  unsigned char b = 1;
  while (r.next(b) && b != 0) {
  }
  return b == 0;
}

/// Calls f(const json_value&) for each element of a validated array (`raw_array` is "[ ... ]"), in
/// order; objects and arrays are reported with their full raw text. The views point into
/// `raw_array`. Stops quietly at anything that is not a validated array. Never allocates.
template <class F>
void for_each_element(std::string_view raw_array, F&& f) noexcept {
  const std::string_view s = raw_array;
  std::size_t pos = 0;
  const auto skip_ws = [&] {
    while (pos < s.size() && scan_impl::is_ws(s[pos])) ++pos;
  };
  skip_ws();
  if (pos >= s.size() || s[pos] != '[') return;
  for (++pos;;) {
    skip_ws();
    if (pos >= s.size() || s[pos] == ']') return;
    const std::size_t end = scan_impl::value_end(s, pos);
    json_value v;
    v.kind = scan_impl::kind_of(s[pos]);
    v.raw = s.substr(pos, end - pos);
    if (v.kind == json_kind::string) {
      if (v.raw.size() < 2) return;  // unterminated
      v.raw = v.raw.substr(1, v.raw.size() - 2);
      v.escaped = v.raw.find('\\') != std::string_view::npos;
    }
    if (v.raw.empty() && v.kind != json_kind::string) return;
    f(static_cast<const json_value&>(v));
    pos = end;
    skip_ws();
    if (pos >= s.size() || s[pos] != ',') return;
    ++pos;
  }
}

/// Parses a number literal (RFC 8259 §6 grammar) as a double, rounded to nearest; a value too small
/// for a double gives a signed zero. Returns false for anything but one complete literal, or when
/// its magnitude overflows a double.
[[nodiscard]] inline bool parse_double(std::string_view raw, double& out) noexcept {
  if (raw.empty() || scan_impl::number_end(raw, 0) != raw.size()) return false;
  return scan_impl::to_double(raw, out);
}

/// Parses an integer literal (no fraction, no exponent) as int64; false for anything else, or when
/// the value is outside [INT64_MIN, INT64_MAX].
[[nodiscard]] inline bool parse_int64(std::string_view raw, std::int64_t& out) noexcept {
  if (raw.empty() || scan_impl::number_end(raw, 0) != raw.size()) return false;
  if (raw.find_first_of(".eE") != std::string_view::npos) return false;
  std::int64_t v = 0;
  const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (r.ec != std::errc() || r.ptr != raw.data() + raw.size()) return false;
  out = v;
  return true;
}

/// Packs a name of at most four bytes into one integer, its length in the low byte: names are
/// then compared as integers (registered JOSE and JWT names are three or four bytes). Returns 0
/// for longer names.
constexpr std::uint64_t short_name_key(std::string_view plain) noexcept {
  if (plain.size() > 4) return 0;
  std::uint64_t k = plain.size();
  for (std::size_t i = 0; i < plain.size(); ++i) {
    k |= std::uint64_t{static_cast<unsigned char>(plain[i])} << (8 * (i + 1));
  }
  return k;
}
static_assert(short_name_key("exp") != short_name_key("ex") && short_name_key("toolong") == 0);

/// Returns short_name_key() of a member's name after unescaping (0 when it is longer than four
/// bytes). Never allocates.
inline std::uint64_t member_key(const json_member& m) noexcept {
  if (!m.name_escaped) {
    const auto* p = reinterpret_cast<const unsigned char*>(m.name.data());  // NOLINT
    const auto at = [p](std::size_t i) { return std::uint64_t{p[i]} << (8 * (i + 1)); };
    switch (m.name.size()) {  // short_name_key() without its loop, for the usual lengths
    case 3: return 3 | at(0) | at(1) | at(2);
    case 4: return 4 | at(0) | at(1) | at(2) | at(3);
    default: return short_name_key(m.name);
    }
  }
  scan_impl::unescaped_bytes r(m.name);
  std::array<char, 4> b{};
  std::size_t n = 0;
  unsigned char c = 0;
  while (r.next(c)) {
    if (n == b.size()) return 0;
    b[n++] = static_cast<char>(c);
  }
  return r.bad() ? 0 : short_name_key(std::string_view(b.data(), n));
}

/// Returns true when a member's name, raw or escaped, equals the plain name `plain`.
inline bool name_is(const json_member& m, std::string_view plain) noexcept {
  if (!m.name_escaped) return m.name == plain;
  return string_equals(m.name, true, plain);
}

}  // namespace lightjwt::detail

#endif  // LIGHTJWT_DETAIL_JSON_SCAN_HPP
