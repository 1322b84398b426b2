// encoder<Signer>: header and claims to a compact token.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_ENCODER_HPP
#define LIGHTJWT_ENCODER_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <lightjwt/algorithms.hpp>
#include <lightjwt/base64url.hpp>
#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/detail/token_data.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

/// Header parameters an encoder writes besides `alg` (which only the signer policy sets).
struct header_options {
  /// `typ`; empty omits it. Profiles use their own type (RFC 8725 §3.11), e.g. "at+jwt".
  std::string typ = "JWT";
  /// `kid`; empty uses the encoder's key id, if any.
  std::string kid;
  /// `cty`; empty omits it.
  std::string cty;
};

namespace detail {

/// Checks that a caller's JSON holds only what a strict verifier accepts: valid UTF-8 in every
/// string and name, finite numbers. Iterative, so deep input cannot exhaust the stack.
inline std::error_code check_encodable(const nlohmann::json& j) {
  std::vector<const nlohmann::json*> todo{&j};
  while (!todo.empty()) {
    const nlohmann::json* v = todo.back();
    todo.pop_back();
    if (v->is_string()) {
      if (!scan_impl::valid_utf8(*v->get_ptr<const std::string*>())) return errc::invalid_utf8;
    } else if (v->is_number_float()) {
      if (!std::isfinite(*v->get_ptr<const double*>())) return errc::invalid_argument;
    } else if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (!scan_impl::valid_utf8(it.key())) return errc::invalid_utf8;
        todo.push_back(&it.value());
      }
    } else if (v->is_array()) {
      for (const auto& e : *v) todo.push_back(&e);
    }
  }
  return {};
}

}  // namespace detail

/// Signs tokens with one key bound to algorithm Signer. Immutable once created; safe to share
/// between threads.
template <class Signer>
class encoder {
 public:
  /// Binds `key` to Signer (key_too_weak, invalid_key, crypto_failure), with an optional `kid`
  /// written into every header.
  [[nodiscard]] static result<encoder> create(const typename Signer::sign_key& key,
                                              std::string kid = {}) {
    auto ctx = Signer::sign_context::create(key);
    if (!ctx) return ctx.error();
    return encoder(std::move(*ctx), std::move(kid));
  }

  /// Sets the largest token this encoder produces (default: a verifier's default limit), so
  /// that what it signs is what verifiers accept (SYN-6).
  encoder& max_token_size(std::size_t n) noexcept {
    max_token_size_ = n;
    return *this;
  }

  /// Signs the claims object `claims`. invalid_argument when it is not an object or holds a
  /// non-finite number; invalid_utf8 for a string that is not UTF-8; the verifier's codes when
  /// the result would break the default limits, token_too_large above max_token_size (so that
  /// every token verifies, SYN-6).
  [[nodiscard]] result<std::string> sign(const nlohmann::json& claims,
                                         const header_options& h = {}) const {
    if (!claims.is_object()) return errc::invalid_argument;
    if (auto ec = detail::check_encodable(claims)) return ec;
    return sign_json(claims.dump(), h);
  }

  /// Signs claims given as JSON text, byte for byte as given, after checking it with the same
  /// strict scanner the verifier uses (syntax, UTF-8, duplicates, depth, limits).
  [[nodiscard]] result<std::string> sign_json(std::string_view claims_json,
                                              const header_options& h = {}) const {
    if (auto ec = check_claims(claims_json)) return ec;
    nlohmann::json header = {{"alg", std::string(Signer::name)}};
    if (!h.typ.empty()) header["typ"] = h.typ;
    const std::string& kid = h.kid.empty() ? kid_ : h.kid;
    if (kid.size() > token_limits{}.max_identifier_length) return errc::limit_exceeded;  // KEY-9
    if (!kid.empty()) header["kid"] = kid;
    if (!h.cty.empty()) header["cty"] = h.cty;
    if (auto ec = detail::check_encodable(header)) return ec;
    const std::string header_json = header.dump();
    return assemble(header_json, claims_json);
  }

 private:
  encoder(typename Signer::sign_context ctx, std::string kid)
      : ctx_(std::move(ctx)), kid_(std::move(kid)) {}

  // Reads the claims exactly as a verifier with the default limits will: syntax, UTF-8,
  // duplicates, depth, registered claim types and lengths (SYN-6).
  static std::error_code check_claims(std::string_view claims_json) {
    detail::token_data d;
    if (!d.buf.reset(2 * claims_json.size())) return errc::limit_exceeded;
    const std::size_t off = d.buf.take(claims_json.size());
    std::copy(claims_json.begin(), claims_json.end(), d.buf.data() + off);
    d.payload_off = static_cast<std::uint32_t>(off);
    d.payload_len = static_cast<std::uint32_t>(claims_json.size());
    return d.read_claims(token_limits{});
  }

  // One exact-size allocation for the output: header.payload is encoded in place, the
  // signature is computed over it and appended.
  result<std::string> assemble(std::string_view header_json, std::string_view payload) const {
    std::size_t h = 0, p = 0, s = 0;
    const std::size_t sig_len = ctx_.signature_size();
    if (!base64url::encoded_size(header_json.size(), h) ||
        !base64url::encoded_size(payload.size(), p) || !base64url::encoded_size(sig_len, s)) {
      return errc::limit_exceeded;
    }
    if (h + 1 + p + 1 + s > max_token_size_) return errc::token_too_large;
    std::string out(h + 1 + p + 1 + s, '\0');
    char* o = out.data();
    (void)base64url::encode(as_bytes(header_json), span<char>(o, h));
    o[h] = '.';
    (void)base64url::encode(as_bytes(payload), span<char>(o + h + 1, p));
    o[h + 1 + p] = '.';
    std::vector<unsigned char> sig(sig_len);
    auto n = ctx_.sign(as_bytes(std::string_view(o, h + 1 + p)), mutable_bytes(sig));
    if (!n) return n.error();
    (void)base64url::encode(bytes_view(sig.data(), *n), span<char>(o + h + 1 + p + 1, s));
    return out;
  }

  typename Signer::sign_context ctx_;
  std::string kid_;
  std::size_t max_token_size_ = token_limits{}.max_token_size;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_ENCODER_HPP
