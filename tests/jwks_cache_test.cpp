// jwks_cache: refresh on an unknown kid (rate-limited), on age, after failures; key retirement;
// threads verifying during refreshes; no allocation on a warm verify. The fetch function serves
// documents the test controls and the clock is injected: nothing sleeps or touches the network.
// SPDX-License-Identifier: MIT
#include <lightjwt/jwks_cache.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/encoder.hpp>
#include <lightjwt/jwk.hpp>

// ThreadSanitizer's runtime replaces operator new itself: the TSan build (tools/ci-variants.sh)
// runs this file's tests without the allocation count, which the main build asserts.
#if defined(__SANITIZE_THREAD__)
#  define LIGHTJWT_TEST_TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define LIGHTJWT_TEST_TSAN 1
#  endif
#endif
#ifndef LIGHTJWT_TEST_TSAN
#  define LIGHTJWT_TEST_COUNT_ALLOCATIONS
#endif
#include "test_keys.hpp"
#include "test_support.hpp"

namespace {

using lightjwt::errc;
using cache_type = lightjwt::jwks_cache<lightjwt::es256, lightjwt::rs256>;
using std::chrono::seconds;

constexpr const char* issuer_url = "https://auth.example.com/.well-known/jwks.json";

/// An issuer's signing key: its kid, its public JWK and an encoder that writes the kid.
template <class S>
struct signing_key {
  std::string kid;
  lightjwt_test::key_pair pair;

  signing_key(std::string id, lightjwt_test::key_pair p) : kid(std::move(id)), pair(std::move(p)) {}

  [[nodiscard]] std::string sign(const std::string& sub, std::string_view kid_override = {},
                                 std::int64_t exp = test::now + 600) const {
    auto enc = lightjwt::encoder<S>::create(pair.priv, kid);
    REQUIRE(enc.has_value());
    lightjwt::header_options h;
    h.kid = std::string(kid_override);
    auto t = enc->sign({{"iss", "https://auth.example.com"}, {"sub", sub}, {"exp", exp}}, h);
    REQUIRE(t.has_value());
    return *t;
  }
  [[nodiscard]] lightjwt::jwk public_jwk() const {
    auto j = lightjwt::jwk::from_key(pair.pub, kid, std::string(S::name));
    REQUIRE(j.has_value());
    return std::move(*j);
  }
};

signing_key<lightjwt::es256> es_key(std::string kid) {
  return {std::move(kid), lightjwt_test::generate_pair("EC", 0, "P-256")};
}
signing_key<lightjwt::rs256> rs_key(std::string kid) {
  return {std::move(kid), lightjwt_test::generate_pair("RSA", 2048)};
}

/// Returns the JWKS document {"keys": [ ... ]} of the given public JWKs.
std::string document(std::initializer_list<lightjwt::jwk> keys) {
  lightjwt::jwk_set set;
  for (const auto& k : keys) set.add(k);
  return set.to_json();
}

/// The JWKS endpoint: serves `document`, or fails with `failure` when it is set; counts calls.
class fake_endpoint {
 public:
  explicit fake_endpoint(std::string doc) : document_(std::move(doc)) {}

  void serve(std::string doc) {
    const std::lock_guard<std::mutex> lock(m_);
    document_ = std::move(doc);
    failure_ = {};
  }
  void fail_with(std::error_code ec) {
    const std::lock_guard<std::mutex> lock(m_);
    failure_ = ec;
  }
  [[nodiscard]] int calls() const { return calls_.load(); }
  [[nodiscard]] std::string last_url() const {
    const std::lock_guard<std::mutex> lock(m_);
    return url_;
  }

  [[nodiscard]] cache_type::fetch_function fetcher() {
    return [this](const std::string& url) -> lightjwt::result<std::string> {
      calls_.fetch_add(1);
      const std::lock_guard<std::mutex> lock(m_);
      url_ = url;
      if (failure_) return failure_;
      return document_;
    };
  }

 private:
  mutable std::mutex m_;
  std::string document_;
  std::string url_;
  std::error_code failure_;
  std::atomic<int> calls_{0};
};

/// A steady clock that moves only when the test says so.
class fake_clock {
 public:
  void advance(seconds s) { t_.fetch_add(std::chrono::steady_clock::duration(s).count()); }
  [[nodiscard]] cache_type::clock_function function() {
    return [this] {
      return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(t_.load()));
    };
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> t_{
      std::chrono::steady_clock::duration(std::chrono::hours(1000)).count()};
};

cache_type::options make_options(fake_clock& clock, seconds max_age = seconds(900),
                                 seconds min_interval = seconds(30)) {
  cache_type::options o;
  o.url = issuer_url;
  o.max_age = max_age;
  o.min_refresh_interval = min_interval;
  o.clock = clock.function();
  o.configure = [](cache_type::builder_type& b) { b.issuer("https://auth.example.com"); };
  return o;
}

std::unique_ptr<cache_type> make_cache(fake_endpoint& endpoint, cache_type::options o) {
  auto c = cache_type::create(std::move(o), endpoint.fetcher());
  REQUIRE(c.has_value());
  return std::move(*c);
}

/// Returns the `sub` of a verified token, or the code it was refused with as "!<name>".
template <class C>
std::string verify_sub(const C& cache, const std::string& token) {
  const auto r = cache.verify_at(token, test::now);
  if (!r) return "!" + r.error().message();
  auto sub = r->sub();
  return sub ? std::string(*sub) : std::string("(no sub)");
}

}  // namespace

TEST_CASE("create fetches the set once and its keys verify tokens by kid", "[jwks_cache]") {
  const auto a = es_key("ec-1");
  const auto b = rs_key("rsa-1");
  fake_endpoint endpoint(document({a.public_jwk(), b.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  CHECK(endpoint.calls() == 1);
  CHECK(endpoint.last_url() == issuer_url);
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  CHECK(verify_sub(*cache, b.sign("bob")) == "bob");
  CHECK(endpoint.calls() == 1);
  const auto s = cache->statistics();
  CHECK(s.fetches == 1);
  CHECK(s.failures == 0);
  CHECK(s.last_error == std::error_code());
}

TEST_CASE("create fails with the first fetch's, parse's or build's error", "[jwks_cache]") {
  fake_clock clock;
  const auto a = es_key("ec-1");
  {
    fake_endpoint endpoint(document({a.public_jwk()}));
    endpoint.fail_with(std::make_error_code(std::errc::connection_refused));
    auto c = cache_type::create(make_options(clock), endpoint.fetcher());
    CHECK(c.error() == std::make_error_code(std::errc::connection_refused));
  }
  {
    fake_endpoint endpoint("<html>not a JWKS</html>");
    CHECK_ERROR(cache_type::create(make_options(clock), endpoint.fetcher()), errc::invalid_key);
  }
  {
    // No key fits the allowlist: nothing would ever verify.
    fake_endpoint endpoint(R"({"keys":[]})");
    CHECK_ERROR(cache_type::create(make_options(clock), endpoint.fetcher()), errc::key_not_found);
  }
  {
    fake_endpoint endpoint(document({a.public_jwk()}));
    CHECK_ERROR(cache_type::create(make_options(clock), nullptr), errc::invalid_argument);
    CHECK_ERROR(cache_type::create(make_options(clock, seconds(0)), endpoint.fetcher()),
                errc::invalid_argument);
    CHECK_ERROR(
        cache_type::create(make_options(clock, seconds(60), seconds(-1)), endpoint.fetcher()),
        errc::invalid_argument);
    CHECK(endpoint.calls() == 0);
  }
}

TEST_CASE("a set holding a private or symmetric key is refused as a whole", "[jwks_cache]") {
  fake_clock clock;
  const auto a = es_key("ec-1");
  auto priv = lightjwt::jwk::from_key(a.pair.priv, true, "ec-1", "ES256");
  REQUIRE(priv.has_value());
  lightjwt::jwk_set set;
  set.add(std::move(*priv));
  fake_endpoint endpoint(set.to_json(true));
  CHECK_ERROR(cache_type::create(make_options(clock), endpoint.fetcher()), errc::invalid_key);
}

TEST_CASE("an unknown kid triggers exactly one fetch and the new key then verifies",
          "[jwks_cache]") {
  const auto a = es_key("ec-1");
  const auto b = es_key("ec-2");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  // The issuer publishes a second key; the cache does not know it yet.
  endpoint.serve(document({a.public_jwk(), b.public_jwk()}));
  clock.advance(seconds(31));
  CHECK(verify_sub(*cache, b.sign("carol")) == "carol");
  CHECK(endpoint.calls() == 2);
  CHECK(verify_sub(*cache, b.sign("carol")) == "carol");
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  CHECK(endpoint.calls() == 2);
}

TEST_CASE("an unknown kid right after a fetch waits for the interval", "[jwks_cache]") {
  const auto a = es_key("ec-1");
  const auto b = es_key("ec-2");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  endpoint.serve(document({a.public_jwk(), b.public_jwk()}));
  clock.advance(seconds(29));
  CHECK(verify_sub(*cache, b.sign("carol")) == "!key_not_found");
  CHECK(endpoint.calls() == 1);
  clock.advance(seconds(1));
  CHECK(verify_sub(*cache, b.sign("carol")) == "carol");
  CHECK(endpoint.calls() == 2);
}

TEST_CASE("a flood of 1000 random kids within the interval triggers at most one fetch",
          "[jwks_cache][security]") {
  const auto a = es_key("ec-1");
  const auto stranger = es_key("not-published");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  clock.advance(seconds(60));
  std::mt19937_64 rng(42);
  int refused = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string kid = "kid-" + std::to_string(rng());
    const auto r = cache->verify_at(stranger.sign("mallory", kid), test::now);
    if (!r && r.error() == errc::key_not_found) ++refused;
    if (i % 100 == 99) clock.advance(seconds(2));  // 18 s in all: still within the interval
  }
  CHECK(refused == 1000);
  CHECK(endpoint.calls() == 2);  // create() and the first unknown kid
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  // The next interval allows one more fetch, and only one.
  clock.advance(seconds(30));
  for (int i = 0; i < 100; ++i) {
    (void)cache->verify_at(stranger.sign("mallory", "x" + std::to_string(i)), test::now);
  }
  CHECK(endpoint.calls() == 3);
}

TEST_CASE("a set older than max_age is refreshed before it is used", "[jwks_cache]") {
  const auto a = es_key("ec-1");
  const auto b = es_key("ec-2");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock, seconds(60), seconds(5)));
  clock.advance(seconds(59));
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  CHECK(endpoint.calls() == 1);
  // Rotation without a new kid seen yet: the old key is gone from the set.
  endpoint.serve(document({b.public_jwk()}));
  clock.advance(seconds(1));
  CHECK(verify_sub(*cache, a.sign("alice")) == "!key_not_found");
  CHECK(endpoint.calls() == 2);  // the age refresh; the unknown kid then waits for the interval
  CHECK(verify_sub(*cache, b.sign("bob")) == "bob");
  CHECK(endpoint.calls() == 2);
  // The new set is young again.
  clock.advance(seconds(59));
  CHECK(verify_sub(*cache, b.sign("bob")) == "bob");
  CHECK(endpoint.calls() == 2);
}

TEST_CASE("a failed refresh keeps serving the last good set", "[jwks_cache]") {
  const auto a = es_key("ec-1");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock, seconds(60), seconds(10)));
  const auto before = cache->current();
  const auto refused = std::make_error_code(std::errc::connection_refused);
  endpoint.fail_with(refused);
  CHECK(cache->refresh() == refused);
  CHECK(cache->current() == before);
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  auto s = cache->statistics();
  CHECK(s.fetches == 2);
  CHECK(s.failures == 1);
  CHECK(s.last_error == refused);

  // Malformed documents fail the same way.
  endpoint.serve("{\"keys\":[{\"kty\":\"EC\"}]}");
  CHECK(cache->refresh() == std::error_code(errc::invalid_key));
  endpoint.serve(R"({"keys":[],"keys":[]})");
  CHECK(cache->refresh() == std::error_code(errc::duplicate_member));
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");

  // An old set whose refresh fails: still served, retried once per interval, not per request.
  endpoint.fail_with(refused);
  clock.advance(seconds(61));
  const int calls = endpoint.calls();
  for (int i = 0; i < 50; ++i) CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  CHECK(endpoint.calls() == calls + 1);
  clock.advance(seconds(10));
  CHECK(verify_sub(*cache, a.sign("alice")) == "alice");
  CHECK(endpoint.calls() == calls + 2);
  s = cache->statistics();
  CHECK(s.failures == 5);
  CHECK(s.last_error == refused);

  // Recovery clears last_error.
  endpoint.serve(document({a.public_jwk()}));
  CHECK(cache->refresh() == std::error_code());
  CHECK(cache->statistics().last_error == std::error_code());
  CHECK(cache->current() != before);
}

TEST_CASE("a retired key stops verifying after the refresh that drops it", "[jwks_cache]") {
  const auto old_key = rs_key("rsa-2024");
  const auto new_key = rs_key("rsa-2025");
  const auto ec_key = es_key("ec-2025");
  fake_endpoint endpoint(
      document({old_key.public_jwk(), new_key.public_jwk(), ec_key.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  const std::string old_token = old_key.sign("alice");
  CHECK(verify_sub(*cache, old_token) == "alice");
  const auto held = cache->current();
  endpoint.serve(document({new_key.public_jwk(), ec_key.public_jwk()}));
  CHECK(verify_sub(*cache, old_token) == "alice");  // not refreshed yet
  CHECK(cache->refresh() == std::error_code());
  CHECK(verify_sub(*cache, old_token) == "!key_not_found");
  CHECK(verify_sub(*cache, new_key.sign("bob")) == "bob");
  // A verifier taken before the refresh is unchanged for as long as it is held.
  CHECK(held->verify_at(old_token, test::now).has_value());
  // A kid naming a key of another algorithm is refused by the key's binding, and is no reason
  // to refetch.
  const int calls = endpoint.calls();
  clock.advance(seconds(31));
  CHECK(verify_sub(*cache, new_key.sign("eve", "ec-2025")) == "!algorithm_not_allowed");
  CHECK(endpoint.calls() == calls);
  // Once the last RS256 key is retired, RS256 tokens are refused before their kid is looked at.
  endpoint.serve(document({ec_key.public_jwk()}));
  CHECK(cache->refresh() == std::error_code());
  CHECK(verify_sub(*cache, new_key.sign("bob")) == "!algorithm_not_allowed");
}

TEST_CASE("a new kid of an algorithm the set had no key for triggers a refresh", "[jwks_cache]") {
  const auto ec_key = es_key("ec-1");
  const auto rsa = rs_key("rsa-new");
  fake_endpoint endpoint(document({ec_key.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  endpoint.serve(document({ec_key.public_jwk(), rsa.public_jwk()}));
  clock.advance(seconds(30));
  CHECK(verify_sub(*cache, rsa.sign("carol")) == "carol");
  CHECK(endpoint.calls() == 2);
  // Rate-limited like any unknown kid.
  const auto stranger = rs_key("rsa-stranger");
  endpoint.serve(document({ec_key.public_jwk()}));
  CHECK(verify_sub(*cache, stranger.sign("mallory")) == "!key_not_found");
  CHECK(endpoint.calls() == 2);
}

TEST_CASE("a token's jku and jwk header members are never fetched or trusted",
          "[jwks_cache][security]") {
  const auto a = es_key("ec-1");
  const auto attacker = es_key("attacker");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  clock.advance(seconds(31));
  const auto sign_with_header = [&](const nlohmann::json& header) {
    auto ctx = lightjwt::es256::sign_context::create(attacker.pair.priv);
    REQUIRE(ctx.has_value());
    const std::string input = test::b64(header.dump()) + "." +
                              test::b64(R"({"iss":"https://auth.example.com","sub":"eve","exp":)" +
                                        std::to_string(test::now + 600) + "}");
    std::array<unsigned char, 64> sig{};
    auto n = ctx->sign(lightjwt::as_bytes(input), lightjwt::mutable_bytes(sig));
    REQUIRE(n.has_value());
    return input + "." + lightjwt::base64url::encode(lightjwt::bytes_view(sig.data(), *n));
  };
  const nlohmann::json own_key = nlohmann::json::parse(attacker.public_jwk().to_json());
  // An unknown kid with the attacker's key embedded and a JWKS URL of the attacker's: the cache
  // refetches its own URL only, and nothing verifies.
  CHECK(verify_sub(*cache, sign_with_header({{"alg", "ES256"},
                                             {"kid", "attacker"},
                                             {"jku", "http://127.0.0.1:1/jwks.json"},
                                             {"x5u", "http://127.0.0.1:1/cert.pem"},
                                             {"jwk", own_key}})) == "!key_not_found");
  CHECK(endpoint.calls() == 2);
  CHECK(endpoint.last_url() == issuer_url);
  // The issuer's kid with the attacker's embedded key: the issuer's key checks the signature.
  CHECK(
      verify_sub(*cache, sign_with_header({{"alg", "ES256"}, {"kid", "ec-1"}, {"jwk", own_key}})) ==
      "!invalid_signature");
}

TEST_CASE("the claim rules of configure apply to every fetched set", "[jwks_cache]") {
  const auto a = es_key("ec-1");
  fake_endpoint endpoint(document({a.public_jwk()}));
  fake_clock clock;
  auto o = make_options(clock);
  o.configure = [](cache_type::builder_type& b) { b.issuer("https://other.example.com"); };
  const auto cache = make_cache(endpoint, std::move(o));
  CHECK(verify_sub(*cache, a.sign("alice")) == "!invalid_issuer");
  CHECK(cache->refresh() == std::error_code());
  CHECK(verify_sub(*cache, a.sign("alice")) == "!invalid_issuer");
  CHECK(verify_sub(*cache, a.sign("alice", {}, test::now - 1)) == "!token_expired");
}

TEST_CASE("8 threads verify while another thread refreshes and rotates keys",
          "[jwks_cache][concurrency]") {
  const auto a = es_key("ec-1");
  const auto b = rs_key("rsa-1");
  const auto extra = es_key("ec-rotating");
  const auto stranger = es_key("stranger");
  const std::string with_extra = document({a.public_jwk(), b.public_jwk(), extra.public_jwk()});
  const std::string without_extra = document({a.public_jwk(), b.public_jwk()});
  fake_endpoint endpoint(with_extra);
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock, seconds(2), seconds(1)));
  const std::vector<std::string> tokens = {a.sign("alice"), b.sign("bob")};
  const std::string unknown = stranger.sign("mallory", "nobody");

  constexpr int threads = 8;
  constexpr int per_thread = 400;
  std::atomic<int> ok{0};
  std::atomic<int> wrong{0};
  std::atomic<bool> done{false};
  std::thread refresher([&] {
    for (int i = 0; !done.load(); ++i) {
      endpoint.serve(i % 2 == 0 ? without_extra : with_extra);
      if (i % 3 == 0) endpoint.fail_with(std::make_error_code(std::errc::timed_out));
      (void)cache->refresh();
      clock.advance(seconds(1));
      (void)cache->statistics();
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto& token = tokens[static_cast<std::size_t>(t + i) % tokens.size()];
        const bool at = i % 2 == 0;
        const auto r = at ? cache->verify_at(token, test::now) : cache->verify(token);
        // verify() reads the system clock, long past the tokens' exp (test::now + 600).
        const bool expected = at ? r.has_value() : r.error() == errc::token_expired;
        (expected ? ok : wrong).fetch_add(1);
        if (i % 16 == 0) {
          const auto u = cache->verify_at(unknown, test::now);
          if (u.error() != errc::key_not_found) wrong.fetch_add(1);
          const auto v = cache->current();
          if (!v) wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  done = true;
  refresher.join();
  CHECK(wrong.load() == 0);
  CHECK(ok.load() == threads * per_thread);
  CHECK(cache->statistics().fetches >= 2);
}

#ifndef LIGHTJWT_TEST_TSAN
TEST_CASE("verify with a warm cache and a known kid makes 0 C++ allocations",
          "[jwks_cache][alloc]") {
  const auto a = es_key("ec-1");
  const auto b = rs_key("rsa-1");
  fake_endpoint endpoint(document({a.public_jwk(), b.public_jwk()}));
  fake_clock clock;
  const auto cache = make_cache(endpoint, make_options(clock));
  for (const std::string& token : {a.sign("alice"), b.sign("bob")}) {
    REQUIRE(cache->verify_at(token, test::now).has_value());
    REQUIRE(cache->verify_at(token, test::now).has_value());
    std::size_t n = 0;
    bool verified = false;
    {
      test::alloc::scope counter;
      const auto r = cache->verify_at(token, test::now);
      n = counter.stop();
      verified = r.has_value();
    }
    CHECK(verified);
    CHECK(n == 0);
  }
  CHECK(endpoint.calls() == 1);
}
#endif  // LIGHTJWT_TEST_TSAN
