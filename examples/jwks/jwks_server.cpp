// An auth server over cpp-httplib: publishes its public keys as a JWK Set, issues RS256 and
// ES256 tokens, and rotates and retires keys on request (tests/interop/jwks_rotation_test.py).
// SPDX-License-Identifier: MIT
//
// Usage: jwks_server PORT        (0 picks a free port; prints "listening <port>" when ready)
//   GET  /.well-known/jwks.json             the public keys, {"keys":[...]}
//   GET  /token?alg=RS256|ES256&sub=SUB[&ttl=SECONDS]   a token signed with the current key
//   POST /rotate?alg=RS256|ES256            a new key with a new kid becomes the signing key
//   POST /retire/<kid>                      removes a key that no longer signs from the set
// It listens on 127.0.0.1 only: it is a demonstration, with no authentication of its callers.
#include <lightjwt/lightjwt.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

namespace {

constexpr const char* issuer = "https://auth.example.test";
constexpr const char* audience = "orders-api";

/// Generates a private key: RSA 2048 for RS256, P-256 for ES256.
lightjwt::private_key generate_key(const std::string& alg) {
  struct pkey_free {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
  };
  const std::unique_ptr<EVP_PKEY, pkey_free> k(
      alg == "RS256" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!k) throw std::runtime_error("key generation failed");
  return lightjwt::private_key::from_native(k.get()).value();
}

/// One signing key: its kid (the RFC 7638 thumbprint of its public JWK) and algorithm.
struct signing_key {
  std::string kid;
  std::string alg;
  lightjwt::private_key key;
  lightjwt::jwk public_jwk;
};

signing_key make_signing_key(const std::string& alg) {
  lightjwt::private_key key = generate_key(alg);
  const std::string kid = lightjwt::jwk::from_key(key, false).value().thumbprint();
  lightjwt::jwk public_jwk = lightjwt::jwk::from_key(key, false, kid, alg).value();
  return {kid, alg, std::move(key), std::move(public_jwk)};
}

/// The published keys and, per algorithm, the one that signs. Shared by the server's threads.
class key_store {
 public:
  key_store() {
    keys_.push_back(make_signing_key("RS256"));
    keys_.push_back(make_signing_key("ES256"));
  }

  /// Returns the JWK Set of every published key.
  std::string jwks() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    lightjwt::jwk_set set;
    for (const auto& k : keys_) set.add(k.public_jwk);
    return set.to_json();
  }

  /// Signs a token for `sub` with the current key of `alg`, valid for `ttl` seconds.
  lightjwt::result<std::string> issue(const std::string& alg, const std::string& sub,
                                      std::int64_t ttl) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    const signing_key& k = current(alg);
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const nlohmann::json claims = {
        {"iss", issuer}, {"sub", sub}, {"aud", audience}, {"iat", now}, {"exp", now + ttl}};
    if (alg == "RS256") {
      auto enc = lightjwt::encoder<lightjwt::rs256>::create(k.key, k.kid);
      if (!enc) return enc.error();
      return enc->sign(claims);
    }
    auto enc = lightjwt::encoder<lightjwt::es256>::create(k.key, k.kid);
    if (!enc) return enc.error();
    return enc->sign(claims);
  }

  /// Adds a new key for `alg` and makes it the signing key; returns its kid.
  std::string rotate(const std::string& alg) {
    signing_key k = make_signing_key(alg);  // slow (RSA): outside the lock
    const std::lock_guard<std::mutex> lock(mutex_);
    keys_.push_back(std::move(k));
    return keys_.back().kid;
  }

  /// Removes `kid` from the set: 404 when unknown, 409 when it is a current signing key.
  int retire(const std::string& kid) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = keys_.begin(); it != keys_.end(); ++it) {
      if (it->kid != kid) continue;
      if (&current(it->alg) == &*it) return 409;
      keys_.erase(it);
      return 200;
    }
    return 404;
  }

 private:
  // The newest key of `alg` signs. Caller holds mutex_.
  const signing_key& current(const std::string& alg) const {
    for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
      if (it->alg == alg) return *it;
    }
    throw std::logic_error("no key for " + alg);
  }

  mutable std::mutex mutex_;
  std::vector<signing_key> keys_;
};

bool known_alg(const std::string& alg) { return alg == "RS256" || alg == "ES256"; }

/// Parses a whole decimal number of seconds; anything else gives a value out of range.
std::int64_t parse_ttl(const std::string& text) {
  std::size_t used = 0;
  try {
    const long long v = std::stoll(text, &used);
    return used == text.size() ? v : INT64_MAX;
  } catch (const std::logic_error&) {  // invalid_argument, out_of_range
    return INT64_MAX;
  }
}

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

int run(int port) {
  key_store store;
  httplib::Server server;

  server.Get("/.well-known/jwks.json", [&](const httplib::Request&, httplib::Response& res) {
    // Clients cache the set; a short max-age lets them see a rotation soon.
    res.set_header("Cache-Control", "public, max-age=60");
    res.set_content(store.jwks(), "application/jwk-set+json");
  });

  server.Get("/token", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string alg = req.has_param("alg") ? req.get_param_value("alg") : "RS256";
    const std::string sub = req.get_param_value("sub");
    // A negative ttl issues an already expired token, for demonstrations and tests.
    const std::int64_t ttl = req.has_param("ttl") ? parse_ttl(req.get_param_value("ttl")) : 600;
    if (!known_alg(alg) || sub.empty() || ttl < -3600 || ttl > 3600) {
      return reply_json(res, 400,
                        {{"error", "alg: RS256 or ES256; sub: required; ttl: -3600..3600"}});
    }
    const auto token = store.issue(alg, sub, ttl);
    if (!token) return reply_json(res, 500, {{"error", token.error().message()}});
    reply_json(res, 200, {{"token", *token}});
  });

  server.Post("/rotate", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string alg = req.has_param("alg") ? req.get_param_value("alg") : "RS256";
    if (!known_alg(alg)) return reply_json(res, 400, {{"error", "alg must be RS256 or ES256"}});
    reply_json(res, 200, {{"kid", store.rotate(alg)}, {"alg", alg}});
  });

  server.Post(R"(/retire/([A-Za-z0-9_-]+))",
              [&](const httplib::Request& req, httplib::Response& res) {
                const std::string kid = req.matches[1];
                const int status = store.retire(kid);
                reply_json(res, status, {{"kid", kid}, {"retired", status == 200}});
              });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "jwks_server: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening %d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: jwks_server PORT   (0 picks a free port)\n", stderr);
    return 2;
  }
  try {
    return run(std::stoi(argv[1]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jwks_server: %s\n", e.what());
    return 1;
  }
}
