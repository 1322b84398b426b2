// jwks_cache<Signers...>: a verifier over a remote JWK Set that follows the issuer's key
// rotation (refresh on an unknown kid, at most once per interval, and when the set is too old).
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_JWKS_CACHE_HPP
#define LIGHTJWT_JWKS_CACHE_HPP

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <lightjwt/decoder.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/jwk.hpp>
#include <lightjwt/result.hpp>
#include <lightjwt/token.hpp>
#include <lightjwt/verifier.hpp>

namespace lightjwt {

/// Verifies tokens with the keys of a JWK Set fetched from a URL through a caller-supplied fetch
/// function, and follows the issuer's key rotation: an unknown `kid` triggers a refresh (at most
/// once per min_refresh_interval, shared by all threads, so a flood of random kids cannot hammer
/// the JWKS endpoint), and a set older than max_age is refreshed before use. A failed refresh
/// keeps the last good set. Thread-safe: verify() may be called from any number of threads while
/// another refreshes. With a warm cache, verify() of a token whose `kid` is known makes no C++
/// heap allocation beyond what verifier::verify makes (none for a typical token).
template <class... Signers>
class jwks_cache {
 public:
  /// The verifier built from each fetched set.
  using verifier_type = verifier<Signers...>;
  /// The builder that options::configure receives to add claim rules.
  using builder_type = typename verifier_type::builder;
  /// Returns the JWKS document at `url`, or the caller's error code, which the cache keeps as
  /// returned (statistics().last_error, and the error of create() for the first fetch). Called
  /// by one thread at a time.
  using fetch_function = std::function<result<std::string>(const std::string& url)>;
  /// Returns the current monotonic time (tests inject their own).
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  /// How the cache fetches and when it refreshes.
  struct options {
    /// The JWKS URL, passed to the fetch function as given.
    std::string url;
    /// A set older than this is refreshed before it is used (one thread fetches; the others keep
    /// using the current set meanwhile).
    std::chrono::seconds max_age{std::chrono::minutes(15)};
    /// At most one automatic fetch per interval, whatever triggers it: an unknown `kid`, an old
    /// set, or the retry after a failed refresh. refresh() ignores it (and restarts it).
    std::chrono::seconds min_refresh_interval{std::chrono::seconds(30)};
    /// Adds the claim rules (issuer, audience, leeway, ...) to the builder of every fetched set.
    std::function<void(builder_type&)> configure;
    /// Size and count limits of the JWKS document (jwk_limits).
    jwk_limits limits{};
    /// The monotonic clock of the refresh timing; empty means std::chrono::steady_clock::now.
    /// The claims' clock is the verifier's (set it in configure).
    clock_function clock;
  };

  /// What the cache has fetched so far.
  struct stats {
    /// Calls of the fetch function, including the first one in create().
    std::uint64_t fetches = 0;
    /// Refreshes that failed: the fetch function's error, or the set's parse or build error.
    std::uint64_t failures = 0;
    /// The error of the most recent refresh; empty when it succeeded.
    std::error_code last_error;
  };

 private:
  struct passkey {
    explicit passkey() = default;
  };

 public:
  /// Fetches and parses the set once. Returns the cache, or the first error: invalid_argument
  /// without a fetch function or for a max_age of 0 or a negative interval; the fetch function's
  /// code; the set's (jwk_set::parse: invalid_key, duplicate_member, limit_exceeded, ...); the
  /// builder's (key_not_found when no key of the set fits Signers..., or a claim-rule error).
  [[nodiscard]] static result<std::unique_ptr<jwks_cache>> create(options o, fetch_function f) {
    if (!f || o.max_age.count() <= 0 || o.min_refresh_interval.count() < 0) {
      return errc::invalid_argument;
    }
    auto cache = std::make_unique<jwks_cache>(passkey{}, std::move(o), std::move(f));
    const std::lock_guard<std::mutex> lock(cache->refresh_mutex_);
    if (auto ec = cache->fetch_locked()) return ec;
    return cache;
  }

  /// Constructs an empty cache: use create().
  jwks_cache(passkey /*only create()*/, options o, fetch_function f)
      : options_(std::move(o)), fetch_(std::move(f)) {}
  jwks_cache(const jwks_cache&) = delete;
  jwks_cache& operator=(const jwks_cache&) = delete;
  jwks_cache(jwks_cache&&) = delete;
  jwks_cache& operator=(jwks_cache&&) = delete;
  ~jwks_cache() = default;

  /// Verifies `token` with the current set at the verifier's clock. Refreshes first when the set
  /// is older than max_age; on key_not_found (or algorithm_not_allowed for a kid the set does
  /// not hold: a new key of an algorithm the set had no key for), refreshes at most once per
  /// min_refresh_interval, shared by all threads (a thread that finds a refresh under way waits
  /// for it), and verifies once more. Returns what verifier::verify returns.
  [[nodiscard]] result<verified_token> verify(std::string_view token) const {
    return verify_with(token, [token](const verifier_type& v) { return v.verify(token); });
  }

  /// Verifies `token` as verify() does, with the claims checked as at `now` (seconds since the
  /// Unix epoch).
  [[nodiscard]] result<verified_token> verify_at(std::string_view token, std::int64_t now) const {
    return verify_with(token,
                       [token, now](const verifier_type& v) { return v.verify_at(token, now); });
  }

  /// Fetches the set now, ignoring min_refresh_interval (which restarts from now). Returns the
  /// error of the fetch, parse or build; on error the last good set stays in use.
  [[nodiscard]] std::error_code refresh() {
    const std::lock_guard<std::mutex> lock(refresh_mutex_);
    return fetch_locked();
  }

  /// Returns the verifier of the current set. It stays valid, and unchanged, for as long as the
  /// caller holds it, whatever refreshes happen meanwhile.
  [[nodiscard]] std::shared_ptr<const verifier_type> current() const {
    auto s = snapshot();
    if (!s) return nullptr;
    const verifier_type* v = &s->v;
    return std::shared_ptr<const verifier_type>(std::move(s), v);  // aliasing: no allocation
  }

  /// Returns how many fetches and failed refreshes there were, and the last refresh's error.
  [[nodiscard]] stats statistics() const {
    const std::lock_guard<std::mutex> lock(stats_mutex_);
    return stats_;
  }

 private:
  using time_point = std::chrono::steady_clock::time_point;

  /// One fetched set: immutable once published, shared by every verify that loaded it.
  struct state {
    state(verifier_type built, std::vector<std::string> set_kids, std::uint64_t gen, time_point at)
        : v(std::move(built)), kids(std::move(set_kids)), generation(gen), fetched_at(at) {}
    verifier_type v;
    std::vector<std::string> kids;  // every kid of the set, sorted
    std::uint64_t generation;       // 1 for the set create() fetched, +1 per installed set
    time_point fetched_at;
  };

  [[nodiscard]] time_point now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
  }

  [[nodiscard]] std::shared_ptr<const state> snapshot() const {
    const std::lock_guard<std::mutex> lock(state_mutex_);
    return state_;
  }

  /// True when no fetch was started within min_refresh_interval before `t`.
  [[nodiscard]] bool interval_elapsed(time_point t) const noexcept {
    // attempted_ is stored after last_attempt_ (release), so it is loaded first (acquire).
    if (!attempted_.load(std::memory_order_acquire)) return true;
    const auto last = last_attempt_.load(std::memory_order_acquire);
    return t - time_point(time_point::duration(last)) >= options_.min_refresh_interval;
  }

  template <class Verify>
  result<verified_token> verify_with(std::string_view token, const Verify& verify_one) const {
    std::shared_ptr<const state> s = snapshot();  // never null: create() installed a set
    if (now() - s->fetched_at >= options_.max_age) refresh_if_stale(s);
    result<verified_token> out = verify_one(s->v);
    // An unknown kid may be a key the issuer has just added: refetch (rate-limited) and retry
    // once. Any other error is final.
    if (!out && names_unknown_key(out.error(), token, *s) &&
        refresh_for_unknown_kid(s->generation)) {
      s = snapshot();
      out = verify_one(s->v);
    }
    return out;
  }

  // True when the refusal may be cured by a newer set: key_not_found, or algorithm_not_allowed
  // for a kid the set does not hold (the verifier checks that the token's alg has a key before
  // it looks at the kid, so a new key of an algorithm the set had no key for shows up so).
  // Only on this error path is the header decoded a second time.
  static bool names_unknown_key(std::error_code ec, std::string_view token, const state& s) {
    if (ec == errc::key_not_found) return true;
    if (ec != errc::algorithm_not_allowed) return false;
    const auto t = decode_unverified(token, s.v.limits());
    if (!t) return false;
    const auto kid = t->kid();
    return kid && !std::binary_search(s.kids.begin(), s.kids.end(), *kid);
  }

  // One thread refreshes an old set; the others do not wait and keep verifying with `s`.
  void refresh_if_stale(std::shared_ptr<const state>& s) const {
    if (!interval_elapsed(now())) return;  // a failed refresh is retried once per interval
    std::unique_lock<std::mutex> lock(refresh_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    if (state_generation_.load(std::memory_order_acquire) == s->generation &&
        interval_elapsed(now())) {
      (void)fetch_locked();
    }
    s = snapshot();
  }

  // Returns true when a set newer than generation `seen` is installed (so a retry may succeed).
  bool refresh_for_unknown_kid(std::uint64_t seen) const {
    if (state_generation_.load(std::memory_order_acquire) != seen) return true;
    // The flood case: within the interval and no fetch under way, refuse without any lock.
    if (!interval_elapsed(now()) && !fetching_.load(std::memory_order_acquire)) return false;
    const std::lock_guard<std::mutex> lock(refresh_mutex_);
    // A fetch finished while this thread waited: use its result rather than fetch again.
    if (state_generation_.load(std::memory_order_acquire) != seen) return true;
    if (!interval_elapsed(now())) return false;
    return !fetch_locked();
  }

  // Fetches, parses and builds a set and installs it. Caller holds refresh_mutex_.
  std::error_code fetch_locked() const {
    const time_point started = now();
    last_attempt_.store(started.time_since_epoch().count(), std::memory_order_release);
    attempted_.store(true, std::memory_order_release);
    fetching_.store(true, std::memory_order_release);
    // Cleared however this returns, even if the fetch function throws.
    struct fetching_done {
      std::atomic<bool>& flag;
      fetching_done(const fetching_done&) = delete;
      fetching_done& operator=(const fetching_done&) = delete;
      fetching_done(fetching_done&&) = delete;
      fetching_done& operator=(fetching_done&&) = delete;
      ~fetching_done() { flag.store(false, std::memory_order_release); }
    } done{fetching_};
    std::error_code ec;
    {
      const std::lock_guard<std::mutex> lock(stats_mutex_);
      ++stats_.fetches;
    }
    result<std::string> body = fetch_(options_.url);
    if (!body) {
      ec = body.error();
    } else if (auto set = jwk_set::parse(*body, jwk_access::public_only, options_.limits); !set) {
      ec = set.error();
    } else if (auto v = build(*set)) {
      std::vector<std::string> kids;
      kids.reserve(set->keys().size());
      for (const auto& k : set->keys()) kids.emplace_back(k.kid());
      std::sort(kids.begin(), kids.end());
      const std::uint64_t gen = state_generation_.load(std::memory_order_relaxed) + 1;
      auto next = std::make_shared<const state>(std::move(*v), std::move(kids), gen, now());
      {
        const std::lock_guard<std::mutex> lock(state_mutex_);
        state_ = std::move(next);
      }
      state_generation_.store(gen, std::memory_order_release);
    } else {
      ec = v.error();
    }
    {
      const std::lock_guard<std::mutex> lock(stats_mutex_);
      if (ec) ++stats_.failures;
      stats_.last_error = ec;
    }
    return ec;
  }

  [[nodiscard]] result<verifier_type> build(const jwk_set& set) const {
    builder_type b;
    b.keys(set);
    if (options_.configure) options_.configure(b);
    return std::move(b).build();
  }

  const options options_;
  const fetch_function fetch_;

  // The current set. Readers copy the pointer under state_mutex_ (a reference-count increment,
  // no allocation); only fetch_locked() replaces it.
  mutable std::mutex state_mutex_;
  mutable std::shared_ptr<const state> state_;
  // Serialises fetches: one at a time, whatever triggers them.
  mutable std::mutex refresh_mutex_;
  mutable std::atomic<std::uint64_t> state_generation_{0};
  mutable std::atomic<time_point::rep> last_attempt_{0};  // start of the last fetch
  mutable std::atomic<bool> attempted_{false};
  mutable std::atomic<bool> fetching_{false};
  mutable std::mutex stats_mutex_;
  mutable stats stats_{};
};

}  // namespace lightjwt

#endif  // LIGHTJWT_JWKS_CACHE_HPP
