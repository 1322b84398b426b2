// Quickstart: issue an HS256 access token, verify it, and watch a tampered and an expired token
// being refused with their stable error names.
// SPDX-License-Identifier: MIT
#include <lightjwt/lightjwt.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main() {
  // 1. One shared secret: 64 random bytes from OpenSSL's CSPRNG (HS256 needs at least 32).
  const lightjwt::hmac_key key = lightjwt::hmac_key::generate().value();

  // 2. The auth server issues a 15-minute access token after checking the user's password.
  const auto enc = lightjwt::encoder<lightjwt::hs256>::create(key, "2026-11").value();
  const std::int64_t now = unix_now();
  const nlohmann::json claims = {{"iss", "https://auth.example.com"},
                                 {"sub", "user-42"},
                                 {"aud", "orders-api"},
                                 {"iat", now},
                                 {"exp", now + 15 * 60},
                                 {"jti", "b1f6e1d0-6c3a-4d8e-9a37-5f0c2e7a1c11"},
                                 {"role", "customer"}};
  const std::string token = enc.sign(claims).value();
  std::cout << "issued:   " << token << "\n";

  // 3. Every service verifies with a verifier built once: the key decides the algorithm.
  const auto verifier = lightjwt::verifier<lightjwt::hs256>::builder()
                            .key(lightjwt::hs256{}, key, "2026-11")
                            .issuer("https://auth.example.com")
                            .audience("orders-api")
                            .build()
                            .value();

  const auto ok = verifier.verify(token);
  if (!ok) {
    std::cerr << "unexpected: " << ok.error().message() << "\n";
    return 1;
  }
  std::cout << "verified: sub=" << ok->sub().value_or("")
            << " role=" << ok->get_string("role").value() << " exp=" << ok->exp().value_or(0)
            << "\n";
  std::cout << "claims:   " << ok->payload_json() << "\n";

  // 4. A tampered token: the payload now says "admin", the signature is the old one.
  nlohmann::json forged_claims = claims;
  forged_claims["role"] = "admin";
  const std::string forged_payload = lightjwt::base64url::encode(forged_claims.dump());
  const auto dot1 = token.find('.');
  const auto dot2 = token.find('.', dot1 + 1);
  const std::string tampered = token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2);
  const auto bad = verifier.verify(tampered);
  std::cout << "tampered: refused with " << bad.error().message() << "\n";

  // 5. An expired token, honestly signed an hour ago.
  nlohmann::json old_claims = claims;
  old_claims["iat"] = now - 3600;
  old_claims["exp"] = now - 2700;
  const auto expired = verifier.verify(enc.sign(old_claims).value());
  std::cout << "expired:  refused with " << expired.error().message() << "\n";

  const bool as_expected = !bad && bad.error() == lightjwt::errc::invalid_signature && !expired &&
                           expired.error() == lightjwt::errc::token_expired;
  return as_expected ? 0 : 1;
}
