// Claim rules: time claims with leeway, issuer, audience, subject, type, required claims, custom
// predicates; and the one function that applies them to a verified token.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_CLAIMS_HPP
#define LIGHTJWT_CLAIMS_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/token.hpp>

namespace lightjwt {

/// The largest leeway a verifier accepts (RFC 7519 §4.1.4: "no more than a few minutes").
inline constexpr std::chrono::seconds max_leeway{300};
/// The largest maximum token age a verifier accepts: ten years.
inline constexpr std::chrono::seconds max_max_age{10LL * 366 * 24 * 3600};

/// Returns the current time in seconds since the Unix epoch.
using clock_function = std::function<std::int64_t()>;
/// A custom check on a verified token: returns an empty code to accept, or the code to refuse
/// with (use errc::claim_rejected when nothing more specific fits).
using claim_predicate = std::function<std::error_code(const verified_token&)>;

/// What a verifier requires of the claims, checked in this order after the signature holds:
/// typ/cty, required claims, exp, nbf, iat and max age, iss, aud, sub, custom predicates.
struct claim_rules {
  /// Expected `iss` (exact match); empty means any.
  std::vector<std::string> issuers;
  /// Accepted audiences: one `aud` element must equal one of them.
  std::vector<std::string> audiences;
  /// When no audience is configured, a token with `aud` is refused unless this is set (CLM-8).
  bool ignore_audience = false;
  /// Expected `sub` (exact match); empty means any.
  std::string subject;
  /// Expected `typ` (compared as a media type, RFC 7515 §4.1.9); empty means any.
  std::string type;
  /// Tolerance for clock skew, at most max_leeway.
  std::chrono::seconds leeway{0};
  /// When positive, now - iat above it is refused as token_expired (iat becomes required).
  std::chrono::seconds max_age{0};
  /// `exp` is required unless this named opt-out is set (CLM-1).
  bool allow_missing_exp = false;
  /// Further claims that must be present.
  std::vector<std::string> required;
  /// Custom checks, run last.
  std::vector<claim_predicate> predicates;
};

namespace detail {

/// Compares `typ` with the expected type as media types: case-insensitive, with an optional
/// "application/" prefix on either side (RFC 7515 §4.1.9; KND-2).
inline bool media_type_equals(std::string_view got, std::string_view want) noexcept {
  auto strip = [](std::string_view s) {
    constexpr std::string_view prefix = "application/";
    if (s.size() > prefix.size()) {
      bool match = true;
      for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
        if (c != prefix[i]) match = false;
      }
      if (match) s.remove_prefix(prefix.size());
    }
    return s;
  };
  got = strip(got);
  want = strip(want);
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(got[i]) != lower(want[i])) return false;
  }
  return true;
}

/// Returns the leeway check result for a configuration (CLM-5).
inline std::error_code check_rules(const claim_rules& r) noexcept {
  if (r.leeway.count() < 0 || r.leeway > max_leeway) return errc::insecure_configuration;
  if (r.max_age.count() < 0 || r.max_age > max_max_age) return errc::insecure_configuration;
  return {};
}

/// Applies the rules to a token whose signature holds, at time `now` (seconds since the epoch).
/// No comparison can overflow: claims are within [0, 253402300799] and leeway within [0, 300].
inline std::error_code validate_claims(const verified_token& t, const claim_rules& r,
                                       std::int64_t now) {
  // Token kind first: a token of another kind is refused as such, whatever else it holds.
  // (A nested JWT, cty "JWT", was refused before its payload was read: ALG-9.)
  if (!r.type.empty()) {
    const auto typ = t.typ();
    if (!typ || !media_type_equals(*typ, r.type)) return errc::invalid_type;
  }
  // Required claims (CLM-1).
  if (!t.exp() && !r.allow_missing_exp) return errc::missing_claim;
  if (!r.issuers.empty() && !t.iss()) return errc::missing_claim;
  if (!r.audiences.empty() && !t.has_aud()) return errc::missing_claim;
  if (!r.subject.empty() && !t.sub()) return errc::missing_claim;
  if (r.max_age.count() > 0 && !t.iat()) return errc::missing_claim;
  for (const auto& name : r.required) {
    if (!t.has_claim(name)) return errc::missing_claim;
  }
  const std::int64_t leeway = r.leeway.count();
  // RFC 7519 §4.1.4: expired on or after exp (CLM-2).
  if (const auto exp = t.exp(); exp && now >= *exp + leeway) return errc::token_expired;
  if (const auto nbf = t.nbf(); nbf && now < *nbf - leeway) return errc::token_not_yet_valid;
  if (const auto iat = t.iat()) {
    if (*iat - leeway > now) return errc::token_not_yet_valid;
    if (r.max_age.count() > 0 && now > *iat + r.max_age.count() + leeway) {
      return errc::token_expired;
    }
  }
  // RFC 7519 §4.1.1: exact, code point by code point (CLM-6).
  if (!r.issuers.empty()) {
    bool ok = false;
    for (const auto& i : r.issuers) ok = ok || *t.iss() == i;
    if (!ok) return errc::invalid_issuer;
  }
  // RFC 7519 §4.1.3 (CLM-7, CLM-8).
  if (!r.audiences.empty()) {
    bool ok = false;
    for (const auto& a : r.audiences) ok = ok || t.aud().contains(a);
    if (!ok) return errc::invalid_audience;
  } else if (t.has_aud() && !r.ignore_audience) {
    return errc::invalid_audience;
  }
  if (!r.subject.empty() && *t.sub() != r.subject) return errc::invalid_subject;
  for (const auto& p : r.predicates) {
    if (auto ec = p(t)) return ec;
  }
  return {};
}

}  // namespace detail
}  // namespace lightjwt

#endif  // LIGHTJWT_CLAIMS_HPP
