// Tests of the non-recursive JSON scanner: syntax, UTF-8, duplicates, limits, and nlohmann parity.
// SPDX-License-Identifier: MIT
#include <lightjwt/detail/json_scan.hpp>

#include <pthread.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using lightjwt::errc;
using lightjwt::detail::json_kind;
using lightjwt::detail::json_member;
using lightjwt::detail::json_value;
using lightjwt::detail::scan_limits;

std::error_code scan(std::string_view text, const scan_limits& limits = {}) {
  return lightjwt::detail::scan_object(text, limits, [](const json_member&) {});
}

/// Collects the top-level members of a document, or the error.
struct scanned {
  std::error_code ec;
  std::vector<json_member> members;
};

scanned scan_members(std::string_view text, const scan_limits& limits = {}) {
  scanned s;
  s.ec = lightjwt::detail::scan_object(text, limits,
                                       [&](const json_member& m) { s.members.push_back(m); });
  return s;
}

std::string unescaped(std::string_view raw) {
  std::string out(raw.size(), '\0');
  auto n = lightjwt::detail::unescape(raw, lightjwt::span<char>(out.data(), out.size()));
  REQUIRE(n.has_value());
  out.resize(*n);
  return out;
}

/// An object whose nesting depth is `depth` (the top-level object counts as 1): objects, arrays,
/// or both alternating.
std::string nested(std::size_t depth, bool arrays, bool alternate = false) {
  std::string open;
  std::string close;
  for (std::size_t d = 2; d <= depth; ++d) {
    const bool arr = alternate ? d % 2 == 0 : arrays;
    open += arr ? "[" : "{\"k\":";
    close.insert(0, arr ? "]" : "}");
  }
  return "{\"a\":" + open + "1" + close + "}";
}

/// An object with `n` members "m0".."m<n-1>" (numbers), or an array with `n` elements.
std::string members(std::size_t n, std::string_view prefix = "m") {
  std::string s = "{";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += '"' + std::string(prefix) + std::to_string(i) + "\":0";
  }
  return s + "}";
}

std::string elements(std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += i ? ",0" : "0";
  return s + "]";
}

}  // namespace

TEST_CASE("scan_object reports top-level members in order with their kinds and raw text",
          "[json_scan]") {
  const auto r = scan_members(
      R"({"s":"v\"x","n":-1.5e3,"t":true,"f":false,"z":null,"a":[1,{"b":2}],"o":{"c":[]}})");
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.members.size() == 7);
  const std::vector<std::pair<std::string_view, json_kind>> expected = {
      {"s", json_kind::string},  {"n", json_kind::number}, {"t", json_kind::boolean},
      {"f", json_kind::boolean}, {"z", json_kind::null},   {"a", json_kind::array},
      {"o", json_kind::object}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(r.members[i].name == expected[i].first);
    CHECK_FALSE(r.members[i].name_escaped);
    CHECK(r.members[i].value.kind == expected[i].second);
  }
  CHECK(r.members[0].value.raw == R"(v\"x)");
  CHECK(r.members[0].value.escaped);
  CHECK(r.members[1].value.raw == "-1.5e3");
  CHECK(r.members[2].value.raw == "true");
  CHECK(r.members[3].value.raw == "false");
  CHECK(r.members[4].value.raw == "null");
  CHECK(r.members[5].value.raw == R"([1,{"b":2}])");
  CHECK(r.members[6].value.raw == R"({"c":[]})");
  CHECK_FALSE(r.members[6].value.escaped);
}

TEST_CASE("scan_object reports escaped names raw and flags them", "[json_scan]") {
  const auto r = scan_members(R"({"\u0061b":"","c\/d":"x\\"})");
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.members.size() == 2);
  CHECK(r.members[0].name == R"(\u0061b)");
  CHECK(r.members[0].name_escaped);
  CHECK(unescaped(r.members[0].name) == "ab");
  CHECK(r.members[0].value.raw.empty());
  CHECK_FALSE(r.members[0].value.escaped);
  CHECK(unescaped(r.members[1].name) == "c/d");
  CHECK(unescaped(r.members[1].value.raw) == "x\\");
}

TEST_CASE("scan_object accepts an empty object and insignificant whitespace", "[json_scan]") {
  CHECK_FALSE(scan("{}"));
  CHECK_FALSE(scan(" \t\r\n{ \t\r\n} \t\r\n"));
  CHECK_FALSE(scan(R"({ "a" : 1 })"));
  CHECK_FALSE(scan("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"));
  CHECK_FALSE(scan("{ \"a\" : [ 1 , { \"b\" : null } ] , \"c\" : { } }"));
}

TEST_CASE("scan_object calls on_member for the members before the first error", "[json_scan]") {
  const auto r = scan_members(R"({"a":1,"b":{"c":}})");
  CHECK(r.ec == errc::malformed_token);
  REQUIRE(r.members.size() == 1);
  CHECK(r.members[0].name == "a");
}

TEST_CASE("scan_object rejects every non-RFC 8259 syntax as malformed_token",
          "[json_scan][security]") {
  // JSON-4, JSON-5: each document has one defect.
  const std::vector<std::string> docs = {
      "",
      " ",
      "\xEF\xBB\xBF{}",  // BOM
      "[]",
      "[[[[]]]]",
      "\"x\"",
      "1",
      "null",
      "true",
      "{",
      "}",
      "{}}",
      "{}{}",
      "{} x",
      "{}\v",
      "{}\f",
      "\f{}",
      "{}\xC2\xA0",  // U+00A0 is not JSON whitespace
      "{\"a\":1}/**/",
      "{/**/\"a\":1}",
      "{\"a\":1 // c\n}",
      "{\"a\":1,}",
      "{\"a\":[1,]}",
      "{\"a\":[,1]}",
      "{,}",
      "{\"a\":1,,\"b\":2}",
      "{'a':1}",
      "{\"a\":'x'}",
      "{a:1}",
      "{\"a\"}",
      "{\"a\" 1}",
      "{:1}",
      "{\"a\":}",
      "{\"a\":1 \"b\":2}",
      "{\"a\":1]",
      "{\"a\":[1}}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\":-Infinity}",
      "{\"a\":01}",
      "{\"a\":-01}",
      "{\"a\":00}",
      "{\"a\":+1}",
      "{\"a\":0x1}",
      "{\"a\":1.}",
      "{\"a\":.5}",
      "{\"a\":1e}",
      "{\"a\":1e+}",
      "{\"a\":1.e5}",
      "{\"a\":-}",
      "{\"a\":--1}",
      "{\"a\":1_000}",
      "{\"a\":tru}",
      "{\"a\":True}",
      "{\"a\":nul}",
      "{\"a\":nulll}",
      "{\"a\":falsey}",
      "{\"a\":\"x}",
      "{\"a\":\"x",
      "{\"a",
      std::string("{\"a\":\"\x01\"}"),
      std::string("{\"a\":\"\x1F\"}"),
      std::string("{\"a\":\"\n\"}"),
      std::string("{\"a\":\"\t\"}"),
      "{\"a\r\":1}",                               // raw CR inside a name
      std::string("{\"a\":\"", 6) + '\0' + "\"}",  // raw NUL inside a string
      "{\"a\":\"\\x41\"}",
      "{\"a\":\"\\U0041\"}",
      "{\"a\":\"\\u12\"}",
      "{\"a\":\"\\u12G4\"}",
      "{\"a\":\"\\'\"}",
      "{\"a\":\"\\\"}",
      "{\"a\":\"\\",
      "{\"a\":\"\\uD800\\u12\"}",
  };
  for (const auto& d : docs) {
    INFO("document: " << d);
    CHECK(scan(d) == errc::malformed_token);
  }
}

TEST_CASE("scan_object rejects ill-formed UTF-8 in names, values and ignored values",
          "[json_scan][security]") {
  // JSON-3, RFC 3629 §3-4.
  const std::vector<std::string> bad = {
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xED\xA0\x80",      // encoded surrogate U+D800
      "\xED\xBF\xBF",      // encoded surrogate U+DFFF
      "\xF4\x90\x80\x80",  // U+110000
      "\xE2\x82",          // truncated
      "\xF0\x9F\x98",      // truncated
      "\x80",              // stray continuation
      "\xBF",              // stray continuation
      "\xF5\x80\x80\x80",  // F5 lead
      "\xF8\x88\x80\x80\x80",
      "\xFE",
      "\xFF",
  };
  for (const auto& b : bad) {
    INFO("bytes: " << b);
    CHECK(scan("{\"" + b + "\":1}") == errc::invalid_utf8);
    CHECK(scan("{\"iss\":\"x" + b + "\"}") == errc::invalid_utf8);
    CHECK(scan("{\"ext\":{\"x\":[1,{\"y\":\"" + b + "\"}]},\"iss\":\"a\"}") == errc::invalid_utf8);
    CHECK(scan("{\"a\":1}" + b) == errc::invalid_utf8);  // checked before the structure
  }
}

TEST_CASE("scan_object accepts UTF-8 at every encoding boundary", "[json_scan]") {
  const std::vector<std::string> good = {"\x7F",
                                         "\xC2\x80",
                                         "\xDF\xBF",
                                         "\xE0\xA0\x80",
                                         "\xED\x9F\xBF",
                                         "\xEE\x80\x80",
                                         "\xEF\xBF\xBF",
                                         "\xF0\x90\x80\x80",
                                         "\xF3\xBF\xBF\xBF",
                                         "\xF4\x8F\xBF\xBF",
                                         "\xE2\x82\xAC\xF0\x9F\x98\x80"};
  for (const auto& g : good) {
    INFO("bytes: " << g);
    CHECK_FALSE(scan("{\"" + g + "\":\"" + g + "\"}"));
  }
}

TEST_CASE("scan_object rejects UTF-16 and UTF-32 text as invalid_utf8", "[json_scan][security]") {
  using namespace std::string_literals;
  CHECK(scan("{\0\"\0a\0\"\0:\0001\0}\0"s) == errc::invalid_utf8);  // UTF-16LE
  CHECK(scan("\0{\0\"\0a\0\"\0:\0001\0}"s) == errc::invalid_utf8);  // UTF-16BE
  CHECK(scan("{\0\0\0}\0\0\0"s) == errc::invalid_utf8);             // UTF-32LE
  CHECK(scan("\xFF\xFE{\0}\0"s) == errc::invalid_utf8);             // UTF-16LE with BOM
  CHECK(scan("\xFE\xFF\0{\0}"s) == errc::invalid_utf8);             // UTF-16BE with BOM
  CHECK(scan(std::string_view("\0", 1)) == errc::malformed_token);  // one byte: no pattern
}

TEST_CASE("scan_object rejects escapes that leave a surrogate unpaired as invalid_utf8",
          "[json_scan][security]") {
  // JSON-3, RFC 8259 §8.2.
  const std::vector<std::string> bad = {R"(\uD800)",       R"(\uDC00)",       R"(\uD800\u0041)",
                                        R"(\uDBFF\uDBFF)", R"(\uDC00\uD800)", R"(\ud800x)",
                                        R"(\uD800\n)",     R"(x\uDFFF)",      R"(\uD83D)",
                                        R"(\uDC00\uDC00)", R"(\uDFFF\uDC00)"};
  for (const auto& b : bad) {
    INFO("escape: " << b);
    CHECK(scan("{\"v\":\"" + b + "\"}") == errc::invalid_utf8);
    CHECK(scan("{\"" + b + "\":1}") == errc::invalid_utf8);
    CHECK(scan("{\"x\":[{\"y\":\"" + b + "\"}]}") == errc::invalid_utf8);
  }
}

TEST_CASE("a valid surrogate pair escape unescapes to four UTF-8 bytes", "[json_scan]") {
  const auto r = scan_members(R"({"e":"\uD83D\uDE00","l":"\ud83d\ude00"})");
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.members.size() == 2);
  CHECK(unescaped(r.members[0].value.raw) == "\xF0\x9F\x98\x80");
  CHECK(unescaped(r.members[1].value.raw) == "\xF0\x9F\x98\x80");
  CHECK(unescaped(R"(\uDBFF\uDFFF)") == "\xF4\x8F\xBF\xBF");
}

TEST_CASE("scan_object rejects duplicate member names, also when escaping hides them",
          "[json_scan][security]") {
  // JSON-1, JSON-2: compared after unescaping, at any depth.
  const std::vector<std::string> docs = {
      R"({"alg":"HS256","alg":"none"})",
      R"({"alg":"HS256","\u0061lg":"none"})",
      R"({"alg":"HS256","al\u0067":"none"})",
      R"({"alg":"HS256","a\u006Cg":"none"})",
      R"({"alg":"HS256","a\u006cg":"none"})",
      R"({"\u0061lg":"HS256","alg":"none"})",
      R"({"\u0061lg":"HS256","a\u006cg":"none"})",
      R"({"exp":1,"\u0065xp":2})",
      R"({"a/b":1,"a\/b":2})",
      R"({"":1,"":2})",
      "{\"\\uD83D\\uDE00\":1,\"\xF0\x9F\x98\x80\":2}",
      R"({"x":1,"a":{"b":2},"x":3})",
      R"({"a":{"b":{"c":1,"d":2,"c":3}}})",
      R"({"a":[{"k":1},{"k":1,"k":2}]})",
      R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"a":7})",
  };
  for (const auto& d : docs) {
    INFO("document: " << d);
    CHECK(scan(d) == errc::duplicate_member);
  }
}

TEST_CASE("the same name in different objects is not a duplicate", "[json_scan]") {
  CHECK_FALSE(scan(R"({"a":{"a":{"a":1}}})"));
  CHECK_FALSE(scan(R"({"x":{"k":1},"y":{"k":2},"z":[{"k":3},{"k":4}]})"));
  CHECK_FALSE(scan(R"({"a":1,"A":2,"\u0041b":3,"ab":4,"a ":5})"));
  CHECK_FALSE(scan(R"({"alg":1,"alg\u0000":2,"al":3})"));
}

TEST_CASE("nesting depth 16 is accepted and 17 is nesting_too_deep", "[json_scan][security]") {
  // RES-3.
  for (const bool arrays : {false, true}) {
    INFO("arrays: " << arrays);
    CHECK_FALSE(scan(nested(16, arrays)));
    CHECK(scan(nested(17, arrays)) == errc::nesting_too_deep);
  }
  CHECK_FALSE(scan(nested(16, false, true)));
  CHECK(scan(nested(17, false, true)) == errc::nesting_too_deep);
  CHECK(scan(nested(1, false)) == std::error_code());
}

TEST_CASE("nesting depth follows max_depth and is clamped to 64", "[json_scan]") {
  scan_limits lim;
  lim.max_depth = 3;
  CHECK_FALSE(scan(nested(3, false), lim));
  CHECK(scan(nested(4, true), lim) == errc::nesting_too_deep);
  lim.max_depth = 1000;
  CHECK_FALSE(scan(nested(64, true), lim));
  CHECK(scan(nested(65, true), lim) == errc::nesting_too_deep);
  lim.max_depth = 0;
  CHECK(scan("{}", lim) == errc::nesting_too_deep);
}

namespace {

struct deep_job {
  std::string doc;
  std::error_code ec;
};

void* run_deep_job(void* arg) {
  auto* job = static_cast<deep_job*>(arg);
  job->ec = scan(job->doc);
  return nullptr;
}

}  // namespace

TEST_CASE("a 6000-level array bomb is nesting_too_deep on a 64 KiB stack",
          "[json_scan][security]") {
  // RES-3: nlohmann would recurse; the scanner needs a few KiB whatever the depth.
  deep_job job;
  job.doc = "{\"a\":" + std::string(6000, '[') + std::string(6000, ']') + "}";
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attr, &run_deep_job, &job) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
  CHECK(job.ec == errc::nesting_too_deep);
  // An unterminated bomb fails the same way, and a bare array is not an object.
  CHECK(scan("{\"a\":" + std::string(100000, '[')) == errc::nesting_too_deep);
  CHECK(scan(std::string(6000, '[') + std::string(6000, ']')) == errc::malformed_token);
  CHECK(sizeof(lightjwt::detail::scan_impl::object_scanner) < 6 * 1024);
}

TEST_CASE("256 members are accepted and 257 are limit_exceeded", "[json_scan][security]") {
  // RES-4.
  CHECK_FALSE(scan(members(256)));
  CHECK(scan(members(257)) == errc::limit_exceeded);
  CHECK_FALSE(scan("{\"a\":" + elements(256) + "}"));
  CHECK(scan("{\"a\":" + elements(257) + "}") == errc::limit_exceeded);
  CHECK_FALSE(scan("{\"a\":" + members(256) + "}"));
  CHECK(scan("{\"a\":{\"b\":" + members(257) + "}}") == errc::limit_exceeded);
  scan_limits lim;
  lim.max_members = 2;
  CHECK_FALSE(scan(R"({"a":[1,2],"b":{"c":1,"d":2}})", lim));
  CHECK(scan(R"({"a":[1,2,3]})", lim) == errc::limit_exceeded);
  CHECK(scan(R"({"a":1,"b":2,"c":3})", lim) == errc::limit_exceeded);
}

TEST_CASE("the name pool holds 512 names of open objects and frees them on close",
          "[json_scan][security]") {
  // 255 + "n" at the top, 256 inside: exactly 512 names open at once.
  std::string doc = members(255);
  doc.pop_back();
  CHECK_FALSE(scan(doc + ",\"n\":" + members(256, "k") + "}"));
  std::string inner = members(255, "k");
  inner.pop_back();
  CHECK(scan(doc + ",\"n\":" + inner + ",\"o\":{\"z\":0}}}") == errc::limit_exceeded);
  // Closed objects give their names back: three siblings of 256 members each.
  CHECK_FALSE(
      scan("{\"a\":" + members(256) + ",\"b\":" + members(256) + ",\"c\":" + members(256) + "}"));
}

TEST_CASE("a number of max_number_length characters is accepted and one more is limit_exceeded",
          "[json_scan][security]") {
  // RES-4.
  CHECK_FALSE(scan("{\"n\":1" + std::string(63, '0') + "}"));
  CHECK(scan("{\"n\":1" + std::string(64, '0') + "}") == errc::limit_exceeded);
  CHECK_FALSE(scan("{\"n\":-0." + std::string(61, '1') + "}"));
  CHECK(scan("{\"n\":[-0." + std::string(62, '1') + "]}") == errc::limit_exceeded);
  scan_limits lim;
  lim.max_number_length = 3;
  CHECK_FALSE(scan(R"({"a":123,"b":-12,"c":1.5,"d":1e9})", lim));
  CHECK(scan(R"({"a":1234})", lim) == errc::limit_exceeded);
  CHECK(scan(R"({"a":1e10})", lim) == errc::limit_exceeded);
}

TEST_CASE("a number beyond double is malformed_token and an underflow reads as zero",
          "[json_scan][security]") {
  // JSON-7: nlohmann rejects 1e400 (out_of_range.406) and reads 1e-400 as 0.
  CHECK(scan(R"({"n":1e400})") == errc::malformed_token);
  CHECK(scan(R"({"n":-1e400})") == errc::malformed_token);
  CHECK(scan(R"({"n":1.7976931348623159e308})") == errc::malformed_token);
  CHECK(scan(R"({"n":0.00000000001e320})") == errc::malformed_token);
  const auto r = scan_members(R"({"n":1e-400,"m":-1e-400,"d":5e-324,"x":1.7976931348623157e308})");
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.members.size() == 4);
  double v = 1;
  REQUIRE(lightjwt::detail::parse_double(r.members[0].value.raw, v));
  CHECK(v == 0.0);
  REQUIRE(lightjwt::detail::parse_double(r.members[1].value.raw, v));
  CHECK(v == 0.0);
  CHECK(std::signbit(v));
  REQUIRE(lightjwt::detail::parse_double(r.members[2].value.raw, v));
  CHECK(v == std::numeric_limits<double>::denorm_min());
  REQUIRE(lightjwt::detail::parse_double(r.members[3].value.raw, v));
  CHECK(v == std::numeric_limits<double>::max());
  CHECK_FALSE(scan(R"({"n":100000000000e-340,"z":0e999999999999999999})"));
}

TEST_CASE("parse_double and parse_int64 read only complete JSON number literals", "[json_scan]") {
  using lightjwt::detail::parse_double;
  using lightjwt::detail::parse_int64;
  double d = 0;
  CHECK((parse_double("1.5e2", d) && d == 150.0));
  CHECK((parse_double("-0", d) && d == 0.0 && std::signbit(d)));
  CHECK((parse_double("1E-2", d) && d == 0.01));
  for (const char* bad :
       {"", "+1", "01", "1.", ".5", "0x10", "inf", "nan", "1e400", "1 ", " 1", "1,"}) {
    INFO("literal: " << bad);
    CHECK_FALSE(parse_double(bad, d));
  }
  std::int64_t i = 0;
  CHECK((parse_int64("1700000000", i) && i == 1700000000));
  CHECK((parse_int64("-0", i) && i == 0));
  CHECK((parse_int64("9223372036854775807", i) && i == std::numeric_limits<std::int64_t>::max()));
  CHECK((parse_int64("-9223372036854775808", i) && i == std::numeric_limits<std::int64_t>::min()));
  for (const char* bad : {"9223372036854775808", "-9223372036854775809", "1.0", "1e3", "1E3", "",
                          "-", "+1", "01", "1a"}) {
    INFO("literal: " << bad);
    CHECK_FALSE(parse_int64(bad, i));
  }
}

TEST_CASE("unescape resolves every RFC 8259 escape and keeps embedded NUL", "[json_scan]") {
  CHECK(unescaped(R"(\"\\\/\b\f\n\r\t)") == "\"\\/\b\f\n\r\t");
  CHECK(unescaped(R"(\u0041\u00e9\u00E9\u20AC)") == "A\xC3\xA9\xC3\xA9\xE2\x82\xAC");
  CHECK(unescaped("plain \xE2\x82\xAC") == "plain \xE2\x82\xAC");
  CHECK(unescaped("").empty());
  const std::string nul = unescaped(R"(admin\u0000x)");
  CHECK(nul.size() == 7);
  CHECK(nul == std::string("admin\0x", 7));
}

TEST_CASE("unescape reports buffer_too_small and malformed escapes", "[json_scan]") {
  std::array<char, 4> buf{};
  lightjwt::span<char> out(buf);
  auto r = lightjwt::detail::unescape(R"(\uD83D\uDE00)", out);
  REQUIRE(r.has_value());
  CHECK(*r == 4);
  CHECK(lightjwt::detail::unescape(R"(a\uD83D\uDE00)", out).error() == errc::buffer_too_small);
  CHECK(lightjwt::detail::unescape("abcde", out).error() == errc::buffer_too_small);
  CHECK(lightjwt::detail::unescape(R"(abc\u00e9)", out).error() == errc::buffer_too_small);
  CHECK(lightjwt::detail::unescape(R"(\x)", out).error() == errc::malformed_token);
  CHECK(lightjwt::detail::unescape(R"(\uD800)", out).error() == errc::malformed_token);
  CHECK(lightjwt::detail::unescape("\\", out).error() == errc::malformed_token);
  CHECK(*lightjwt::detail::unescape("", lightjwt::span<char>()) == 0);
}

TEST_CASE("string_equals compares after unescaping, code point by code point", "[json_scan]") {
  using lightjwt::detail::string_equals;
  CHECK(string_equals(R"(https:\/\/idp)", true, "https://idp"));
  CHECK_FALSE(string_equals(R"(https:\/\/idp)", true, "https://id"));
  CHECK_FALSE(string_equals(R"(https:\/\/idp)", true, "https://idp/"));
  CHECK_FALSE(string_equals(R"(https:\/\/idp)", false, "https://idp"));
  CHECK(string_equals("https://idp", false, "https://idp"));
  CHECK(string_equals(R"(caf\u00e9)", true, "caf\xC3\xA9"));
  CHECK_FALSE(string_equals(R"(cafe\u0301)", true, "caf\xC3\xA9"));  // no normalisation
  CHECK(string_equals(R"(a\u0000)", true, std::string_view("a\0", 2)));
  CHECK_FALSE(string_equals(R"(a\u0000)", true, "a"));
  CHECK(string_equals("", false, ""));
}

TEST_CASE("contains_nul finds an escaped U+0000 only", "[json_scan][security]") {
  // JSON-6.
  using lightjwt::detail::contains_nul;
  CHECK(contains_nul(R"(admin\u0000x)", true));
  CHECK(contains_nul(R"(k1\u0000../x)", true));
  CHECK_FALSE(contains_nul(R"(admin\\u0000x)", true));
  CHECK_FALSE(contains_nul("admin", false));
  CHECK_FALSE(contains_nul(R"(\u0100)", true));
}

TEST_CASE("for_each_element visits array elements in order with their full raw text",
          "[json_scan]") {
  const auto r = scan_members(R"({"x":["a", 1, {"b":[2]}, "c\"d"]})");
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.members.size() == 1);
  std::vector<json_value> got;
  lightjwt::detail::for_each_element(r.members[0].value.raw,
                                     [&](const json_value& v) { got.push_back(v); });
  REQUIRE(got.size() == 4);
  CHECK(got[0].kind == json_kind::string);
  CHECK(got[0].raw == "a");
  CHECK_FALSE(got[0].escaped);
  CHECK(got[1].kind == json_kind::number);
  CHECK(got[1].raw == "1");
  CHECK(got[2].kind == json_kind::object);
  CHECK(got[2].raw == R"({"b":[2]})");
  CHECK(got[3].kind == json_kind::string);
  CHECK(got[3].raw == R"(c\"d)");
  CHECK(got[3].escaped);
  CHECK(unescaped(got[3].raw) == "c\"d");
}

TEST_CASE("for_each_element skips brackets inside strings and handles empty arrays",
          "[json_scan]") {
  std::vector<json_value> got;
  auto collect = [&](const json_value& v) { got.push_back(v); };
  lightjwt::detail::for_each_element("[]", collect);
  lightjwt::detail::for_each_element("[ \n ]", collect);
  CHECK(got.empty());
  lightjwt::detail::for_each_element(R"([ ["]\\"], "[" , {"x":"}"} ,true,null,-2e3,[] ])", collect);
  REQUIRE(got.size() == 7);
  CHECK(got[0].kind == json_kind::array);
  CHECK(got[0].raw == R"(["]\\"])");
  CHECK(got[1].raw == "[");
  CHECK(got[2].raw == R"({"x":"}"})");
  CHECK(got[3].kind == json_kind::boolean);
  CHECK(got[4].kind == json_kind::null);
  CHECK(got[5].raw == "-2e3");
  CHECK(got[6].raw == "[]");
}

TEST_CASE("the scanner accepts only what nlohmann accepts and reads the same values",
          "[json_scan][security]") {
  // JSON-7, JSON-8: one parse, one meaning.
  struct row {
    std::string doc;
    std::error_code expected;
  };
  const std::error_code ok;
  const std::vector<row> rows = {
      {R"({"alg":"HS256","typ":"JWT"})", ok},
      {R"({ "a" : 1 })", ok},
      {"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}", ok},
      {R"({"iss":"https:\/\/idp.example","exp":1700000000,"nbf":-1})", ok},
      {R"({"s":"\u00e9\u4e2d\uD83D\uDE00 tab\t nl\n","q":"\"\\\/\b\f\r"})", ok},
      {R"({"n":-0,"m":0.5,"e":1E9,"f":1e+9,"g":-1.25e-3,"h":0e0})", ok},
      {R"({"big":123456789012345678901234567890,"neg":-98765432109876543210})", ok},
      {R"({"u":18446744073709551615,"i":-9223372036854775808,"j":9223372036854775807})", ok},
      {R"({"tiny":1e-400,"den":5e-324,"max":1.7976931348623157e308,"x":2.5e-324})", ok},
      {R"({"nul":"a\u0000b","\u0000":1})", ok},
      {R"({"nested":{"a":[1,2,{"b":null}]},"arr":[],"obj":{}})", ok},
      {"{\"raw\":\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\x7F\"}", ok},
      {R"({"t":true,"f":false,"z":null})", ok},
      {"{}", ok},
      {" \n{}\t ", ok},
      {R"({"nc":"\uFFFF\uFDD0\uDBFF\uDFFF"})", ok},
      {R"({"long":0.1000000000000000055511151231257827021181583404541015625})", ok},
      {"\xEF\xBB\xBF{}", errc::malformed_token},
      {R"({"a":1,"a":2})", errc::duplicate_member},
      {R"({"alg":"HS256","\u0061lg":"none"})", errc::duplicate_member},
      {R"({"a":1,})", errc::malformed_token},
      {R"({"a":01})", errc::malformed_token},
      {R"({"a":+1})", errc::malformed_token},
      {R"({"a":NaN})", errc::malformed_token},
      {R"({"a":'x'})", errc::malformed_token},
      {R"({a:1})", errc::malformed_token},
      {R"({"a":1} x)", errc::malformed_token},
      {R"({"a":1}/**/)", errc::malformed_token},
      {R"({"a":"\x"})", errc::malformed_token},
      {R"({"a":.5})", errc::malformed_token},
      {R"({"a":1.})", errc::malformed_token},
      {R"({"a":0x10})", errc::malformed_token},
      {R"({"a":tru})", errc::malformed_token},
      {R"([1])", errc::malformed_token},
      {R"("x")", errc::malformed_token},
      {"", errc::malformed_token},
      {"{\"a\":\"\x01\"}", errc::malformed_token},
      {R"({"a":1e400})", errc::malformed_token},
      {R"({"a":-1E400})", errc::malformed_token},
      {R"({"a":"\uD800"})", errc::invalid_utf8},
      {R"({"a":"\uD800\u0041"})", errc::invalid_utf8},
      {R"({"a":"\uDC00\uD800"})", errc::invalid_utf8},
      {"{\"a\":\"\xC0\xAF\"}", errc::invalid_utf8},
      {"{\"a\":\"\xED\xA0\x80\"}", errc::invalid_utf8},
      {"{\"a\":\"\xF4\x90\x80\x80\"}", errc::invalid_utf8},
      {nested(17, true), errc::nesting_too_deep},
      {members(257), errc::limit_exceeded},
  };
  for (const auto& r : rows) {
    INFO("document: " << r.doc);
    const auto s = scan_members(r.doc);
    CHECK(s.ec == r.expected);
    const auto j = nlohmann::json::parse(r.doc, nullptr, false);
    if (j.is_discarded()) {
      CHECK(s.ec);  // nlohmann rejects => the scanner rejects
      continue;
    }
    if (s.ec) continue;  // the scanner may be stricter
    REQUIRE(j.is_object());
    CHECK(j.size() == s.members.size());
    for (const auto& m : s.members) {
      const std::string name = unescaped(m.name);
      INFO("member: " << name);
      REQUIRE(j.contains(name));
      const auto& v = j.at(name);
      switch (m.value.kind) {
      case json_kind::string:
        REQUIRE(v.is_string());
        CHECK(unescaped(m.value.raw) == v.get<std::string>());
        CHECK(lightjwt::detail::string_equals(m.value.raw, m.value.escaped,
                                              v.get_ref<const std::string&>()));
        CHECK(lightjwt::detail::contains_nul(m.value.raw, m.value.escaped) ==
              (v.get_ref<const std::string&>().find('\0') != std::string::npos));
        break;
      case json_kind::number: {
        REQUIRE(v.is_number());
        double d = 0;
        REQUIRE(lightjwt::detail::parse_double(m.value.raw, d));
        CHECK(d == v.get<double>());
        std::int64_t i = 0;
        if (v.is_number_unsigned()) {
          const auto u = v.get<std::uint64_t>();
          const bool fits = u <= std::uint64_t{std::numeric_limits<std::int64_t>::max()};
          REQUIRE(lightjwt::detail::parse_int64(m.value.raw, i) == fits);
          if (fits) CHECK(i == static_cast<std::int64_t>(u));
        } else if (v.is_number_integer()) {
          REQUIRE(lightjwt::detail::parse_int64(m.value.raw, i));
          CHECK(i == v.get<std::int64_t>());
        } else {
          CHECK_FALSE(lightjwt::detail::parse_int64(m.value.raw, i));
        }
        break;
      }
      case json_kind::boolean: CHECK(v.is_boolean()); break;
      case json_kind::null: CHECK(v.is_null()); break;
      case json_kind::array: CHECK(v.is_array()); break;
      case json_kind::object: CHECK(v.is_object()); break;
      }
    }
  }
}
