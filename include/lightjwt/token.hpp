// verified_token and unverified_token: typed, allocation-free views of a decoded token.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_TOKEN_HPP
#define LIGHTJWT_TOKEN_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/detail/token_data.hpp>
#include <lightjwt/error.hpp>

namespace lightjwt {

template <class... Signers>
class verifier;
class unverified_token;
/// Decodes a token WITHOUT verifying it (decoder.hpp).
result<unverified_token> decode_unverified(std::string_view token, const token_limits& limits);

/// The `aud` claim: one string or several. Views point into the token that returned it.
class audience_list {
 public:
  /// Returns the number of audiences (0 for an absent claim or `[]`).
  [[nodiscard]] std::size_t size() const noexcept { return t_ ? t_->claims.aud_count : 0; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Returns audience i (i < size()).
  std::string_view operator[](std::size_t i) const noexcept { return t_->view(t_->claims.aud[i]); }
  /// Returns true when one audience equals `a` exactly.
  [[nodiscard]] bool contains(std::string_view a) const noexcept {
    for (std::size_t i = 0; i < size(); ++i) {
      if ((*this)[i] == a) return true;
    }
    return false;
  }

 private:
  friend class token_base;
  explicit audience_list(const detail::token_data* t) noexcept : t_(t) {}
  const detail::token_data* t_ = nullptr;
};

/// What verified and unverified tokens share. Not used directly.
class token_base {
 public:
  /// Returns the `alg` header parameter.
  [[nodiscard]] std::string_view alg() const noexcept { return d_.view(d_.alg); }
  /// Returns the `kid` header parameter, if present.
  [[nodiscard]] std::optional<std::string_view> kid() const noexcept { return opt(d_.kid); }
  /// Returns the `typ` header parameter, if present.
  [[nodiscard]] std::optional<std::string_view> typ() const noexcept { return opt(d_.typ); }
  /// Returns the `cty` header parameter, if present.
  [[nodiscard]] std::optional<std::string_view> cty() const noexcept { return opt(d_.cty); }
  /// Returns the `iss` claim, if present.
  [[nodiscard]] std::optional<std::string_view> iss() const noexcept { return opt(d_.claims.iss); }
  /// Returns the `sub` claim, if present.
  [[nodiscard]] std::optional<std::string_view> sub() const noexcept { return opt(d_.claims.sub); }
  /// Returns the `jti` claim, if present.
  [[nodiscard]] std::optional<std::string_view> jti() const noexcept { return opt(d_.claims.jti); }
  /// Returns the `aud` claim's values (empty when absent).
  [[nodiscard]] audience_list aud() const noexcept { return audience_list(&d_); }
  /// Returns true when the token carries an `aud` claim (possibly `[]`).
  [[nodiscard]] bool has_aud() const noexcept { return d_.claims.has_aud; }
  /// Returns `exp` in seconds since the epoch, rounded down, if present.
  [[nodiscard]] std::optional<std::int64_t> exp() const noexcept {
    return time(d_.claims.has_exp, d_.claims.exp);
  }
  /// Returns `nbf` in seconds since the epoch, rounded up, if present.
  [[nodiscard]] std::optional<std::int64_t> nbf() const noexcept {
    return time(d_.claims.has_nbf, d_.claims.nbf);
  }
  /// Returns `iat` in seconds since the epoch, rounded up, if present.
  [[nodiscard]] std::optional<std::int64_t> iat() const noexcept {
    return time(d_.claims.has_iat, d_.claims.iat);
  }

  /// Returns the decoded header JSON, exactly as it was signed.
  [[nodiscard]] std::string_view header_json() const noexcept { return d_.header_json(); }
  /// Returns the decoded payload JSON, exactly as it was signed.
  [[nodiscard]] std::string_view payload_json() const noexcept { return d_.payload_json(); }

  /// Builds the full DOM of the claims (allocates). The scanner has already validated these
  /// bytes with the same rules, so this fails only when memory runs out (JSON-8).
  [[nodiscard]] result<nlohmann::json> claims_json() const { return parse(payload_json()); }
  /// Builds the full DOM of the header (allocates).
  [[nodiscard]] result<nlohmann::json> header_dom() const { return parse(header_json()); }

  /// Returns true when the claims hold a top-level member `name`. Does not allocate.
  [[nodiscard]] bool has_claim(std::string_view name) const noexcept {
    return find(name).has_value();
  }
  /// Returns true when claim `name` is a string equal to `value` (after unescaping). Does not
  /// allocate: use it in predicates on the hot path.
  [[nodiscard]] bool claim_equals(std::string_view name, std::string_view value) const noexcept {
    const auto v = find(name);
    return v && v->kind == detail::json_kind::string &&
           detail::string_equals(v->raw, v->escaped, value);
  }
  /// Returns claim `name` as a string (allocates): missing_claim or invalid_claim_type.
  [[nodiscard]] result<std::string> get_string(std::string_view name) const {
    const auto v = find(name);
    if (!v) return errc::missing_claim;
    if (v->kind != detail::json_kind::string) return errc::invalid_claim_type;
    std::string s(v->raw.size(), '\0');
    auto n = detail::unescape(v->raw, span<char>(s.data(), s.size()));
    if (!n) return n.error();
    s.resize(*n);
    return s;
  }
  /// Returns claim `name` as a 64-bit integer: missing_claim or invalid_claim_type.
  [[nodiscard]] result<std::int64_t> get_int64(std::string_view name) const noexcept {
    const auto v = find(name);
    if (!v) return errc::missing_claim;
    std::int64_t i = 0;
    if (v->kind != detail::json_kind::number || !detail::parse_int64(v->raw, i)) {
      return errc::invalid_claim_type;
    }
    return i;
  }
  /// Returns claim `name` as a boolean: missing_claim or invalid_claim_type.
  [[nodiscard]] result<bool> get_bool(std::string_view name) const noexcept {
    const auto v = find(name);
    if (!v) return errc::missing_claim;
    if (v->kind != detail::json_kind::boolean) return errc::invalid_claim_type;
    return v->raw == "true";
  }

 protected:
  token_base() = default;
  detail::token_data d_;

 private:
  [[nodiscard]] std::optional<std::string_view> opt(detail::slice s) const noexcept {
    if (!s.present) return std::nullopt;
    return d_.view(s);
  }
  static std::optional<std::int64_t> time(bool has, std::int64_t v) noexcept {
    if (!has) return std::nullopt;
    return v;
  }
  [[nodiscard]] std::optional<detail::json_value> find(std::string_view name) const noexcept {
    std::optional<detail::json_value> found;
    // The payload was validated when the token was read: this scan cannot fail.
    (void)detail::scan_object(payload_json(), detail::scan_limits{64, SIZE_MAX, SIZE_MAX},
                              [&](const detail::json_member& m) {
                                if (!found && detail::name_is(m, name)) found = m.value;
                              });
    return found;
  }
  static result<nlohmann::json> parse(std::string_view text) {
    auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false, false);
    if (j.is_discarded()) return errc::malformed_token;
    return j;
  }
};

/// A token whose signature and claims were checked by a verifier. Only a verifier makes one.
/// Owns its decoded bytes (inline up to ~700 bytes of header and payload, else one heap block);
/// the views it returns point into it.
class verified_token : public token_base {
 private:
  template <class... Signers>
  friend class verifier;
  verified_token() = default;
};

/// A token that was decoded but NOT verified: nothing in it can be trusted. It is a distinct
/// type, so it cannot be handed to anything that expects a verified_token (ALG-10).
class unverified_token : public token_base {
 private:
  friend result<unverified_token> decode_unverified(std::string_view token,
                                                    const token_limits& limits);
  unverified_token() = default;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_TOKEN_HPP
