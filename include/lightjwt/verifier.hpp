// verifier<Signers...>: the compile-time allowlist of algorithms, the keys bound to them, the
// claim rules, and verify().
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_VERIFIER_HPP
#define LIGHTJWT_VERIFIER_HPP

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lightjwt/algorithms.hpp>
#include <lightjwt/base64url.hpp>
#include <lightjwt/claims.hpp>
#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/detail/token_data.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/jwk.hpp>
#include <lightjwt/token.hpp>

namespace lightjwt {

namespace detail {

/// A key bound to one algorithm S, with its optional `kid` and owning issuer.
template <class S>
struct bound_key {
  std::string kid;     // empty: the key has no id
  std::string issuer;  // non-empty: tokens verified with this key must carry this `iss` (KEY-10)
  typename S::verify_context ctx;
};

/// Header parameters registered by RFC 7515 §4.1 and RFC 7516 §4.1: never valid in `crit`.
inline bool is_registered_header(std::string_view n) noexcept {
  constexpr std::string_view names[] = {"alg",      "jku", "jwk", "kid",  "x5u", "x5c", "x5t",
                                        "x5t#S256", "typ", "cty", "crit", "enc", "zip"};
  return std::find(std::begin(names), std::end(names), n) != std::end(names);
}

template <class... T>
constexpr std::size_t max_of(T... v) noexcept {
  std::size_t m = 0;
  ((m = v > m ? v : m), ...);
  return m;
}

}  // namespace detail

/// Verifies compact JWS tokens for the algorithms Signers... (the compile-time allowlist). Each
/// key is bound to exactly one of them when the verifier is built; the token's `alg` only has to
/// match that binding (RFC 8725 §3.1). `none` is never accepted. Immutable once built and safe to
/// share between threads; verify() takes no lock and makes no C++ heap allocation for a token
/// whose decoded header and payload fit the inline buffer.
template <class... Signers>
class verifier {
  static_assert(sizeof...(Signers) > 0, "a verifier needs at least one algorithm");

 public:
  class builder;

  /// Verifies `token` at the configured clock's time. Returns the verified token or the code of
  /// the first step that fails: size, segments and alphabet, header JSON, header parameters
  /// (alg, crit, kid), signature, payload JSON, claim types, claim rules.
  [[nodiscard]] result<verified_token> verify(std::string_view token) const {
    return verify_at(token, clock_ ? clock_() : system_now());
  }

  /// Verifies `token` as at `now` (seconds since the Unix epoch).
  [[nodiscard]] result<verified_token> verify_at(std::string_view token, std::int64_t now) const {
    // The token is built in place inside the result (one return object, so NRVO applies): no
    // copy of its inline buffer on the way out. `t0` is default-initialised, not value-
    // initialised (`verified_token()` would zero the 1.5 KiB buffer); moving it moves an empty
    // buffer.
    verified_token t0;
    result<verified_token> out(std::move(t0));
    verified_token& t = *out;
    if (auto ec = verify_into(token, t.d_)) {
      out = ec;
    } else if (auto bad = detail::validate_claims(t, rules_, now)) {
      out = bad;
    }
    return out;
  }

  /// Returns the limits this verifier applies.
  [[nodiscard]] const token_limits& limits() const noexcept { return limits_; }
  /// Returns the claim rules this verifier applies.
  [[nodiscard]] const claim_rules& rules() const noexcept { return rules_; }

 private:
  using keys_tuple = std::tuple<std::vector<detail::bound_key<Signers>>...>;
  static constexpr std::size_t max_signature_size = detail::max_of(Signers::max_signature_size...);

  verifier() = default;

  static std::int64_t system_now() {
#if defined(__unix__) || defined(__APPLE__) || defined(_WIN32)
    // time_t counts seconds since the Unix epoch on these systems, and the claims only need
    // seconds: time() reads the kernel's coarse clock (about 1 ns on Linux, against about 25 ns
    // for system_clock::now()), which may lag by one clock tick, a few milliseconds.
    return static_cast<std::int64_t>(std::time(nullptr));
#else
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
#endif
  }

  // DESIGN.md principle 2: nothing from the payload is looked at before the signature holds.
  std::error_code verify_into(std::string_view token, detail::token_data& d) const noexcept {
    if (token.size() > limits_.max_token_size) return errc::token_too_large;
    detail::segments seg;
    if (auto ec = detail::split_dots(token, seg)) return ec;
    // Each segment is read once: decoding checks the alphabet that split() would check first.
    // The signature is decoded now when it can fit (one that cannot is invalid_signature, after
    // the header as before); its alphabet is checked either way.
    std::size_t n = 0;
    std::array<unsigned char, max_signature_size> sig;  // NOLINT: written before it is read
    if (!base64url::decoded_size(seg.signature.size(), n)) return errc::malformed_token;
    const bool sig_fits = n <= sig.size();
    if (sig_fits ? !detail::decode_segment(seg.signature, sig.data())
                 : !detail::is_canonical_segment(seg.signature)) {
      return errc::malformed_token;
    }
    bool payload_decoded = false;
    if (auto ec = d.decode_header_first(seg, payload_decoded)) return ec;
    detail::header_fields hf;
    if (auto ec = d.read_header(limits_, hf)) return ec;
    const std::string_view alg = d.view(d.alg);
    if (!algorithm_bound(alg, std::index_sequence_for<Signers...>{})) {
      return errc::algorithm_not_allowed;
    }
    if (auto ec = check_crit(hf, d.header_json())) return ec;
    if (!sig_fits) return errc::invalid_signature;
    const std::string* key_issuer = nullptr;
    if (auto ec =
            check_signature(alg, d.kid, d, as_bytes(seg.signing_input), bytes_view(sig.data(), n),
                            key_issuer, std::index_sequence_for<Signers...>{})) {
      return ec;
    }
    // ALG-9: a nested JWT is refused before its payload is parsed; verify never recurses.
    if (d.cty.present && detail::media_type_equals(d.view(d.cty), "JWT")) {
      return errc::invalid_type;
    }
    if (!payload_decoded) {
      if (auto ec = d.prepare_payload(seg.payload)) return ec;
      if (auto ec = d.decode_into(seg.payload, d.payload_off, d.payload_len)) return ec;
    }
    if (auto ec = d.read_claims(limits_)) return ec;
    // KEY-10: a key registered for one issuer vouches for that issuer only.
    if (key_issuer != nullptr && !key_issuer->empty() &&
        (!d.claims.iss.present || d.view(d.claims.iss) != *key_issuer)) {
      return errc::invalid_issuer;
    }
    return {};
  }

  template <std::size_t... I>
  [[nodiscard]] bool algorithm_bound(std::string_view alg,
                                     std::index_sequence<I...> /*signers*/) const noexcept {
    return ((Signers::name == alg && !std::get<I>(keys_).empty()) || ...);
  }

  // Selects the one key the token may use, then checks the signature with it: at most one
  // signature check per token, never trial and error over keys (KEY-8, RES-5).
  template <std::size_t... I>
  std::error_code check_signature(std::string_view alg, detail::slice kid,
                                  const detail::token_data& d, bytes_view input, bytes_view sig,
                                  const std::string*& key_issuer,
                                  std::index_sequence<I...> /*signers*/) const noexcept {
    std::error_code ec = make_error_code(errc::key_not_found);
    bool done = false;
    // With key ids configured, a token's kid must name one of them exactly (KEY-9). Without
    // any, the kid is only a hint and the algorithm's single key is the candidate.
    if (kid.present && has_kids_) {
      const std::string_view want = d.view(kid);
      auto try_one = [&](auto& keys, std::string_view name) {
        if (done) return;
        for (const auto& k : keys) {
          if (!k.kid.empty() && k.kid == want) {
            done = true;
            if (name != alg) {
              ec = errc::algorithm_not_allowed;
            } else {
              key_issuer = &k.issuer;
              ec = k.ctx.verify(input, sig);
            }
            return;
          }
        }
      };
      (try_one(std::get<I>(keys_), Signers::name), ...);
      return ec;
    }
    auto try_alg = [&](auto& keys, std::string_view name) {
      if (done || name != alg) return;
      done = true;
      if (keys.size() != 1) return;  // none, or ambiguous: key_not_found
      key_issuer = &keys.front().issuer;
      ec = keys.front().ctx.verify(input, sig);
    };
    (try_alg(std::get<I>(keys_), Signers::name), ...);
    return ec;
  }

  // RFC 7515 §4.1.11 (ALG-6), RFC 7797 (ALG-7), RES-8.
  [[nodiscard]] std::error_code check_crit(const detail::header_fields& f,
                                           std::string_view header_json) const noexcept {
    if (f.has_zip) return errc::invalid_header;
    if (!f.has_crit) return f.has_b64 ? errc::invalid_header : std::error_code();
    if (f.crit.kind != detail::json_kind::array) return errc::invalid_header;
    std::array<detail::json_value, detail::max_crit_entries> entries{};
    std::size_t count = 0;
    std::error_code ec;
    detail::for_each_element(f.crit.raw, [&](const detail::json_value& v) {
      if (ec) return;
      if (v.kind != detail::json_kind::string || detail::contains_nul(v.raw, v.escaped)) {
        ec = errc::invalid_header;
      } else if (count == entries.size()) {
        ec = errc::limit_exceeded;
      } else {
        entries[count++] = v;
      }
    });
    if (ec) return ec;
    if (count == 0) return errc::invalid_header;
    std::array<char, 256> buf{};
    bool unsupported = false;
    for (std::size_t i = 0; i < count; ++i) {
      auto n = detail::unescape(entries[i].raw, span<char>(buf.data(), buf.size()));
      if (!n) return errc::limit_exceeded;
      const std::string_view name(buf.data(), *n);
      if (detail::is_registered_header(name)) return errc::invalid_header;
      for (std::size_t j = 0; j < i; ++j) {
        if (detail::string_equals(entries[j].raw, entries[j].escaped, name)) {
          return errc::invalid_header;
        }
      }
      bool present = false;
      (void)detail::scan_object(
          header_json, detail::scan_limits{64, SIZE_MAX, SIZE_MAX},
          [&](const detail::json_member& m) { present = present || detail::name_is(m, name); });
      if (!present) return errc::invalid_header;
      if (std::find(critical_.begin(), critical_.end(), name) == critical_.end()) {
        unsupported = true;
      }
    }
    return unsupported ? errc::unsupported_critical_header : std::error_code();
  }

  keys_tuple keys_;
  token_limits limits_;
  claim_rules rules_;
  std::vector<std::string> critical_;
  clock_function clock_;
  bool has_kids_ = false;
};

/// Collects keys and rules, then build() checks them all and returns the verifier or the first
/// error. Setters return *this so that a configuration reads as one expression.
template <class... Signers>
class verifier<Signers...>::builder {
 public:
  /// Binds `key` to algorithm S, optionally with a key id. S must be one of Signers...; the key
  /// is checked for S (kind, curve, size) here: key_too_weak, invalid_key.
  template <class S>
  builder& key(S /*algorithm*/, const typename S::verify_key& k, std::string kid = {}) {
    return add<S>(k, std::move(kid), {});
  }
  /// Binds `key` to S for tokens of one issuer only: a token verified with it must carry
  /// `iss` equal to `issuer`, or it fails with invalid_issuer (RFC 8725 §3.8, KEY-10).
  template <class S>
  builder& key_for_issuer(S /*algorithm*/, const typename S::verify_key& k, std::string kid,
                          std::string issuer) {
    return add<S>(k, std::move(kid), std::move(issuer));
  }
  /// Binds one JWK, with its kid. A JWK with `alg` is bound to that algorithm: it must be one of
  /// Signers... (else algorithm_not_allowed) and fit the key (else invalid_key or key_too_weak,
  /// as the algorithm's verify_context says). A JWK without `alg` is bound to the single S in
  /// Signers... whose verify_context accepts the key: none -> invalid_key, more than one ->
  /// insecure_configuration (give the JWK an alg, or narrow the allowlist). A JWK not usable
  /// for verification (use other than "sig", key_ops without "verify") -> invalid_key (KEY-6).
  builder& key(const jwk& k) {
    if (error_) return *this;
    if (auto ec = bind_jwk(k)) error_ = ec;
    return *this;
  }
  /// Binds every key of a set as key(const jwk&) does, except that entries not usable for
  /// verification, entries whose alg is not in Signers... and entries without alg that no
  /// algorithm of Signers... accepts are left out (keys_left_out()
  /// counts them; a token naming such a kid fails with key_not_found). A set that leaves no key
  /// bound -> key_not_found at build().
  builder& keys(const jwk_set& set) {
    if (error_) return *this;
    std::size_t bound = 0;
    for (const jwk& k : set.keys()) {
      // RFC 7517 §5: what this verifier cannot use is left out, never half-used; an entry without
      // alg that fits no allowed algorithm is such an entry (a provider's set may mix key types).
      if (!k.usable_for_verification() || (!k.alg().empty() && !in_allowlist(k.alg())) ||
          (k.alg().empty() && fitting_count(k) == 0)) {
        ++left_out_;
        continue;
      }
      if (auto ec = bind_jwk(k)) {
        error_ = ec;
        return *this;
      }
      ++bound;
    }
    if (bound == 0) error_ = make_error_code(errc::key_not_found);
    return *this;
  }
  /// Returns how many entries keys() left out so far.
  [[nodiscard]] std::size_t keys_left_out() const noexcept { return left_out_; }
  /// Requires `iss` to equal `iss` (may be called again to accept several issuers).
  builder& issuer(std::string iss) {
    v_.rules_.issuers.push_back(std::move(iss));
    return *this;
  }
  /// Accepts tokens whose `aud` contains `aud` (may be called again to accept several).
  builder& audience(std::string aud) {
    v_.rules_.audiences.push_back(std::move(aud));
    return *this;
  }
  /// Named opt-out: accepts tokens carrying an `aud` although no audience is configured (CLM-8).
  builder& ignore_audience() {
    v_.rules_.ignore_audience = true;
    return *this;
  }
  /// Requires `sub` to equal `sub`.
  builder& subject(std::string sub) {  // NOLINT(performance-unnecessary-value-param): moved
    v_.rules_.subject = std::move(sub);
    return *this;
  }
  /// Requires `typ` to be this media type (e.g. "at+jwt"; case-insensitive, "application/"
  /// optional).
  builder& type(std::string typ) {  // NOLINT(performance-unnecessary-value-param): moved
    v_.rules_.type = std::move(typ);
    return *this;
  }
  /// Tolerates clock skew up to `s` (at most max_leeway, else insecure_configuration).
  builder& leeway(std::chrono::seconds s) {
    v_.rules_.leeway = s;
    return *this;
  }
  /// Refuses tokens issued more than `s` ago (requires `iat`).
  builder& max_age(std::chrono::seconds s) {
    v_.rules_.max_age = s;
    return *this;
  }
  /// Named opt-out: accepts tokens without `exp` (CLM-1).
  builder& allow_missing_exp() {
    v_.rules_.allow_missing_exp = true;
    return *this;
  }
  /// Requires a claim to be present.
  builder& require(std::string claim) {
    v_.rules_.required.push_back(std::move(claim));
    return *this;
  }
  /// Adds a custom check, run after every other rule.
  builder& predicate(claim_predicate p) {
    v_.rules_.predicates.push_back(std::move(p));
    return *this;
  }
  /// Declares that the application processes the `crit` extension `name` (RFC 7515 §4.1.11).
  builder& critical(std::string name) {
    v_.critical_.push_back(std::move(name));
    return *this;
  }
  /// Sets the size and JSON limits.
  builder& limits(const token_limits& l) {
    v_.limits_ = l;
    return *this;
  }
  /// Sets the largest accepted token in bytes.
  builder& max_token_size(std::size_t n) {
    v_.limits_.max_token_size = n;
    return *this;
  }
  /// Replaces the system clock (tests, replays).
  builder& clock(clock_function c) {  // NOLINT(performance-unnecessary-value-param): moved
    v_.clock_ = std::move(c);
    return *this;
  }

  /// Returns the verifier, or the first error: a key's (key_too_weak, invalid_key,
  /// crypto_failure), invalid_key for a duplicate `kid` (KEY-8), invalid_argument without keys
  /// or for a registered name as a `crit` extension, insecure_configuration for a leeway or
  /// max age out of range or for `b64` as a handled extension (RFC 7797 §7).
  [[nodiscard]] result<verifier> build() && {
    if (error_) return error_;
    if (auto ec = detail::check_rules(v_.rules_)) return ec;
    if (v_.limits_.max_token_size == 0 || v_.limits_.json.max_depth == 0) {
      return errc::invalid_argument;
    }
    for (const auto& c : v_.critical_) {
      if (c == "b64") return errc::insecure_configuration;
      if (c.empty() || detail::is_registered_header(c)) return errc::invalid_argument;
    }
    std::vector<std::string_view> kids;
    std::apply([&](const auto&... vecs) { (collect_kids(vecs, kids), ...); }, v_.keys_);
    if (total_keys() == 0) return errc::invalid_argument;
    std::sort(kids.begin(), kids.end());
    if (std::adjacent_find(kids.begin(), kids.end()) != kids.end()) return errc::invalid_key;
    v_.has_kids_ = !kids.empty();
    return std::move(v_);
  }
  [[nodiscard]] result<verifier> build() & { return std::move(*this).build(); }

 private:
  template <class S>
  builder& add(const typename S::verify_key& k, std::string kid, std::string issuer) {
    static_assert((std::is_same_v<S, Signers> || ...),
                  "this algorithm is not in the verifier's allowlist");
    if (error_) return *this;
    auto ctx = S::verify_context::create(k);
    if (!ctx) {
      error_ = ctx.error();
      return *this;
    }
    std::get<std::vector<detail::bound_key<S>>>(v_.keys_).push_back(
        detail::bound_key<S>{std::move(kid), std::move(issuer), std::move(*ctx)});
    return *this;
  }
  // Returns the key of `k` that S binds (public_key or hmac_key), or null when it has none.
  template <class S>
  static const typename S::verify_key* jwk_key_for(const jwk& k) noexcept {
    using K = typename S::verify_key;
    if constexpr (std::is_same_v<K, public_key>) {
      return k.public_key_ptr();
    } else if constexpr (std::is_same_v<K, hmac_key>) {
      return k.hmac_key_ptr();
    } else {
      return nullptr;
    }
  }
  // Returns true when S's verify_context accepts the key of `k`.
  template <class S>
  static bool jwk_fits(const jwk& k) noexcept {
    const auto* key = jwk_key_for<S>(k);
    return key != nullptr && S::verify_context::create(*key).has_value();
  }
  template <class S>
  std::error_code bind_as(const jwk& k) {
    const auto* key = jwk_key_for<S>(k);
    if (key == nullptr) return errc::invalid_key;
    add<S>(*key, std::string(k.kid()), {});
    return error_;
  }
  template <class S>
  void bind_named(const jwk& k, bool& done, std::error_code& ec) {
    if (done || S::name != k.alg()) return;
    done = true;
    ec = bind_as<S>(k);
  }
  template <class S>
  void bind_fitting(const jwk& k, bool& done, std::error_code& ec) {
    if (done || !jwk_fits<S>(k)) return;
    done = true;
    ec = bind_as<S>(k);
  }
  // Returns how many of Signers... accept the key of `k`.
  [[nodiscard]] static std::size_t fitting_count(const jwk& k) noexcept {
    return ((jwk_fits<Signers>(k) ? std::size_t{1} : std::size_t{0}) + ...);
  }
  [[nodiscard]] static bool in_allowlist(std::string_view alg) noexcept {
    return ((Signers::name == alg) || ...);
  }
  // One mechanism for every algorithm (DESIGN.md principle 6): the JWK's alg names the policy,
  // or, without alg, the policies whose verify_context accepts the key are counted; the key is
  // bound only when exactly one does.
  std::error_code bind_jwk(const jwk& k) {
    if (!k.usable_for_verification()) return errc::invalid_key;
    std::error_code ec;
    bool done = false;
    if (!k.alg().empty()) {
      (bind_named<Signers>(k, done, ec), ...);
      return done ? ec : make_error_code(errc::algorithm_not_allowed);
    }
    const std::size_t fitting = fitting_count(k);
    if (fitting == 0) return errc::invalid_key;
    if (fitting > 1) return errc::insecure_configuration;
    (bind_fitting<Signers>(k, done, ec), ...);
    return ec;
  }
  template <class V>
  static void collect_kids(const V& vec, std::vector<std::string_view>& out) {
    for (const auto& k : vec) {
      if (!k.kid.empty()) out.push_back(k.kid);
    }
  }
  [[nodiscard]] std::size_t total_keys() const noexcept {
    return std::apply([](const auto&... vecs) { return (vecs.size() + ...); }, v_.keys_);
  }

  verifier v_;
  std::error_code error_;
  std::size_t left_out_ = 0;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_VERIFIER_HPP
