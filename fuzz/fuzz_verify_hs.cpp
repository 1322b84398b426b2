// Fuzz target: full verification with HS256 verifiers (the RFC 7515 A.1 key). Never crashes;
// what is accepted reads the same through the accessors as through nlohmann's DOM (JSON-8).
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>

#include <lightjwt/algorithms/hmac.hpp>
#include <lightjwt/base64url.hpp>
#include <lightjwt/keys.hpp>

#include "fuzz_support.hpp"

namespace {

using verifier_type = lightjwt::verifier<lightjwt::hs256>;

struct fixture {
  verifier_type lenient;
  verifier_type strict;
  lightjwt::hs256::sign_context signer;
};

// RFC 7515 A.1: the example's HS256 key, so that the published token verifies.
constexpr std::string_view rfc7515_a1_k =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

const fixture& get() {
  static const fixture f = [] {
    using lightjwt_fuzz::check;
    const auto secret = lightjwt::base64url::decode(rfc7515_a1_k);
    check(secret.has_value(), "the fuzzing key does not decode");
    auto key = lightjwt::hmac_key::from_bytes(lightjwt::bytes_view(*secret));
    check(key.has_value(), "the fuzzing key is refused");
    // Lenient: as few rules as a configuration allows, so that most inputs reach the end.
    verifier_type::builder lb;
    lb.key(lightjwt::hs256{}, *key)
        .allow_missing_exp()
        .ignore_audience()
        .leeway(std::chrono::seconds(300))
        .critical("http://example.com/crit");
    auto lenient = lb.build();
    // Strict: every rule, a key id and an issuer-bound key.
    verifier_type::builder sb;
    sb.key_for_issuer(lightjwt::hs256{}, *key, "hs-1", "joe")
        .issuer("joe")
        .audience("https://aud.example")
        .type("JWT")
        .leeway(std::chrono::seconds(60))
        .max_age(std::chrono::seconds(3600))
        .require("jti")
        .critical("http://example.com/crit")
        .predicate([](const lightjwt::verified_token& t) -> std::error_code {
          const auto role = t.get_string("role");
          const auto n = t.get_int64("n");
          const auto admin = t.get_bool("admin");
          if (role && *role == "banned") return lightjwt::errc::claim_rejected;
          if (n && *n < 0) return lightjwt::errc::claim_rejected;
          if (admin && *admin) return lightjwt::errc::claim_rejected;
          return {};
        });
    auto strict = sb.build();
    auto signer = lightjwt::hs256::sign_context::create(*key);
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
