// Shared helpers of lightjwt's tests: vectors, keys, hand-made tokens and their one-defect
// mutations. SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_TESTS_TEST_SUPPORT_HPP
#define LIGHTJWT_TESTS_TEST_SUPPORT_HPP

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <lightjwt/lightjwt.hpp>

#ifndef LIGHTJWT_TESTDATA_DIR
#  error "LIGHTJWT_TESTDATA_DIR must name the shared test-vector directory (shared/testdata)"
#endif

// Failed checks print codes by name ("lightjwt:token_expired"), not as numbers.
namespace Catch {
template <>
struct StringMaker<std::error_code> {
  static std::string convert(const std::error_code& ec) {
    return std::string(ec.category().name()) + ":" + ec.message();
  }
};
template <>
struct StringMaker<lightjwt::errc> {
  static std::string convert(lightjwt::errc e) { return std::string(lightjwt::to_string(e)); }
};
}  // namespace Catch

/// Checks that a result failed with exactly `code` and so carries no value (no claims).
#define CHECK_ERROR(expr, code)                                   \
  do {                                                            \
    const auto& lightjwt_test_result = (expr);                    \
    INFO("expression: " #expr);                                   \
    CHECK_FALSE(lightjwt_test_result.has_value());                \
    CHECK(lightjwt_test_result.error() == std::error_code(code)); \
  } while (false)

/// Checks that a result holds a value; on failure, prints the code it holds instead.
#define CHECK_OK(...)                                         \
  do {                                                        \
    const auto& lightjwt_test_result = (__VA_ARGS__);         \
    INFO("expression: " #__VA_ARGS__);                        \
    CHECK(lightjwt_test_result.error() == std::error_code()); \
  } while (false)

namespace test {

/// Returns the code of `e`, or success for errc{} (tables use errc{} for "verifies").
inline std::error_code code(lightjwt::errc e) {
  return e == lightjwt::errc{} ? std::error_code() : make_error_code(e);
}

/// The injected "now" of most tests: 2023-11-14T22:13:20Z.
inline constexpr std::int64_t now = 1700000000;

// ------------------------------------------------------------------------------- test vectors

/// Returns the contents of a file under LIGHTJWT_TESTDATA_DIR (for example "rfc/x.json").
inline std::string read_file(std::string_view relative) {
  const std::string path = std::string(LIGHTJWT_TESTDATA_DIR) + "/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  INFO("test vector file: " << path);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Parses a JSON file under LIGHTJWT_TESTDATA_DIR.
inline nlohmann::json load_json(std::string_view relative) {
  auto j = nlohmann::json::parse(read_file(relative), nullptr, false);
  INFO("test vector file: " << relative);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// ------------------------------------------------------------------------------------- bytes

/// Returns the Base64URL form of bytes or text.
inline std::string b64(std::string_view text) { return lightjwt::base64url::encode(text); }
inline std::string b64(const std::vector<unsigned char>& bytes) {
  return lightjwt::base64url::encode(lightjwt::bytes_view(bytes.data(), bytes.size()));
}

/// Decodes strict Base64URL; the input must be valid.
inline std::vector<unsigned char> unb64(std::string_view s) {
  auto r = lightjwt::base64url::decode(s);
  INFO("base64url: " << s);
  REQUIRE(r.has_value());
  return *r;
}

/// Decodes strict Base64URL into text; the input must be valid.
inline std::string unb64_text(std::string_view s) {
  const auto v = unb64(s);
  return {v.begin(), v.end()};
}

/// Decodes a hex string (as in Wycheproof files).
inline std::vector<unsigned char> from_hex(std::string_view hex) {
  REQUIRE(hex.size() % 2 == 0);
  auto nibble = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return static_cast<unsigned>(c - 'A' + 10);
  };
  std::vector<unsigned char> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

/// Returns text as bytes.
inline std::vector<unsigned char> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// --------------------------------------------------------------------------------------- keys

/// Returns n deterministic, non-repeating key bytes; different seeds give different keys.
inline std::vector<unsigned char> key_bytes(std::size_t n, unsigned seed = 1) {
  std::vector<unsigned char> k(n);
  for (std::size_t i = 0; i < n; ++i)
    k[i] = static_cast<unsigned char>((i * 31 + seed * 97 + 7) & 0xFF);
  return k;
}

/// Builds an hmac_key from bytes that must be acceptable.
inline lightjwt::hmac_key make_key(const std::vector<unsigned char>& bytes) {
  auto k = lightjwt::hmac_key::from_bytes(bytes);
  REQUIRE(k.has_value());
  return std::move(*k);
}

/// Returns a deterministic 64-byte test key (fits HS256, HS384 and HS512).
inline lightjwt::hmac_key test_key(unsigned seed = 1, std::size_t n = 64) {
  return make_key(key_bytes(n, seed));
}

/// Builds an hmac_key from the `k` member of an oct JWK.
inline lightjwt::hmac_key key_from_jwk(const nlohmann::json& jwk) {
  return make_key(unb64(jwk.at("k").get<std::string>()));
}

// ------------------------------------------------------------------------------------- tokens

/// Returns the MAC of `signing_input` under algorithm S, Base64URL-encoded, computed with the
/// policy's sign context directly (not through the encoder).
template <class S>
std::string mac_b64(const lightjwt::hmac_key& key, std::string_view signing_input) {
  auto ctx = S::sign_context::create(key);
  REQUIRE(ctx.has_value());
  std::array<unsigned char, 64> sig{};
  auto n = ctx->sign(lightjwt::as_bytes(signing_input), lightjwt::mutable_bytes(sig));
  REQUIRE(n.has_value());
  return lightjwt::base64url::encode(lightjwt::bytes_view(sig.data(), *n));
}

/// Makes a token from exact header and payload bytes (anything at all, even invalid JSON or
/// UTF-8), MACed with `key` under S. This is how tests craft hostile but correctly signed input.
template <class S = lightjwt::hs256>
std::string make_token(const lightjwt::hmac_key& key, std::string_view header_json,
                       std::string_view payload_json) {
  const std::string input = b64(header_json) + "." + b64(payload_json);
  return input + "." + mac_b64<S>(key, input);
}

/// Returns the default header for S: {"alg":"HS256","typ":"JWT"}.
template <class S = lightjwt::hs256>
std::string header_for() {
  return R"({"alg":")" + std::string(S::name) + R"(","typ":"JWT"})";
}

/// Signs a claims object with S and the default header (or `header_json`), byte for byte as
/// nlohmann dumps it.
template <class S = lightjwt::hs256>
std::string sign_claims(const lightjwt::hmac_key& key, const nlohmann::json& claims,
                        std::string_view header_json = {}) {
  const std::string h = header_json.empty() ? header_for<S>() : std::string(header_json);
  return make_token<S>(key, h, claims.dump());
}

/// Returns a claims text with `exp` one hour after test::now and `extra` members appended, e.g.
/// claims_text(R"("iss":"a")") gives {"exp":1700003600,"iss":"a"}.
inline std::string claims_text(std::string_view extra = {}) {
  std::string s = "{\"exp\":" + std::to_string(now + 3600);
  if (!extra.empty()) s += "," + std::string(extra);
  return s + "}";
}

/// The three segments of a compact token.
struct parts {
  std::string header;
  std::string payload;
  std::string signature;
};

/// Splits a token with exactly two dots.
inline parts split(std::string_view token) {
  const std::size_t d1 = token.find('.');
  const std::size_t d2 = token.find('.', d1 + 1);
  REQUIRE(d1 != std::string_view::npos);
  REQUIRE(d2 != std::string_view::npos);
  return {std::string(token.substr(0, d1)), std::string(token.substr(d1 + 1, d2 - d1 - 1)),
          std::string(token.substr(d2 + 1))};
}

/// Joins three segments with dots.
inline std::string join(const parts& p) { return p.header + "." + p.payload + "." + p.signature; }

/// Returns `token` with segment `index` (0 header, 1 payload, 2 signature) replaced.
inline std::string with_segment(std::string_view token, int index, std::string_view segment) {
  parts p = split(token);
  (index == 0 ? p.header : index == 1 ? p.payload : p.signature) = std::string(segment);
  return join(p);
}

/// Returns `token` with byte `at` of its decoded signature flipped: the same length, the same
/// canonical Base64URL form, a wrong MAC.
inline std::string corrupt_signature(std::string_view token, std::size_t at = 0) {
  parts p = split(token);
  auto sig = unb64(p.signature);
  REQUIRE(at < sig.size());
  sig[at] ^= 0x01;
  p.signature = b64(sig);
  return join(p);
}

/// Returns `token` with its MAC recomputed under S over its first two segments as they are.
template <class S = lightjwt::hs256>
std::string resign(const lightjwt::hmac_key& key, std::string_view token) {
  parts p = split(token);
  p.signature = mac_b64<S>(key, p.header + "." + p.payload);
  return join(p);
}

/// Makes a validly signed token of exactly `size` bytes whose claims carry a "pad" string; the
/// header gains insignificant spaces where a length cannot be hit otherwise.
template <class S = lightjwt::hs256>
std::string token_of_size(const lightjwt::hmac_key& key, std::size_t size) {
  const std::string p0 = claims_text(R"("pad":")");  // {"exp":…,"pad":"} — one byte too many
  std::size_t sig_len = 0;
  REQUIRE(lightjwt::base64url::encoded_size(S::max_signature_size, sig_len));
  for (std::size_t spaces = 0; spaces < 4; ++spaces) {
    const std::string header =
        R"({"alg":")" + std::string(S::name) + "\"" + std::string(spaces, ' ') + "}";
    const std::size_t fixed = b64(header).size() + 2 + sig_len;
    REQUIRE(size > fixed);
    const std::size_t e = size - fixed;  // encoded payload length needed
    if (e % 4 == 1) continue;
    const std::size_t p = e / 4 * 3 + (e % 4 == 0 ? 0 : e % 4 - 1);
    REQUIRE(p > p0.size() + 1);
    // p0 ends in `"}`; the pad goes between the quote and the closing `"}`.
    const std::string payload =
        p0.substr(0, p0.size() - 1) + std::string(p - p0.size() - 1, 'a') + "\"}";
    std::string t = make_token<S>(key, header, payload);
    REQUIRE(t.size() == size);
    return t;
  }
  FAIL("no token of that size");
  return {};
}

// ----------------------------------------------------------------- public keys as HMAC secrets

/// One encoding of a public key or certificate that must never be accepted as an HMAC secret.
struct encoded_key {
  std::string name;
  std::vector<unsigned char> bytes;
};

namespace detail {

inline std::vector<unsigned char> bio_contents(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return {data, data + n};
}

inline std::vector<unsigned char> bn_bytes(const EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(k, name, &bn) == 1);
  std::vector<unsigned char> out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return out;
}

// RFC 4253 §6.6 / RFC 5656 §3.1 / RFC 8709 §4: the OpenSSH public-key wire format.
inline void ssh_put(std::vector<unsigned char>& out, const std::vector<unsigned char>& s,
                    bool mpint = false) {
  const bool pad = mpint && !s.empty() && (s[0] & 0x80U) != 0;
  const auto n = static_cast<std::uint32_t>(s.size() + (pad ? 1 : 0));
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<unsigned char>(n >> shift));
  if (pad) out.push_back(0);
  out.insert(out.end(), s.begin(), s.end());
}

inline std::string std_base64(const std::vector<unsigned char>& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

inline std::vector<encoded_key> encodings_of(const std::string& kind, EVP_PKEY* k) {
  std::vector<encoded_key> out;
  {  // PEM SubjectPublicKeyInfo
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_PUBKEY(bio, k) == 1);
    out.push_back({kind + " PEM public key", bio_contents(bio)});
    BIO_free(bio);
  }
  {  // DER SubjectPublicKeyInfo
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(k, &der);
    REQUIRE(n > 0);
    out.push_back({kind + " DER SPKI", {der, der + n}});
    OPENSSL_free(der);
  }
  {  // A self-signed X.509 certificate, DER and PEM
    X509* c = X509_new();
    REQUIRE(c != nullptr);
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
    X509_gmtime_adj(X509_getm_notBefore(c), 0);
    X509_gmtime_adj(X509_getm_notAfter(c), 3600);
    X509_set_pubkey(c, k);
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("lightjwt test"), -1, -1, 0);
    X509_set_issuer_name(c, name);
    REQUIRE(X509_sign(c, k, kind == "Ed25519" ? nullptr : EVP_sha256()) > 0);
    unsigned char* der = nullptr;
    const int n = i2d_X509(c, &der);
    REQUIRE(n > 0);
    out.push_back({kind + " DER certificate", {der, der + n}});
    OPENSSL_free(der);
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_X509(bio, c) == 1);
    out.push_back({kind + " PEM certificate", bio_contents(bio)});
    BIO_free(bio);
    X509_free(c);
  }
  // The OpenSSH line and the public JWK.
  std::vector<unsigned char> blob;
  std::string ssh_name;
  nlohmann::json jwk;
  if (kind == "RSA") {
    const auto n = bn_bytes(k, OSSL_PKEY_PARAM_RSA_N);
    const auto e = bn_bytes(k, OSSL_PKEY_PARAM_RSA_E);
    ssh_name = "ssh-rsa";
    ssh_put(blob, bytes_of(ssh_name));
    ssh_put(blob, e, true);
    ssh_put(blob, n, true);
    jwk = {{"kty", "RSA"}, {"n", b64(n)}, {"e", b64(e)}};
  } else if (kind == "EC") {
    std::array<unsigned char, 65> q{};
    std::size_t len = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, q.data(),
                                            q.size(), &len) == 1);
    REQUIRE(len == 65);
    ssh_name = "ecdsa-sha2-nistp256";
    ssh_put(blob, bytes_of(ssh_name));
    ssh_put(blob, bytes_of("nistp256"));
    ssh_put(blob, {q.begin(), q.end()});
    jwk = {{"kty", "EC"},
           {"crv", "P-256"},
           {"x", b64(std::vector<unsigned char>(q.begin() + 1, q.begin() + 33))},
           {"y", b64(std::vector<unsigned char>(q.begin() + 33, q.end()))}};
  } else {
    std::vector<unsigned char> raw(32);
    std::size_t len = raw.size();
    REQUIRE(EVP_PKEY_get_raw_public_key(k, raw.data(), &len) == 1);
    ssh_name = "ssh-ed25519";
    ssh_put(blob, bytes_of(ssh_name));
    ssh_put(blob, raw);
    jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64(raw)}};
  }
  out.push_back({kind + " OpenSSH public key",
                 bytes_of(ssh_name + " " + std_base64(blob) + " test@lightjwt\n")});
  out.push_back({kind + " public JWK", bytes_of(jwk.dump())});
  return out;
}

}  // namespace detail

/// Returns every encoding (PEM and DER SPKI, DER and PEM certificate, OpenSSH line, public JWK)
/// of freshly generated RSA-2048, P-256 and Ed25519 keys. Generated once per process.
inline const std::vector<encoded_key>& public_key_encodings() {
  static const std::vector<encoded_key> all = [] {
    std::vector<encoded_key> out;
    const std::pair<const char*, EVP_PKEY*> keys[] = {
        {"RSA", EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048))},
        {"EC", EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")},
        {"Ed25519", EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")},
    };
    for (const auto& [kind, k] : keys) {
      REQUIRE(k != nullptr);
      for (auto& e : detail::encodings_of(kind, k)) out.push_back(std::move(e));
      EVP_PKEY_free(k);
    }
    return out;
  }();
  return all;
}

// --------------------------------------------------------------------- Wycheproof HMAC vectors

/// What one Wycheproof HMAC file gave: answers that agree and disagree with the expectation.
struct wycheproof_tally {
  std::size_t full_tag_valid = 0;
  std::size_t full_tag_invalid = 0;
  std::size_t truncated_tag = 0;
  std::size_t weak_key = 0;
  std::size_t wrong = 0;
};

/// Runs a Wycheproof hmac_sha*_test.json file through policy S: groups whose tag is the hash
/// size must give success for "valid" and invalid_signature otherwise; truncated tags are always
/// invalid_signature (RFC 7518 §3.2); keys shorter than the hash must be refused with
/// key_too_weak, by hmac_key::from_bytes or by binding the key to S.
template <class S>
wycheproof_tally run_wycheproof_hmac(std::string_view file) {
  const auto doc = load_json(std::string("wycheproof/") + std::string(file));
  wycheproof_tally t;
  const std::size_t hash_bits = S::max_signature_size * 8;
  for (const auto& g : doc.at("testGroups")) {
    const auto key_bits = g.at("keySize").get<std::size_t>();
    const auto tag_bits = g.at("tagSize").get<std::size_t>();
    for (const auto& tc : g.at("tests")) {
      const auto id = tc.at("tcId").get<int>();
      const auto key = from_hex(tc.at("key").get<std::string>());
      const auto msg = from_hex(tc.at("msg").get<std::string>());
      const auto tag = from_hex(tc.at("tag").get<std::string>());
      const bool valid = tc.at("result").get<std::string>() == "valid";
      INFO(file << " tcId " << id);
      bool right = false;
      auto k = lightjwt::hmac_key::from_bytes(key);
      if (key_bits < hash_bits) {
        // RFC 7518 §3.2: a key shorter than the hash output MUST NOT be used.
        const std::error_code ec = k ? S::verify_context::create(*k).error() : k.error();
        right = ec == lightjwt::errc::key_too_weak;
        ++t.weak_key;
      } else if (!k) {
        // An acceptable key refused (for example a random key whose first byte is '{').
        UNSCOPED_INFO(file << " tcId " << id << ": hmac_key::from_bytes refused a " << key.size()
                           << "-byte key with " << k.error().message());
        right = false;
      } else {
        auto ctx = S::verify_context::create(*k);
        REQUIRE(ctx.has_value());
        const std::error_code ec = ctx->verify(lightjwt::bytes_view(msg.data(), msg.size()),
                                               lightjwt::bytes_view(tag.data(), tag.size()));
        if (tag_bits != hash_bits) {
          right = ec == lightjwt::errc::invalid_signature;
          ++t.truncated_tag;
        } else if (valid) {
          right = !ec;
          ++t.full_tag_valid;
        } else {
          right = ec == lightjwt::errc::invalid_signature;
          ++t.full_tag_invalid;
        }
      }
      CHECK(right);
      if (!right) ++t.wrong;
    }
  }
  return t;
}

}  // namespace test

// ----------------------------------------------------------------------- allocation counting
// A test file that defines LIGHTJWT_TEST_COUNT_ALLOCATIONS before including this header replaces
// the global operator new and delete (all forms) and OpenSSL's allocator with counting versions.
// Define it in exactly one translation unit of an executable.
#ifdef LIGHTJWT_TEST_COUNT_ALLOCATIONS

namespace test::alloc {

inline std::atomic<bool> counting{false};
inline std::atomic<std::size_t> cxx{0};
inline std::atomic<std::size_t> ossl{0};

inline void* counted_malloc(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) cxx.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}

inline void* counted_aligned(std::size_t n, std::align_val_t a) {
  if (counting.load(std::memory_order_relaxed)) cxx.fetch_add(1, std::memory_order_relaxed);
  const auto al = static_cast<std::size_t>(a);
  const std::size_t rounded = (n + al - 1) / al * al;
  return std::aligned_alloc(al, rounded == 0 ? al : rounded);
}

/// Frees what the counting operator new returned. Not inlined, so that GCC does not pair an
/// inlined free() with a new-expression and warn (-Wmismatched-new-delete).
[[gnu::noinline]] inline void counted_free(void* p) noexcept { std::free(p); }

inline void* ossl_malloc(std::size_t n, const char*, int) {
  if (counting.load(std::memory_order_relaxed)) ossl.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
inline void* ossl_realloc(void* p, std::size_t n, const char*, int) {
  if (counting.load(std::memory_order_relaxed)) ossl.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
inline void ossl_free(void* p, const char*, int) { std::free(p); }

/// True when OpenSSL's allocator was replaced before OpenSSL allocated anything (it runs during
/// static initialisation, before Catch's main).
inline const bool ossl_hooked = CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) == 1;

/// Counts the C++ and OpenSSL allocations made while it is alive.
class scope {
 public:
  scope() noexcept {
    cxx = 0;
    ossl = 0;
    counting = true;
  }
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;
  ~scope() { counting = false; }
  /// Stops counting; returns the number of C++ allocations.
  std::size_t stop() noexcept {
    counting = false;
    return cxx.load();
  }
  [[nodiscard]] static std::size_t cxx_count() noexcept { return cxx.load(); }
  [[nodiscard]] static std::size_t ossl_count() noexcept { return ossl.load(); }
};

}  // namespace test::alloc

void* operator new(std::size_t n) {
  if (void* p = test::alloc::counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = test::alloc::counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return test::alloc::counted_malloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return test::alloc::counted_malloc(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = test::alloc::counted_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = test::alloc::counted_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return test::alloc::counted_aligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return test::alloc::counted_aligned(n, a);
}
void operator delete(void* p) noexcept { test::alloc::counted_free(p); }
void operator delete[](void* p) noexcept { test::alloc::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { test::alloc::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { test::alloc::counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { test::alloc::counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { test::alloc::counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { test::alloc::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { test::alloc::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  test::alloc::counted_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  test::alloc::counted_free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  test::alloc::counted_free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  test::alloc::counted_free(p);
}

#endif  // LIGHTJWT_TEST_COUNT_ALLOCATIONS

#endif  // LIGHTJWT_TESTS_TEST_SUPPORT_HPP
