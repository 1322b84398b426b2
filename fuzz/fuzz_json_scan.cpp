// Fuzz target: the JSON scanner against nlohmann::json. Whenever the scanner accepts, nlohmann
// accepts the same bytes, and every top-level member the scanner reports (name, type, string,
// number, literal, array elements) equals nlohmann's value (SECURITY-CATALOG JSON-8).
// SPDX-License-Identifier: MIT
#include <lightjwt/detail/json_scan.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <lightjwt/error.hpp>

#include "fuzz_support.hpp"

namespace {

namespace d = lightjwt::detail;
using lightjwt_fuzz::check;
using lightjwt_fuzz::dom_string;

/// Returns the unescaped form of a raw string the scanner validated.
std::string unescaped(std::string_view raw) {
  std::string s(raw.size(), '\0');
  const auto n = d::unescape(raw, lightjwt::span<char>(s.data(), s.size()));
  check(n.has_value(), "unescape() fails on a string the scanner accepted");
  s.resize(*n);
  return s;
}

/// Checks one scanned value against the DOM's value.
void check_value(const d::json_value& v, const nlohmann::json& dom, const d::scan_limits& lim) {
  switch (v.kind) {
  case d::json_kind::null: check(dom.is_null() && v.raw == "null", "null differs"); break;
  case d::json_kind::boolean:
    check(dom.is_boolean() && dom.get<bool>() == (v.raw == "true"), "boolean differs");
    break;
  case d::json_kind::string: {
    check(dom.is_string(), "string kind differs");
    const std::string& want = dom_string(dom);
    check(unescaped(v.raw) == want, "string value differs");
    check(d::string_equals(v.raw, v.escaped, want), "string_equals() differs");
    check(d::contains_nul(v.raw, v.escaped) == (want.find('\0') != std::string::npos),
          "contains_nul() differs");
    check(v.escaped == (v.raw.find('\\') != std::string_view::npos), "escaped flag is wrong");
    break;
  }
  case d::json_kind::number: {
    check(dom.is_number(), "number kind differs");
    double x = 0;
    check(d::parse_double(v.raw, x), "parse_double() refuses a scanned number");
    check(x == dom.get<double>(), "number value differs");
    std::int64_t i = 0;
    const bool as_int = d::parse_int64(v.raw, i);
    bool dom_int64 = dom.is_number_integer();
    if (dom.is_number_unsigned()) {
      dom_int64 = dom.get<std::uint64_t>() <=
                  static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    }
    check(as_int == dom_int64, "parse_int64() and the DOM disagree on integrality");
    if (as_int) check(i == dom.get<std::int64_t>(), "int64 value differs");
    break;
  }
  case d::json_kind::array: {
    check(dom.is_array(), "array kind differs");
    std::size_t k = 0;
    d::for_each_element(v.raw, [&](const d::json_value& e) {
      check(k < dom.size(), "for_each_element() yields too many elements");
      check_value(e, dom[k], lim);
      ++k;
    });
    check(k == dom.size(), "for_each_element() yields too few elements");
    break;
  }
  case d::json_kind::object: {
    check(dom.is_object(), "object kind differs");
    // A nested object is a validated object in its own right.
    std::size_t members = 0;
    const std::error_code ec =
        d::scan_object(v.raw, lim, [&](const d::json_member&) { ++members; });
    check(!ec && members == dom.size(), "a nested object does not rescan to the DOM");
    break;
  }
  }
}

/// Scans `text` and returns the error; `out` gets the members reported.
std::error_code scan(std::string_view text, const d::scan_limits& lim,
                     std::vector<d::json_member>& out) {
  out.clear();
  return d::scan_object(text, lim, [&](const d::json_member& m) { out.push_back(m); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = lightjwt_fuzz::as_text(data, size);
  constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();
  const d::scan_limits wide{64, unlimited, unlimited};
  const d::scan_limits defaults{};

  std::vector<d::json_member> members;
  const std::error_code strict_ec = scan(text, defaults, members);
  const std::error_code ec = scan(text, wide, members);
  if (strict_ec) lightjwt_fuzz::check_error(strict_ec);
  if (ec) {
    lightjwt_fuzz::check_error(ec);
    check(static_cast<bool>(strict_ec), "tighter limits accept what wider ones refuse");
    return 0;
  }
  if (strict_ec) {
    check(strict_ec == lightjwt::errc::nesting_too_deep ||
              strict_ec == lightjwt::errc::limit_exceeded,
          "the default limits refuse valid JSON with a code that is not a limit's");
  }

  // The scanner accepted: nlohmann must accept the same bytes as the same object.
  const auto dom = nlohmann::json::parse(text.begin(), text.end(), nullptr, false, false);
  check(!dom.is_discarded(), "the scanner accepts what nlohmann rejects");
  check(dom.is_object(), "the scanner accepts a non-object");
  check(members.size() == dom.size(), "member count differs (a duplicate slipped through?)");
  for (const auto& m : members) {
    const std::string name = unescaped(m.name);
    const auto it = dom.find(name);
    check(it != dom.end(), "a scanned member name is not in the DOM");
    check(d::name_is(m, name), "name_is() misses its own name");
    check(m.name_escaped == (m.name.find('\\') != std::string_view::npos),
          "name_escaped flag is wrong");
    check_value(m.value, *it, wide);
  }
  return 0;
}
