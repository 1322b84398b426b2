// Fuzz target: full verification with ES256 verifiers (the RFC 7515 A.3 key). Never crashes;
// R || S of any length and value is refused with a code; what is accepted reads the same through
// the accessors as through nlohmann's DOM (JSON-8).
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include <lightjwt/algorithms/ecdsa.hpp>
#include <lightjwt/keys.hpp>

#include "fuzz_support.hpp"

namespace {

using verifier_type = lightjwt::verifier<lightjwt::es256>;

struct fixture {
  verifier_type lenient;
  verifier_type strict;
  lightjwt::es256::sign_context signer;
};

// RFC 7515 A.3: the example's P-256 key (public in the RFC), as PKCS#8 and SubjectPublicKeyInfo.
constexpr std::string_view rfc7515_a3_private = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff
H1136cspYG6+0iY7X1fCE9+E9LKhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp
7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt
-----END PRIVATE KEY-----
)";
constexpr std::string_view rfc7515_a3_public = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END PUBLIC KEY-----
)";

const fixture& get() {
  static const fixture f = [] {
    using lightjwt_fuzz::check;
    const auto pub = lightjwt::public_key::from_pem(rfc7515_a3_public);
    const auto priv = lightjwt::private_key::from_pem(rfc7515_a3_private);
    check(pub.has_value() && priv.has_value(), "the fuzzing keys are refused");
    verifier_type::builder lb;
    lb.key(lightjwt::es256{}, *pub)
        .allow_missing_exp()
        .ignore_audience()
        .leeway(std::chrono::seconds(300))
        .critical("http://example.com/crit");
    auto lenient = lb.build();
    verifier_type::builder sb;
    sb.key_for_issuer(lightjwt::es256{}, *pub, "es-1", "joe")
        .issuer("joe")
        .audience("https://aud.example")
        .subject("alice")
        .type("JWT")
        .leeway(std::chrono::seconds(60))
        .max_age(std::chrono::seconds(3600))
        .require("jti")
        .critical("http://example.com/crit");
    auto strict = sb.build();
    auto signer = lightjwt::es256::sign_context::create(*priv);
    check(lenient.has_value() && strict.has_value() && signer.has_value(),
          "the fuzzing verifiers cannot be built");
    return fixture{std::move(*lenient), std::move(*strict), std::move(*signer)};
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fixture& f = get();
  lightjwt_fuzz::fuzz_verify(lightjwt_fuzz::as_text(data, size), f.lenient, f.strict, f.signer);
  return 0;
}
