// Fuzz target: decode_unverified() on arbitrary tokens never crashes, returns documented codes,
// and what it accepts reads the same as nlohmann's DOM of the same bytes (JSON-8).
// SPDX-License-Identifier: MIT
#include <lightjwt/decoder.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <lightjwt/token.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = lightjwt_fuzz::as_text(data, size);
  // The default limits, and the widest ones a caller can configure.
  lightjwt::token_limits wide;
  wide.max_token_size = static_cast<std::size_t>(-1);
  wide.json =
      lightjwt::detail::scan_limits{64, static_cast<std::size_t>(-1), static_cast<std::size_t>(-1)};
  wide.max_identifier_length = static_cast<std::size_t>(-1);
  const auto strict = lightjwt::decode_unverified(in);
  const auto loose = lightjwt::decode_unverified(in, wide);
  if (strict.has_value()) {
    lightjwt_fuzz::check_accepted_token(*strict);
    lightjwt_fuzz::check(loose.has_value(), "wider limits refuse what the defaults accept");
  } else {
    lightjwt_fuzz::check_error(strict.error());
  }
  if (loose.has_value()) {
    lightjwt_fuzz::check_accepted_token(*loose);
  } else {
    lightjwt_fuzz::check_error(loose.error());
  }
  return 0;
}
