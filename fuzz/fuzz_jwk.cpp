// Fuzz target: jwk::parse and jwk_set::parse on arbitrary documents never crash, return
// documented codes, refuse private members where only public ones belong (KEY-7), accept only
// what nlohmann also reads as JSON, and what they accept survives export and re-parse with the
// same RFC 7638 thumbprint.
// SPDX-License-Identifier: MIT
#include <lightjwt/jwk.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"

namespace {

/// A parsed key exports and parses again to the same key (same thumbprint, same kid and alg).
void check_round_trip(const lightjwt::jwk& k, lightjwt::jwk_access access) {
  const bool with_private = access == lightjwt::jwk_access::allow_private;
  const std::string text = k.to_json(with_private);
  // An oct key's public form has no "k": only its private form parses again.
  if (k.kty() == "oct" && !with_private) return;
  const auto again = lightjwt::jwk::parse(text, access);
  lightjwt_fuzz::check(again.has_value(), "an exported JWK does not parse again");
  lightjwt_fuzz::check(again->thumbprint() == k.thumbprint(), "the thumbprint changed on export");
  lightjwt_fuzz::check(again->kid() == k.kid() && again->alg() == k.alg(),
                       "kid or alg changed on export");
  lightjwt_fuzz::check(again->has_private() == k.has_private(), "private members changed");
}

void check_accepted_document(std::string_view in) {
  const auto dom = nlohmann::json::parse(in.begin(), in.end(), nullptr, false);
  lightjwt_fuzz::check(!dom.is_discarded(), "accepted a document nlohmann does not read as JSON");
  lightjwt_fuzz::check(dom.is_object(), "accepted a document that is not a JSON object");
}

void one_key(std::string_view in, lightjwt::jwk_access access) {
  const auto k = lightjwt::jwk::parse(in, access);
  if (!k) {
    lightjwt_fuzz::check_error(k.error());
    return;
  }
  check_accepted_document(in);
  if (access == lightjwt::jwk_access::public_only) {
    lightjwt_fuzz::check(!k->has_private(), "a public-only parse kept private members");
  }
  lightjwt_fuzz::check(!k->thumbprint().empty(), "an accepted JWK without a thumbprint");
  check_round_trip(*k, access);
}

void key_set(std::string_view in, lightjwt::jwk_access access) {
  const auto s = lightjwt::jwk_set::parse(in, access);
  if (!s) {
    lightjwt_fuzz::check_error(s.error());
    return;
  }
  check_accepted_document(in);
  for (const auto& k : s->keys()) {
    if (access == lightjwt::jwk_access::public_only) {
      lightjwt_fuzz::check(!k.has_private(), "a public set kept private members");
    }
    if (!k.kid().empty()) {
      lightjwt_fuzz::check(s->find(k.kid()) == &k, "find(kid) does not return the key");
    }
    check_round_trip(k, access);
  }
  const auto again = lightjwt::jwk_set::parse(s->to_json(false));
  lightjwt_fuzz::check(again.has_value(), "an exported public set does not parse again");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = lightjwt_fuzz::as_text(data, size);
  for (const auto access :
       {lightjwt::jwk_access::public_only, lightjwt::jwk_access::allow_private}) {
    one_key(in, access);
    key_set(in, access);
  }
  return 0;
}
