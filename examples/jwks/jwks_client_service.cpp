// A resource server over cpp-httplib: verifies the auth server's tokens with the keys of its
// JWKS URL through a jwks_cache, and so follows its key rotation without a restart.
// SPDX-License-Identifier: MIT
//
// Usage: jwks_client_service PORT JWKS_URL [MIN_REFRESH_SECONDS [MAX_AGE_SECONDS]]
//   (PORT 0 picks a free port; prints "listening <port>" when ready)
//   GET /me      with `Authorization: Bearer <token>`: 200 {"sub":...}, or 401 {"error":NAME}
//                where NAME is the stable error name (token_expired, key_not_found, ...)
//   GET /stats   the cache's fetches, failures and last error
#include <lightjwt/lightjwt.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

using cache = lightjwt::jwks_cache<lightjwt::rs256, lightjwt::es256>;

/// Fetches a JWKS document over HTTP(S) with cpp-httplib: the body of a 200 response, at most
/// the cache's document limit; any other outcome is an error code, and the cache keeps its set.
lightjwt::result<std::string> fetch_jwks(const std::string& url, std::size_t limit) {
  const std::size_t scheme = url.find("://");
  const std::size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || slash == std::string::npos) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  httplib::Client client(url.substr(0, slash));  // "https://host:port" or "http://..."
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  std::string body;
  bool too_large = false;
  const auto res = client.Get(url.substr(slash), [&](const char* data, std::size_t n) {
    too_large = body.size() + n > limit;  // stop reading: never buffer an endless body
    if (!too_large) body.append(data, n);
    return !too_large;
  });
  if (too_large) return lightjwt::errc::limit_exceeded;
  if (!res) return std::make_error_code(std::errc::connection_refused);
  if (res->status != 200) return std::make_error_code(std::errc::protocol_error);
  return body;
}

/// Returns the token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or "".
std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return {};
  }
  return authorization.substr(scheme.size());
}

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

int run(int port, const std::string& jwks_url, std::chrono::seconds min_refresh,
        std::chrono::seconds max_age) {
  cache::options options;
  options.url = jwks_url;
  options.min_refresh_interval = min_refresh;
  options.max_age = max_age;
  options.configure = [](cache::builder_type& b) {
    b.issuer("https://auth.example.test").audience("orders-api");
  };
  const std::size_t limit = options.limits.max_document_size;
  auto created = cache::create(std::move(options),
                               [limit](const std::string& url) { return fetch_jwks(url, limit); });
  if (!created) {
    std::fprintf(stderr, "jwks_client_service: cannot load %s: %s\n", jwks_url.c_str(),
                 created.error().message().c_str());
    return 1;
  }
  const std::unique_ptr<cache> keys = std::move(*created);

  httplib::Server server;
  server.Get("/me", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string authorization = req.get_header_value("Authorization");
    const std::string_view token = bearer_token(authorization);
    const auto verified = keys->verify(token);
    if (!verified) {
      // RFC 6750 §3: the stable error name says why; it never echoes the token.
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return reply_json(res, 401, {{"error", verified.error().message()}});
    }
    reply_json(res, 200, {{"sub", verified->sub().value_or("")}});
  });
  server.Get("/stats", [&](const httplib::Request&, httplib::Response& res) {
    const auto s = keys->statistics();
    reply_json(res, 200,
               {{"fetches", s.fetches},
                {"failures", s.failures},
                {"last_error", s.last_error ? s.last_error.message() : std::string()}});
  });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "jwks_client_service: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening %d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fputs("usage: jwks_client_service PORT JWKS_URL [MIN_REFRESH_SECONDS [MAX_AGE_SECONDS]]\n",
               stderr);
    return 2;
  }
  try {
    const std::chrono::seconds min_refresh(argc > 3 ? std::stoll(argv[3]) : 30);
    const std::chrono::seconds max_age(argc > 4 ? std::stoll(argv[4]) : 900);
    return run(std::stoi(argv[1]), argv[2], min_refresh, max_age);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jwks_client_service: %s\n", e.what());
    return 1;
  }
}
