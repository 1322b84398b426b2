// Error codes (lightjwt::errc), their category, the exception type and result<T>.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ERROR_HPP
#define LIGHTJWT_ERROR_HPP

#include <cstddef>
#include <cstdlib>
#include <iterator>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include <lightjwt/config.hpp>

namespace lightjwt {

/// Every failure lightjwt reports. Values are only ever appended; 0 is success and never an error.
/// message() of each code is its enumerator's name, the stable string for logs and tests.
enum class errc : int {
  /// The raw token is longer than the verifier's size limit (checked before any other work).
  token_too_large = 1,
  /// Not a compact JWS: segment count, alphabet, Base64URL form, JSON syntax, BOM, not an object.
  malformed_token,
  /// Header or claims are not valid UTF-8, or an escape leaves a surrogate unpaired.
  invalid_utf8,
  /// A member name appears twice in one JSON object (compared after unescaping).
  duplicate_member,
  /// JSON nesting is deeper than the limit.
  nesting_too_deep,
  /// Another configured bound was exceeded: members, digits, string or kid length, sizes.
  limit_exceeded,
  /// A header parameter is missing, of the wrong type, or forbidden (alg, kid, typ, cty, crit, b64,
  /// zip).
  invalid_header,
  /// `crit` names an extension the verifier has no handler for.
  unsupported_critical_header,
  /// `alg` is not allowed, not the algorithm bound to the selected key, or `none`.
  algorithm_not_allowed,
  /// No configured key fits the token's `kid`, or the choice of key is ambiguous.
  key_not_found,
  /// The signature or MAC does not verify, or has the wrong length or encoding.
  invalid_signature,
  /// Unusable key material: malformed, wrong kind or curve for the algorithm, public key as secret.
  invalid_key,
  /// HMAC secret shorter than the hash output, or RSA modulus under 2048 bits.
  key_too_weak,
  /// now >= exp + leeway, or past the maximum age.
  token_expired,
  /// now < nbf - leeway, or iat is in the future.
  token_not_yet_valid,
  /// `iss` differs from the expected issuer, or the key belongs to another issuer.
  invalid_issuer,
  /// No `aud` element matches, or `aud` is present but the verifier expects none.
  invalid_audience,
  /// `typ` is not the expected type, or `cty` announces a nested JWT.
  invalid_type,
  /// A registered claim has the wrong JSON type or is out of range.
  invalid_claim_type,
  /// A required claim is absent.
  missing_claim,
  /// A custom claim predicate refused the token.
  claim_rejected,
  /// The token's (iss, jti) or its refresh family is revoked.
  token_revoked,
  /// The revocation store could not answer; the check fails closed.
  revocation_unavailable,
  /// An already-rotated refresh token was presented again.
  refresh_token_reused,
  /// The refresh token is unknown, forged, or bound to another client or session.
  refresh_token_invalid,
  /// A cookie-borne token on an unsafe request whose origin is foreign or missing.
  csrf_check_failed,
  /// A setting below the secure floor without its named opt-out.
  insecure_configuration,
  /// A caller's output buffer is too small for the result.
  buffer_too_small,
  /// OpenSSL failed for a reason that is not the input's fault (out of memory, missing provider).
  crypto_failure,
  /// A caller's argument is invalid (for example unparsable claims JSON given to the encoder).
  invalid_argument,
  /// `sub` differs from the expected subject.
  invalid_subject,
  /// The request carries no credentials in the configured source (RFC 6750 §3.1: no error code).
  no_credentials,
  /// The request carries credentials in a malformed or ambiguous way: bad Bearer syntax, two
  /// credentials, the token in two sources with different values (RFC 6750 §3.1 invalid_request).
  invalid_request,
  /// The token is valid but lacks a scope the resource requires (RFC 6750 §3.1).
  insufficient_scope,
  /// A JWE could not be decrypted: one name for every tag, padding or key-unwrap failure.
  decryption_failed,
  /// A key set could not be had: the JWKS cache holds no set, or its last good set is older than
  /// max_stale while refreshes fail.
  key_set_unavailable,
};

namespace detail {

/// Returns the stable snake_case name of a code, or "unknown" for a value lightjwt never returns.
constexpr const char* errc_name(int v) noexcept {
  constexpr const char* names[] = {
      "success",
      "token_too_large",
      "malformed_token",
      "invalid_utf8",
      "duplicate_member",
      "nesting_too_deep",
      "limit_exceeded",
      "invalid_header",
      "unsupported_critical_header",
      "algorithm_not_allowed",
      "key_not_found",
      "invalid_signature",
      "invalid_key",
      "key_too_weak",
      "token_expired",
      "token_not_yet_valid",
      "invalid_issuer",
      "invalid_audience",
      "invalid_type",
      "invalid_claim_type",
      "missing_claim",
      "claim_rejected",
      "token_revoked",
      "revocation_unavailable",
      "refresh_token_reused",
      "refresh_token_invalid",
      "csrf_check_failed",
      "insecure_configuration",
      "buffer_too_small",
      "crypto_failure",
      "invalid_argument",
      "invalid_subject",
      "no_credentials",
      "invalid_request",
      "insufficient_scope",
      "decryption_failed",
      "key_set_unavailable",
  };
  return v >= 0 && static_cast<std::size_t>(v) < std::size(names) ? names[v] : "unknown";
}

static_assert(std::string_view(errc_name(static_cast<int>(errc::token_expired))) ==
              "token_expired");
static_assert(std::string_view(errc_name(static_cast<int>(errc::invalid_subject))) ==
              "invalid_subject");
static_assert(std::string_view(errc_name(static_cast<int>(errc::key_set_unavailable))) ==
              "key_set_unavailable");

class category final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "lightjwt"; }
  [[nodiscard]] std::string message(int v) const override { return errc_name(v); }
};

}  // namespace detail

/// Returns the one category of lightjwt's codes.
LIGHTJWT_VISIBLE inline const std::error_category& error_category() noexcept {
  static const detail::category instance;
  return instance;
}

/// Makes a std::error_code from a lightjwt code (found by ADL).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// Returns the stable name of a lightjwt code ("token_expired").
constexpr std::string_view to_string(errc e) noexcept {
  return detail::errc_name(static_cast<int>(e));
}

/// The exception of the throwing layer: a std::system_error carrying a lightjwt code.
class error : public std::system_error {
 public:
  explicit error(std::error_code ec) : std::system_error(ec, ec.message()) {}
};

namespace detail {

/// Reports a failed checked access: throws lightjwt::error, or aborts with exceptions off.
[[noreturn]] inline void throw_error(std::error_code ec) {
#ifdef LIGHTJWT_NO_EXCEPTIONS
  (void)ec;
  std::abort();
#else
  throw lightjwt::error(ec);
#endif
}

}  // namespace detail

}  // namespace lightjwt

namespace std {
template <>
struct is_error_code_enum<lightjwt::errc> : true_type {};
}  // namespace std

#include <lightjwt/result.hpp>  // IWYU pragma: export

#endif  // LIGHTJWT_ERROR_HPP
