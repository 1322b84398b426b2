// A consumer of lightjwt: includes the umbrella header and checks one Base64URL encoding.
// SPDX-License-Identifier: MIT
#include <lightjwt/lightjwt.hpp>

#include <cstdio>
#include <string>
#include <string_view>

int main() {
  const std::string encoded = lightjwt::base64url::encode(std::string_view("foobar"));
  if (encoded != "Zm9vYmFy") {
    std::fprintf(stderr, "lightjwt::base64url::encode gave \"%s\", expected \"Zm9vYmFy\"\n",
                 encoded.c_str());
    return 1;
  }
  std::puts("lightjwt consumer: ok");
  return 0;
}
