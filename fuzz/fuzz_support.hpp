// What the fuzz targets share: the invariant checks of an accepted token against nlohmann's DOM
// of the same bytes (SECURITY-CATALOG JSON-8), and the verify driver of fuzz_verify_*.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_FUZZ_FUZZ_SUPPORT_HPP
#define LIGHTJWT_FUZZ_FUZZ_SUPPORT_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <lightjwt/lightjwt.hpp>

namespace lightjwt_fuzz {

/// Reports a broken invariant and aborts, so that libFuzzer (or ctest) records the input.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "lightjwt fuzz invariant violated: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

/// Returns the fuzz input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};  // NOLINT
}

/// Returns the string held by a DOM value that is_string() has vouched for.
inline const std::string& dom_string(const nlohmann::json& v) {
  return *v.get_ptr<const std::string*>();
}

/// Checks that a string accessor and the DOM agree on member `name` of `dom`: both absent, or
/// both present with equal text.
inline void check_string_member(const nlohmann::json& dom, const char* name,
                                const std::optional<std::string_view>& accessor, const char* what) {
  const auto it = dom.find(name);
  if (it == dom.end()) {
    check(!accessor.has_value(), what);
    return;
  }
  check(it->is_string() && accessor.has_value() && *accessor == dom_string(*it), what);
}

/// Checks a NumericDate accessor against the DOM: exp is rounded down, nbf and iat up.
inline void check_time_member(const nlohmann::json& dom, const char* name,
                              const std::optional<std::int64_t>& accessor, bool round_up,
                              const char* what) {
  const auto it = dom.find(name);
  if (it == dom.end()) {
    check(!accessor.has_value(), what);
    return;
  }
  check(it->is_number() && accessor.has_value(), what);
  const double d = it->get<double>();  // is_number() checked: a conversion, never a throw
  const double r = round_up ? std::ceil(d) : std::floor(d);
  check(r >= 0.0 && r <= 253402300800.0 && static_cast<std::int64_t>(r) == *accessor, what);
}

/// Checks the claim accessors for one DOM member: has_claim, get_string, get_int64, get_bool and
/// claim_equals each agree with the DOM's type and value.
inline void check_custom_claim(const lightjwt::token_base& t, const std::string& name,
                               const nlohmann::json& v) {
  const lightjwt::errc bad_type = lightjwt::errc::invalid_claim_type;
  check(t.has_claim(name), "has_claim() misses a member of the DOM");

  const auto s = t.get_string(name);
  if (v.is_string()) {
    check(s.has_value() && *s == dom_string(v), "get_string() differs from the DOM");
    check(t.claim_equals(name, dom_string(v)), "claim_equals() differs from the DOM");
  } else {
    check(s.error() == bad_type, "get_string() accepts a non-string");
  }

  const auto i = t.get_int64(name);
  bool dom_int64 = v.is_number_integer();
  if (v.is_number_unsigned()) {
    dom_int64 = v.get<std::uint64_t>() <=
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  }
  if (dom_int64) {
    check(i.has_value() && *i == v.get<std::int64_t>(), "get_int64() differs from the DOM");
  } else {
    check(i.error() == bad_type, "get_int64() accepts what the DOM does not hold as an int64");
  }

  const auto b = t.get_bool(name);
  if (v.is_boolean()) {
    check(b.has_value() && *b == v.get<bool>(), "get_bool() differs from the DOM");
  } else {
    check(b.error() == bad_type, "get_bool() accepts a non-boolean");
  }
}

/// JSON-8: after a token was accepted, both DOMs build and every value the accessors read equals
/// the DOM's. Aborts on the first difference.
inline void check_accepted_token(const lightjwt::token_base& t) {
  const auto header = t.header_dom();
  check(header.has_value() && header->is_object(), "header_dom() fails after a success");
  const auto claims = t.claims_json();
  check(claims.has_value() && claims->is_object(), "claims_json() fails after a success");

  check_string_member(*header, "alg", std::optional<std::string_view>(t.alg()), "alg differs");
  check_string_member(*header, "kid", t.kid(), "kid differs");
  check_string_member(*header, "typ", t.typ(), "typ differs");
  check_string_member(*header, "cty", t.cty(), "cty differs");

  check_string_member(*claims, "iss", t.iss(), "iss differs");
  check_string_member(*claims, "sub", t.sub(), "sub differs");
  check_string_member(*claims, "jti", t.jti(), "jti differs");
  check_time_member(*claims, "exp", t.exp(), false, "exp differs");
  check_time_member(*claims, "nbf", t.nbf(), true, "nbf differs");
  check_time_member(*claims, "iat", t.iat(), true, "iat differs");

  const auto aud = claims->find("aud");
  check((aud != claims->end()) == t.has_aud(), "has_aud() differs");
  if (aud != claims->end()) {
    if (aud->is_string()) {
      check(t.aud().size() == 1 && t.aud()[0] == dom_string(*aud), "aud string differs");
    } else {
      check(aud->is_array() && aud->size() == t.aud().size(), "aud array size differs");
      std::size_t k = 0;
      for (const auto& e : *aud) {
        check(e.is_string() && t.aud()[k] == dom_string(e), "aud element differs");
        ++k;
      }
    }
  }
  for (const auto& item : claims->items()) check_custom_claim(t, item.key(), item.value());
}

/// Checks that a failure carries a lightjwt code that lightjwt documents.
inline void check_error(const std::error_code& ec) {
  check(ec && ec.category() == lightjwt::error_category(), "a failure without a lightjwt code");
  check(lightjwt::to_string(static_cast<lightjwt::errc>(ec.value())) != "unknown",
        "an undocumented lightjwt code");
}

/// The fixed instant the verify targets verify at: before the RFC 7515 examples' exp.
inline constexpr std::int64_t fuzz_now = 1300000000;

/// Signs `signing_input` with `signer` and returns signing_input.signature.
template <class SignContext>
std::string sign_token(const SignContext& signer, std::string_view signing_input) {
  std::vector<unsigned char> sig(signer.signature_size());
  auto n = signer.sign(lightjwt::as_bytes(signing_input), lightjwt::mutable_bytes(sig));
  check(n.has_value(), "signing failed");
  std::string out(signing_input);
  out += '.';
  out += lightjwt::base64url::encode(lightjwt::bytes_view(sig.data(), *n));
  return out;
}

/// Verifies `token` with both verifiers and checks what they accept; what the lenient one accepts
/// decode_unverified() must accept too, reading the same values.
template <class Verifier>
void verify_one(std::string_view token, const Verifier& lenient, const Verifier& strict) {
  const auto r = lenient.verify_at(token, fuzz_now);
  const auto u = lightjwt::decode_unverified(token, lenient.limits());
  if (r.has_value()) {
    check_accepted_token(*r);
    check(u.has_value(), "decode_unverified() refuses a token that verifies");
    check(u->alg() == r->alg() && u->iss() == r->iss() && u->sub() == r->sub() &&
              u->exp() == r->exp() && u->payload_json() == r->payload_json(),
          "decode_unverified() reads other values than verify()");
  } else {
    check_error(r.error());
  }
  if (u.has_value()) {
    check_accepted_token(*u);
  } else {
    check_error(u.error());
  }
  const auto s = strict.verify_at(token, fuzz_now);
  if (s.has_value()) {
    check_accepted_token(*s);
    check(r.has_value(), "the strict verifier accepts what the lenient one refuses");
  } else {
    check_error(s.error());
  }
}

/// The driver of fuzz_verify_*. An input that starts with '{' is "header JSON \0 payload JSON":
/// both are encoded and signed, so that the fuzzer mutates JSON and reaches the claim checks
/// behind a valid signature. Any other input is a token: it is verified as given, and once more
/// re-signed with the fuzzing key.
template <class Verifier, class SignContext>
void fuzz_verify(std::string_view in, const Verifier& lenient, const Verifier& strict,
                 const SignContext& signer) {
  namespace b64 = lightjwt::base64url;
  if (!in.empty() && in.front() == '{') {
    const std::size_t nul = in.find('\0');
    const std::string_view header = in.substr(0, nul);
    const std::string_view payload =
        nul == std::string_view::npos ? std::string_view("{}") : in.substr(nul + 1);
    const std::string input = b64::encode(header) + "." + b64::encode(payload);
    verify_one(sign_token(signer, input), lenient, strict);
    return;
  }
  verify_one(in, lenient, strict);
  const std::size_t dot = in.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    verify_one(sign_token(signer, in.substr(0, dot)), lenient, strict);
  }
}

}  // namespace lightjwt_fuzz

#endif  // LIGHTJWT_FUZZ_FUZZ_SUPPORT_HPP
