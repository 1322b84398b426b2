// JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037): jwk and jwk_set parse, export, thumbprints.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_JWK_HPP
#define LIGHTJWT_JWK_HPP

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <nlohmann/json.hpp>

#include <lightjwt/base64url.hpp>
#include <lightjwt/detail/json_scan.hpp>
#include <lightjwt/detail/openssl.hpp>
#include <lightjwt/error.hpp>
#include <lightjwt/keys.hpp>
#include <lightjwt/result.hpp>
#include <lightjwt/span.hpp>

namespace lightjwt {

/// What a parsed JWK or JWK Set may contain.
enum class jwk_access {
  /// Public keys only: any private member (d, p, q, dp, dq, qi, oth) or an `oct` key is
  /// refused with invalid_key (RFC 7517 §9.2, SECURITY-CATALOG KEY-7).
  public_only,
  /// Private RSA/EC/OKP keys and `oct` secrets are accepted too.
  allow_private,
};

/// Bounds on a JWK or JWK Set document (SECURITY-CATALOG RES-6). The RSA modulus is capped by
/// max_rsa_bits (8192; invalid_key above it).
struct jwk_limits {
  /// Largest accepted document, in bytes; checked before anything else (limit_exceeded).
  std::size_t max_document_size = std::size_t{256} * 1024;
  /// Most entries in a JWK Set's "keys" array, skipped ones included (limit_exceeded).
  std::size_t max_keys = 64;
};

namespace detail {

inline void bn_clear_free(BIGNUM* p) noexcept { BN_clear_free(p); }
using secret_bignum_ptr = std::unique_ptr<BIGNUM, ossl_free<BIGNUM, bn_clear_free>>;
using ossl_param_bld_ptr =
    std::unique_ptr<OSSL_PARAM_BLD, ossl_free<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ossl_param_ptr = std::unique_ptr<OSSL_PARAM, ossl_free<OSSL_PARAM, OSSL_PARAM_free>>;

/// Bytes that are wiped when they go out of scope (decoded private members).
class wiped_bytes {
 public:
  wiped_bytes() = default;
  explicit wiped_bytes(std::vector<unsigned char> b) noexcept : b_(std::move(b)) {}
  wiped_bytes(const wiped_bytes&) = delete;
  wiped_bytes& operator=(const wiped_bytes&) = delete;
  wiped_bytes(wiped_bytes&& o) noexcept = default;
  wiped_bytes& operator=(wiped_bytes&& o) noexcept {
    if (this != &o) {
      wipe();
      b_ = std::move(o.b_);
    }
    return *this;
  }
  ~wiped_bytes() { wipe(); }
  [[nodiscard]] bytes_view view() const noexcept { return {b_.data(), b_.size()}; }
  [[nodiscard]] std::size_t size() const noexcept { return b_.size(); }
  [[nodiscard]] bool empty() const noexcept { return b_.empty(); }

 private:
  void wipe() noexcept {
    if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
  }
  std::vector<unsigned char> b_;
};

/// The key members of a JWK as raw big-endian bytes, for pkey_from_members(). Empty views are
/// absent members. The views must stay valid during the call.
struct jwk_key_material {
  std::string_view kty;  // "RSA", "EC" or "OKP"
  std::string_view crv;  // "P-256", "P-384", "P-521", "Ed25519", "Ed448"
  bytes_view n;          // RSA modulus
  bytes_view e;          // RSA public exponent
  bytes_view p;          // RSA private factors and CRT values: all or none
  bytes_view q;
  bytes_view dp;
  bytes_view dq;
  bytes_view qi;
  bytes_view x;  // EC and OKP
  bytes_view y;  // EC
  bytes_view d;  // private exponent or scalar
};

/// Returns OpenSSL's group name for a JOSE EC curve, or null.
constexpr const char* ec_group_name(std::string_view crv) noexcept {
  if (crv == "P-256") return "prime256v1";
  if (crv == "P-384") return "secp384r1";
  if (crv == "P-521") return "secp521r1";
  return nullptr;
}

/// Returns the octet length of a JOSE curve's coordinates and scalars (RFC 7518 §6.2.1.2,
/// RFC 8037 §2), or 0 for an unknown curve.
constexpr std::size_t curve_octets(std::string_view crv) noexcept {
  if (crv == "P-256") return 32;
  if (crv == "P-384") return 48;
  if (crv == "P-521") return 66;
  if (crv == "Ed25519") return 32;
  if (crv == "Ed448") return 57;
  return 0;
}

/// Collects OSSL_PARAMs for EVP_PKEY_fromdata. OSSL_PARAM_BLD keeps pointers to the BIGNUMs
/// and buffers until to_param(), so they live here (BIGNUMs) or with the caller (buffers).
class pkey_params {
 public:
  pkey_params() noexcept : bld_(OSSL_PARAM_BLD_new()) {}
  /// Adds a big-endian unsigned integer.
  bool bn(const char* key, bytes_view be) noexcept {
    if (!bld_ || used_ == bns_.size() || be.size() > static_cast<std::size_t>(INT_MAX)) {
      return false;
    }
    secret_bignum_ptr b(BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr));
    if (!b || OSSL_PARAM_BLD_push_BN(bld_.get(), key, b.get()) != 1) return false;
    bns_[used_++] = std::move(b);
    return true;
  }
  /// Adds an octet string; `b` must outlive build().
  bool octets(const char* key, bytes_view b) const noexcept {
    return bld_ && OSSL_PARAM_BLD_push_octet_string(bld_.get(), key, b.data(), b.size()) == 1;
  }
  /// Adds a UTF-8 string; `s` must outlive build().
  bool utf8(const char* key, const char* s) const noexcept {
    return bld_ && OSSL_PARAM_BLD_push_utf8_string(bld_.get(), key, s, 0) == 1;
  }
  /// Builds a key of OpenSSL type `type`; null when OpenSSL refuses the parameters.
  evp_pkey_ptr build(const char* type, bool with_private) const noexcept {
    if (!bld_) return nullptr;
    const ossl_param_ptr params(OSSL_PARAM_BLD_to_param(bld_.get()));
    const evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1) {
      EVP_PKEY_free(raw);
      return nullptr;
    }
    return evp_pkey_ptr(raw);
  }

 private:
  ossl_param_bld_ptr bld_;
  std::array<secret_bignum_ptr, 8> bns_{};
  std::size_t used_ = 0;
};

/// Builds an EVP_PKEY from raw JWK members with OSSL_PARAM_BLD and EVP_PKEY_fromdata. Checks
/// nothing beyond what OpenSSL checks: callers validate lengths and encodings first, and wrap
/// the result with public_key/private_key::from_native, which validate the key. `with_private`
/// uses `d` (and the RSA factors when given). Null when OpenSSL refuses. Clears the error queue.
inline evp_pkey_ptr pkey_from_members(const jwk_key_material& m, bool with_private) noexcept {
  pkey_params b;
  evp_pkey_ptr k;
  if (m.kty == "RSA") {
    bool ok = b.bn(OSSL_PKEY_PARAM_RSA_N, m.n) && b.bn(OSSL_PKEY_PARAM_RSA_E, m.e);
    if (with_private) {
      ok = ok && b.bn(OSSL_PKEY_PARAM_RSA_D, m.d);
      if (!m.p.empty()) {
        ok = ok && b.bn(OSSL_PKEY_PARAM_RSA_FACTOR1, m.p) &&
             b.bn(OSSL_PKEY_PARAM_RSA_FACTOR2, m.q) && b.bn(OSSL_PKEY_PARAM_RSA_EXPONENT1, m.dp) &&
             b.bn(OSSL_PKEY_PARAM_RSA_EXPONENT2, m.dq) &&
             b.bn(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, m.qi);
      }
    }
    if (ok) k = b.build("RSA", with_private);
  } else if (m.kty == "EC") {
    const char* group = ec_group_name(m.crv);
    // SEC 1 §2.3.3: the uncompressed point 04 || x || y.
    std::array<unsigned char, 1 + 2 * 66> point{};
    const std::size_t len = 1 + m.x.size() + m.y.size();
    bool ok = group != nullptr && len <= point.size();
    if (ok) {
      point[0] = 0x04;
      std::copy(m.x.begin(), m.x.end(), point.begin() + 1);
      std::copy(m.y.begin(), m.y.end(),
                point.begin() + 1 + static_cast<std::ptrdiff_t>(m.x.size()));
      ok = b.utf8(OSSL_PKEY_PARAM_GROUP_NAME, group) &&
           b.octets(OSSL_PKEY_PARAM_PUB_KEY, bytes_view(point.data(), len)) &&
           (!with_private || b.bn(OSSL_PKEY_PARAM_PRIV_KEY, m.d));
    }
    if (ok) k = b.build("EC", with_private);
  } else if (m.kty == "OKP" && (m.crv == "Ed25519" || m.crv == "Ed448")) {
    const bool ok = b.octets(OSSL_PKEY_PARAM_PUB_KEY, m.x) &&
                    (!with_private || b.octets(OSSL_PKEY_PARAM_PRIV_KEY, m.d));
    if (ok) k = b.build(m.crv == "Ed25519" ? "ED25519" : "ED448", with_private);
  }
  clear_openssl_errors();
  return k;
}

/// A JWS algorithm and the key it needs (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864).
struct jws_alg_desc {
  std::string_view name;
  std::string_view kty;
  std::string_view crv;    // "" when any curve of the kty fits
  std::size_t min_octets;  // oct keys: the hash length (RFC 7518 §3.2)
};

inline constexpr std::array<jws_alg_desc, 16> jws_algorithms = {{
    {"HS256", "oct", "", 32},
    {"HS384", "oct", "", 48},
    {"HS512", "oct", "", 64},
    {"RS256", "RSA", "", 0},
    {"RS384", "RSA", "", 0},
    {"RS512", "RSA", "", 0},
    {"PS256", "RSA", "", 0},
    {"PS384", "RSA", "", 0},
    {"PS512", "RSA", "", 0},
    {"ES256", "EC", "P-256", 0},
    {"ES384", "EC", "P-384", 0},
    {"ES512", "EC", "P-521", 0},
    {"ES256K", "EC", "secp256k1", 0},
    {"EdDSA", "OKP", "", 0},
    {"Ed25519", "OKP", "Ed25519", 0},
    {"Ed448", "OKP", "Ed448", 0},
}};

/// Returns the descriptor of a JWS algorithm, or null for any other name.
inline const jws_alg_desc* find_jws_algorithm(std::string_view alg) noexcept {
  const auto* it = std::find_if(jws_algorithms.begin(), jws_algorithms.end(),
                                [alg](const jws_alg_desc& a) { return a.name == alg; });
  return it == jws_algorithms.end() ? nullptr : &*it;
}

/// Returns true for the JWE key-management and content-encryption algorithms (RFC 7518 §4.1,
/// §5.1): a key naming one of them is an encryption key.
inline bool is_jwe_algorithm(std::string_view alg) noexcept {
  constexpr std::array<std::string_view, 26> names = {"RSA1_5",
                                                      "RSA-OAEP",
                                                      "RSA-OAEP-256",
                                                      "RSA-OAEP-384",
                                                      "RSA-OAEP-512",
                                                      "A128KW",
                                                      "A192KW",
                                                      "A256KW",
                                                      "dir",
                                                      "ECDH-ES",
                                                      "ECDH-ES+A128KW",
                                                      "ECDH-ES+A192KW",
                                                      "ECDH-ES+A256KW",
                                                      "A128GCMKW",
                                                      "A192GCMKW",
                                                      "A256GCMKW",
                                                      "PBES2-HS256+A128KW",
                                                      "PBES2-HS384+A192KW",
                                                      "PBES2-HS512+A256KW",
                                                      "A128CBC-HS256",
                                                      "A192CBC-HS384",
                                                      "A256CBC-HS512",
                                                      "A128GCM",
                                                      "A192GCM",
                                                      "A256GCM",
                                                      "RSA-OAEP-1024"};
  return std::find(names.begin(), names.end(), alg) != names.end();
}

/// Returns true for a key_ops value that belongs to signatures (RFC 7517 §4.3).
constexpr bool is_signature_op(std::string_view op) noexcept {
  return op == "sign" || op == "verify";
}
/// Returns true for a key_ops value that belongs to encryption (RFC 7517 §4.3).
constexpr bool is_encryption_op(std::string_view op) noexcept {
  return op == "encrypt" || op == "decrypt" || op == "wrapKey" || op == "unwrapKey" ||
         op == "deriveKey" || op == "deriveBits";
}

/// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped.
inline void append_json_string(std::string& out, std::string_view s) {
  constexpr std::string_view hex = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4U];
      out += hex[u & 0xFU];
    } else {
      out += c;
    }
  }
  out += '"';
}

/// Maps a JSON scanner error on a JWK document to the code the JWK API returns: duplicate
/// names and exceeded bounds keep their codes; anything else that is not JSON is invalid_key.
inline std::error_code jwk_document_error(std::error_code ec) noexcept {
  if (ec == errc::duplicate_member || ec == errc::limit_exceeded) return ec;
  return errc::invalid_key;
}

/// Reads an optional string member: absent leaves `out` empty; another type, or a string
/// holding U+0000, is invalid_key.
inline std::error_code optional_string(const nlohmann::json& obj, const char* name,
                                       std::string& out, bool& present) {
  present = false;
  const auto it = obj.find(name);
  if (it == obj.end()) return {};
  const auto* s = it->get_ptr<const std::string*>();
  if (s == nullptr || s->find('\0') != std::string::npos) return errc::invalid_key;
  out = *s;
  present = true;
  return {};
}

/// Decodes a Base64URL member strictly (RFC 7515 §2, RFC 4648 §3.5): absent leaves `out`
/// empty and `present` false; a non-string or a non-canonical encoding is invalid_key.
inline std::error_code b64_member(const nlohmann::json& obj, const char* name,
                                  std::vector<unsigned char>& out, bool& present) {
  present = false;
  out.clear();
  const auto it = obj.find(name);
  if (it == obj.end()) return {};
  const auto* s = it->get_ptr<const std::string*>();
  if (s == nullptr) return errc::invalid_key;
  auto r = base64url::decode(*s);
  if (!r) return errc::invalid_key;
  out = std::move(*r);
  present = true;
  return {};
}

/// Returns a big-endian BIGNUM parameter of `k` (minimal length, or `pad` bytes when non-zero),
/// Base64URL-encoded; empty when the key has no such parameter.
inline std::string bn_param_b64(EVP_PKEY* k, const char* name, std::size_t pad) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(k, name, &raw) != 1) {
    clear_openssl_errors();
    return {};
  }
  const secret_bignum_ptr bn(raw);
  const auto natural = static_cast<std::size_t>(BN_num_bytes(bn.get()));
  const std::size_t len = pad != 0 ? pad : natural;
  if (natural > len || len > static_cast<std::size_t>(INT_MAX)) return {};
  std::vector<unsigned char> buf(len);
  if (BN_bn2binpad(bn.get(), buf.data(), static_cast<int>(len)) != static_cast<int>(len)) {
    return {};
  }
  std::string out = base64url::encode(bytes_view(buf.data(), buf.size()));
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

/// Returns an octet-string parameter of `k`, Base64URL-encoded; empty when there is none.
inline std::string octet_param_b64(EVP_PKEY* k, const char* name) {
  std::array<unsigned char, 64> buf{};  // Ed448 keys are 57 bytes
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(k, name, buf.data(), buf.size(), &len) != 1) {
    clear_openssl_errors();
    return {};
  }
  std::string out = base64url::encode(bytes_view(buf.data(), len));
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

}  // namespace detail

class jwk_set;

/// One JSON Web Key (RFC 7517 §4): an RSA, EC (P-256, P-384, P-521), OKP (Ed25519, Ed448) or
/// oct key, validated when it is parsed or built, with its metadata (kid, alg, use, key_ops).
/// Immutable; copies share the underlying keys; safe to share between threads.
class jwk {
 public:
  /// Parses one JWK object. Refusals, in the order checked: limit_exceeded (document larger than
  /// limits.max_document_size); duplicate_member (a member name twice, at any depth: JSON-1);
  /// invalid_key (not a JSON object, kty missing or of an unknown value, a member of the wrong
  /// JSON type, a private member or an oct key with public_only (KEY-7), use/key_ops/alg that
  /// contradict each other (KEY-6), bad or non-canonical Base64URL, RSA n/e with a leading zero
  /// octet, EC/OKP coordinates of the wrong length, an unknown crv, `oth`, an EC point off its
  /// curve, RSA e even or 1, modulus over 8192 bits); key_too_weak (RSA modulus under 2048 bits,
  /// oct key shorter than 32 bytes or than its alg's hash). Unknown members are ignored.
  [[nodiscard]] static result<jwk> parse(std::string_view json,
                                         jwk_access access = jwk_access::public_only,
                                         const jwk_limits& limits = {}) {
    if (json.size() > limits.max_document_size) return errc::limit_exceeded;
    // JSON-1: duplicate names are refused before nlohmann (which keeps the last) sees them.
    if (auto ec = detail::scan_object(json, detail::scan_limits{}, [](const auto& /*m*/) {})) {
      return detail::jwk_document_error(ec);
    }
    const nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (doc.is_discarded()) return errc::invalid_key;
    bool skip = false;
    auto k = from_object(doc, access, skip);
    if (!k) return k.error();
    if (skip) return errc::invalid_key;  // an unknown kty or crv
    return k;
  }

  /// Builds a public JWK (kty, crv and the public members) from a key. `alg`, when given, must
  /// be a JWS algorithm that fits the key (invalid_key). invalid_argument for a kid or alg that
  /// is not UTF-8 or holds U+0000.
  [[nodiscard]] static result<jwk> from_key(const public_key& k, std::string kid = {},
                                            std::string alg = {}) {
    jwk j;
    if (auto ec = j.set_metadata(k.kind(), k.curve(), std::move(kid), std::move(alg))) return ec;
    j.pub_.emplace(k);
    return j;
  }

  /// Builds a JWK from a private key: its public half, and the private members too when
  /// `with_private` is true. Codes as the public_key overload.
  [[nodiscard]] static result<jwk> from_key(const private_key& k, bool with_private,
                                            std::string kid = {}, std::string alg = {}) {
    jwk j;
    if (auto ec = j.set_metadata(k.kind(), k.curve(), std::move(kid), std::move(alg))) return ec;
    auto pub = public_key::from_private(k);
    if (!pub) return pub.error();
    j.pub_.emplace(std::move(*pub));
    if (with_private) {
      j.priv_.emplace(k);
      j.has_private_ = true;
    }
    return j;
  }

  /// Builds an oct JWK from an HMAC secret. `alg`, when given, must be HS256, HS384 or HS512
  /// (invalid_key), and the secret at least as long as its hash (key_too_weak).
  [[nodiscard]] static result<jwk> from_key(const hmac_key& k, std::string kid = {},
                                            std::string alg = {}) {
    jwk j;
    j.kty_ = "oct";
    if (auto ec = j.set_names(std::move(kid), std::move(alg))) return ec;
    if (auto ec = j.check_alg_fits(k.size())) return ec;
    j.hmac_.emplace(k);
    j.has_private_ = true;
    return j;
  }

  /// Returns the key type: "RSA", "EC", "OKP" or "oct". The view points into this jwk.
  [[nodiscard]] std::string_view kty() const noexcept { return kty_; }
  /// Returns the curve ("P-256", ..., "Ed25519", "Ed448"), or "" for RSA and oct.
  [[nodiscard]] std::string_view crv() const noexcept { return crv_; }
  /// Returns the key id, or "" when absent.
  [[nodiscard]] std::string_view kid() const noexcept { return kid_; }
  /// Returns the algorithm the key is meant for, or "" when absent.
  [[nodiscard]] std::string_view alg() const noexcept { return alg_; }
  /// Returns the intended use ("sig", "enc", ...), or "" when absent.
  [[nodiscard]] std::string_view use() const noexcept { return use_; }
  /// Returns the key operations (RFC 7517 §4.3); empty when absent.
  [[nodiscard]] const std::vector<std::string>& key_ops() const noexcept { return key_ops_; }
  /// Returns true when the JWK holds private material: private RSA/EC/OKP members, or oct.
  [[nodiscard]] bool has_private() const noexcept { return has_private_; }
  /// Returns true when use is absent or "sig" and key_ops is absent or contains "verify".
  [[nodiscard]] bool usable_for_verification() const noexcept {
    return (!has_use_ || use_ == "sig") &&
           (!has_key_ops_ ||
            std::find(key_ops_.begin(), key_ops_.end(), "verify") != key_ops_.end());
  }
  /// Returns the public key (RSA/EC/OKP; the public half of a private JWK), else null.
  [[nodiscard]] const public_key* public_key_ptr() const noexcept {
    return pub_ ? &*pub_ : nullptr;
  }
  /// Returns the private key when has_private() and kty is not oct, else null.
  [[nodiscard]] const private_key* private_key_ptr() const noexcept {
    return priv_ ? &*priv_ : nullptr;
  }
  /// Returns the HMAC secret of an oct JWK, else null.
  [[nodiscard]] const hmac_key* hmac_key_ptr() const noexcept { return hmac_ ? &*hmac_ : nullptr; }

  /// Returns the RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order
  /// without whitespace, Base64URL-encoded. "" only when OpenSSL fails. Allocates.
  [[nodiscard]] std::string thumbprint() const {
    std::string canon = "{";
    bool first = true;
    const auto add = [&](std::string_view name, std::string_view value) {
      if (!first) canon += ',';
      first = false;
      detail::append_json_string(canon, name);
      canon += ':';
      detail::append_json_string(canon, value);
    };
    // RFC 7638 §3.2: RSA {e, kty, n}; EC {crv, kty, x, y}; RFC 8037 §2: OKP {crv, kty, x};
    // oct {k, kty}.
    members m = export_members(kty_ == "oct");
    if (kty_ == "RSA") {
      add("e", m.e);
      add("kty", kty_);
      add("n", m.n);
    } else if (kty_ == "EC") {
      add("crv", crv_);
      add("kty", kty_);
      add("x", m.x);
      add("y", m.y);
    } else if (kty_ == "OKP") {
      add("crv", crv_);
      add("kty", kty_);
      add("x", m.x);
    } else {
      add("k", m.k);
      add("kty", kty_);
    }
    canon += '}';
    m.wipe();
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    const bool ok =
        EVP_Digest(canon.data(), canon.size(), md.data(), &len, EVP_sha256(), nullptr) == 1;
    if (kty_ == "oct") OPENSSL_cleanse(canon.data(), canon.size());
    if (!ok) {
      detail::clear_openssl_errors();
      return {};
    }
    return base64url::encode(bytes_view(md.data(), len));
  }

  /// Returns the JWK as compact JSON with members in a fixed order: kty, kid, use, key_ops,
  /// alg, crv, then the key members (x, y / n, e), then, only when `with_private` is true and
  /// the jwk has them, the private ones (d, p, q, dp, dq, qi / k). An oct jwk written without
  /// private members has no "k". Allocates.
  [[nodiscard]] std::string to_json(bool with_private = false) const {
    std::string out = "{";
    const auto add = [&out](std::string_view name, std::string_view value) {
      if (value.empty()) return;
      if (out.size() > 1) out += ',';
      detail::append_json_string(out, name);
      out += ':';
      detail::append_json_string(out, value);
    };
    add("kty", kty_);
    add("kid", kid_);
    add("use", use_);
    if (has_key_ops_) {
      out += R"(,"key_ops":[)";
      for (std::size_t i = 0; i < key_ops_.size(); ++i) {
        if (i != 0) out += ',';
        detail::append_json_string(out, key_ops_[i]);
      }
      out += ']';
    }
    add("alg", alg_);
    add("crv", crv_);
    members m = export_members(with_private && has_private_);
    add("x", m.x);
    add("y", m.y);
    add("n", m.n);
    add("e", m.e);
    add("d", m.d);
    add("p", m.p);
    add("q", m.q);
    add("dp", m.dp);
    add("dq", m.dq);
    add("qi", m.qi);
    add("k", m.k);
    m.wipe();
    out += '}';
    return out;
  }

 private:
  friend class jwk_set;

  /// Base64URL key members as exported; private ones are wiped by wipe().
  struct members {
    std::string x;
    std::string y;
    std::string n;
    std::string e;
    std::string d;
    std::string p;
    std::string q;
    std::string dp;
    std::string dq;
    std::string qi;
    std::string k;
    void wipe() noexcept {
      for (std::string* s : {&d, &p, &q, &dp, &dq, &qi, &k}) {
        if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
      }
    }
  };

  jwk() = default;

  [[nodiscard]] members export_members(bool with_private) const {
    members m;
    if (kty_ == "oct") {
      if (with_private && hmac_) m.k = base64url::encode(hmac_->bytes());
      return m;
    }
    if (!pub_) return m;
    EVP_PKEY* pk = pub_->native_handle();
    EVP_PKEY* sk = with_private && priv_ ? priv_->native_handle() : nullptr;
    const std::size_t octets = detail::curve_octets(crv_);
    if (kty_ == "RSA") {
      m.n = detail::bn_param_b64(pk, OSSL_PKEY_PARAM_RSA_N, 0);
      m.e = detail::bn_param_b64(pk, OSSL_PKEY_PARAM_RSA_E, 0);
      if (sk != nullptr) {
        m.d = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_D, 0);
        m.p = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_FACTOR1, 0);
        m.q = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_FACTOR2, 0);
        m.dp = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0);
        m.dq = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0);
        m.qi = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0);
      }
    } else if (kty_ == "EC") {
      m.x = detail::bn_param_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, octets);
      m.y = detail::bn_param_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, octets);
      if (sk != nullptr) m.d = detail::bn_param_b64(sk, OSSL_PKEY_PARAM_PRIV_KEY, octets);
    } else if (kty_ == "OKP") {
      m.x = detail::octet_param_b64(pk, OSSL_PKEY_PARAM_PUB_KEY);
      if (sk != nullptr) m.d = detail::octet_param_b64(sk, OSSL_PKEY_PARAM_PRIV_KEY);
    }
    return m;
  }

  // kid and alg given by a caller of from_key: UTF-8 without U+0000.
  std::error_code set_names(std::string kid, std::string alg) {
    for (const std::string* s : {&kid, &alg}) {
      if (!detail::scan_impl::valid_utf8(*s) || s->find('\0') != std::string::npos) {
        return errc::invalid_argument;
      }
    }
    kid_ = std::move(kid);
    alg_ = std::move(alg);
    return {};
  }

  std::error_code set_metadata(key_kind kind, key_curve curve, std::string kid, std::string alg) {
    switch (kind) {
    case key_kind::rsa: kty_ = "RSA"; break;
    case key_kind::ec: kty_ = "EC"; break;
    case key_kind::ed25519:
    case key_kind::ed448: kty_ = "OKP"; break;
    }
    crv_ = std::string(to_string(curve));
    if (auto ec = set_names(std::move(kid), std::move(alg))) return ec;
    return check_alg_fits(0);
  }

  // A JWS alg must fit kty and crv, and an oct key must be as long as its hash. Other alg values
  // (JWE algorithms, private names) are kept: such a key is simply never bound to a verifier.
  [[nodiscard]] std::error_code check_alg_fits(std::size_t oct_size) const noexcept {
    if (alg_.empty()) return {};
    if (alg_ == "none") return errc::invalid_key;
    const detail::jws_alg_desc* a = detail::find_jws_algorithm(alg_);
    if (a == nullptr) return {};
    if (a->kty != kty_ || (!a->crv.empty() && a->crv != crv_)) return errc::invalid_key;
    if (kty_ == "oct" && oct_size < a->min_octets) return errc::key_too_weak;
    return {};
  }

  // RFC 7517 §4.2-4.4: use, key_ops and alg must agree with each other (KEY-6).
  [[nodiscard]] std::error_code check_use() const noexcept {
    if (has_key_ops_) {
      for (std::size_t i = 0; i < key_ops_.size(); ++i) {
        // RFC 7517 §4.3: duplicate key operation values MUST NOT be present.
        for (std::size_t j = 0; j < i; ++j) {
          if (key_ops_[i] == key_ops_[j]) return errc::invalid_key;
        }
        if (use_ == "sig" && detail::is_encryption_op(key_ops_[i])) return errc::invalid_key;
        if (use_ == "enc" && detail::is_signature_op(key_ops_[i])) return errc::invalid_key;
      }
    }
    if (!alg_.empty()) {
      const bool jws = detail::find_jws_algorithm(alg_) != nullptr || alg_ == "none";
      if (jws && use_ == "enc") return errc::invalid_key;
      if (detail::is_jwe_algorithm(alg_) && (use_ == "sig" || has_signature_op())) {
        return errc::invalid_key;
      }
    }
    return {};
  }

  [[nodiscard]] bool has_signature_op() const noexcept {
    return std::any_of(key_ops_.begin(), key_ops_.end(),
                       [](const std::string& op) { return detail::is_signature_op(op); });
  }

  // Reads one JWK object. `skip` is set (with a jwk that must not be used) for an unknown kty or
  // crv, which a JWK Set leaves out (RFC 7517 §5).
  static result<jwk> from_object(const nlohmann::json& obj, jwk_access access, bool& skip) {
    skip = false;
    if (!obj.is_object()) return errc::invalid_key;
    jwk j;
    bool present = false;
    if (auto ec = detail::optional_string(obj, "kty", j.kty_, present)) return ec;
    if (!present) return errc::invalid_key;
    // KEY-7: private members in a public set are refused whatever the kty.
    constexpr std::array<const char*, 7> private_names = {"d", "p", "q", "dp", "dq", "qi", "oth"};
    const bool has_private_members =
        std::any_of(private_names.begin(), private_names.end(),
                    [&obj](const char* n) { return obj.find(n) != obj.end(); });
    if (access == jwk_access::public_only && (has_private_members || j.kty_ == "oct")) {
      return errc::invalid_key;
    }
    if (j.kty_ != "RSA" && j.kty_ != "EC" && j.kty_ != "OKP" && j.kty_ != "oct") {
      skip = true;
      return j;
    }
    if (auto ec = detail::optional_string(obj, "kid", j.kid_, present)) return ec;
    if (auto ec = detail::optional_string(obj, "alg", j.alg_, present)) return ec;
    if (auto ec = detail::optional_string(obj, "use", j.use_, j.has_use_)) return ec;
    if (const auto ops = obj.find("key_ops"); ops != obj.end()) {
      if (!ops->is_array()) return errc::invalid_key;
      j.has_key_ops_ = true;
      for (const auto& op : *ops) {
        const auto* s = op.get_ptr<const std::string*>();
        if (s == nullptr || s->find('\0') != std::string::npos) return errc::invalid_key;
        j.key_ops_.push_back(*s);
      }
    }
    if (auto ec = j.check_use()) return ec;
    if (j.kty_ == "oct") {
      if (auto ec = j.read_oct(obj)) return ec;
      return j;
    }
    if (j.kty_ != "RSA") {
      if (auto ec = detail::optional_string(obj, "crv", j.crv_, present)) return ec;
      if (!present) return errc::invalid_key;
      const bool known = j.kty_ == "EC" ? detail::ec_group_name(j.crv_) != nullptr
                                        : (j.crv_ == "Ed25519" || j.crv_ == "Ed448");
      if (!known) {
        skip = true;
        return j;
      }
    }
    if (auto ec = j.check_alg_fits(0)) return ec;
    if (auto ec = j.read_asymmetric(obj, has_private_members)) return ec;
    return j;
  }

  std::error_code read_oct(const nlohmann::json& obj) {
    std::vector<unsigned char> raw;
    bool present = false;
    const std::error_code ec = detail::b64_member(obj, "k", raw, present);
    const detail::wiped_bytes k(std::move(raw));
    if (ec) return ec;
    if (!present) return errc::invalid_key;
    if (auto bad = check_alg_fits(k.size())) return bad;
    auto key = hmac_key::from_bytes(k.view());
    if (!key) return key.error();
    hmac_.emplace(std::move(*key));
    has_private_ = true;
    return {};
  }

  std::error_code read_asymmetric(const nlohmann::json& obj, bool has_private_members) {
    using bytes = std::vector<unsigned char>;
    detail::jwk_key_material m;
    m.kty = kty_;
    m.crv = crv_;
    bytes n;
    bytes e;
    bytes x;
    bytes y;
    bool present = false;
    const auto required = [&](const char* name, bytes& out) -> std::error_code {
      if (auto ec = detail::b64_member(obj, name, out, present)) return ec;
      return present && !out.empty() ? std::error_code() : make_error_code(errc::invalid_key);
    };
    // Private members: decoded into wiped buffers; present or absent as a group.
    std::array<detail::wiped_bytes, 6> secret;
    constexpr std::array<const char*, 6> secret_names = {"d", "p", "q", "dp", "dq", "qi"};
    std::array<bool, 6> has{};
    for (std::size_t i = 0; i < secret.size(); ++i) {
      bytes raw;
      const std::error_code ec = detail::b64_member(obj, secret_names[i], raw, has[i]);
      secret[i] = detail::wiped_bytes(std::move(raw));
      if (ec) return ec;
      if (has[i] && secret[i].empty()) return errc::invalid_key;
    }
    if (obj.find("oth") != obj.end()) return errc::invalid_key;  // multi-prime RSA
    const bool with_private = has[0];
    if (has_private_members && !with_private) return errc::invalid_key;  // p.. without d
    const std::size_t octets = detail::curve_octets(crv_);
    if (kty_ == "RSA") {
      if (auto ec = required("n", n)) return ec;
      if (auto ec = required("e", e)) return ec;
      // RFC 7518 §6.3.1.1: Base64urlUInt uses the minimum number of octets (KEY-6).
      if (n.front() == 0 || e.front() == 0) return errc::invalid_key;
      // KEY-4, RES-6: the modulus cap is checked before OpenSSL sees the number.
      if (n.size() > max_rsa_bits / 8 || e.size() > n.size()) return errc::invalid_key;
      // RFC 7518 §6.3.2: with any of p, q, dp, dq, qi present, all of them must be.
      const bool any_factor = has[1] || has[2] || has[3] || has[4] || has[5];
      const bool all_factors = has[1] && has[2] && has[3] && has[4] && has[5];
      if (any_factor && !all_factors) return errc::invalid_key;
      m.n = bytes_view(n.data(), n.size());
      m.e = bytes_view(e.data(), e.size());
      m.p = secret[1].view();
      m.q = secret[2].view();
      m.dp = secret[3].view();
      m.dq = secret[4].view();
      m.qi = secret[5].view();
    } else {
      if (has[1] || has[2] || has[3] || has[4] || has[5]) return errc::invalid_key;
      if (auto ec = required("x", x)) return ec;
      if (x.size() != octets) return errc::invalid_key;
      if (kty_ == "EC") {
        if (auto ec = required("y", y)) return ec;
        if (y.size() != octets) return errc::invalid_key;
      }
      // RFC 7518 §6.2.2.1, RFC 8037 §2: d has the full length of the curve's scalars.
      if (with_private && secret[0].size() != octets) return errc::invalid_key;
      m.x = bytes_view(x.data(), x.size());
      m.y = bytes_view(y.data(), y.size());
    }
    m.d = secret[0].view();
    const detail::evp_pkey_ptr k = detail::pkey_from_members(m, with_private);
    if (!k) return errc::invalid_key;  // refused by OpenSSL: a point off the curve, ...
    if (with_private) {
      auto sk = private_key::from_native(k.get());
      if (!sk) return sk.error();
      auto pk = public_key::from_private(*sk);
      if (!pk) return pk.error();
      priv_.emplace(std::move(*sk));
      pub_.emplace(std::move(*pk));
      has_private_ = true;
    } else {
      auto pk = public_key::from_native(k.get());
      if (!pk) return pk.error();
      pub_.emplace(std::move(*pk));
    }
    return {};
  }

  std::string kty_;
  std::string crv_;
  std::string kid_;
  std::string alg_;
  std::string use_;
  std::vector<std::string> key_ops_;
  bool has_use_ = false;
  bool has_key_ops_ = false;
  bool has_private_ = false;
  std::optional<public_key> pub_;
  std::optional<private_key> priv_;
  std::optional<hmac_key> hmac_;
};

/// A JSON Web Key Set (RFC 7517 §5): the keys a verifier may use, selected by kid.
class jwk_set {
 public:
  /// Parses {"keys":[...]}. Entries of an unknown kty, or an unknown crv of a known kty, are
  /// skipped and counted in skipped(), never half-used (RFC 7517 §5). Refusals: limit_exceeded
  /// (document over limits.max_document_size, checked first; more than limits.max_keys entries,
  /// counted before any entry is read); duplicate_member anywhere in the document (JSON-1);
  /// invalid_key (not a JSON object, "keys" missing or not an array, an entry that is not an
  /// object, with public_only ANY entry holding private members or of kty oct (KEY-7), two
  /// entries with the same kid (KEY-8)); and the first entry's error as jwk::parse returns it.
  [[nodiscard]] static result<jwk_set> parse(std::string_view json,
                                             jwk_access access = jwk_access::public_only,
                                             const jwk_limits& limits = {}) {
    if (json.size() > limits.max_document_size) return errc::limit_exceeded;
    detail::scan_limits sl;
    if (limits.max_keys >= sl.max_members) {
      sl.max_members = limits.max_keys == SIZE_MAX ? SIZE_MAX : limits.max_keys + 1;
    }
    std::size_t entries = 0;
    bool keys_is_array = false;
    const std::error_code scan = detail::scan_object(json, sl, [&](const detail::json_member& m) {
      if (detail::name_is(m, "keys") && m.value.kind == detail::json_kind::array) {
        keys_is_array = true;
        detail::for_each_element(m.value.raw, [&entries](const detail::json_value&) { ++entries; });
      }
    });
    if (scan) return detail::jwk_document_error(scan);
    if (!keys_is_array) return errc::invalid_key;
    if (entries > limits.max_keys) return errc::limit_exceeded;
    const nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return errc::invalid_key;
    const auto keys = doc.find("keys");
    if (keys == doc.end() || !keys->is_array()) return errc::invalid_key;
    jwk_set set;
    set.keys_.reserve(keys->size());
    for (const auto& entry : *keys) {
      bool skip = false;
      auto k = jwk::from_object(entry, access, skip);
      if (!k) return k.error();
      if (skip) {
        ++set.skipped_;
        continue;
      }
      set.keys_.push_back(std::move(*k));
    }
    // KEY-8: a kid names one key.
    std::vector<std::string_view> kids;
    for (const auto& k : set.keys_) {
      if (!k.kid().empty()) kids.push_back(k.kid());
    }
    std::sort(kids.begin(), kids.end());
    if (std::adjacent_find(kids.begin(), kids.end()) != kids.end()) return errc::invalid_key;
    return set;
  }

  jwk_set() = default;

  /// Appends a key (for building a set to export). Does not check for a duplicate kid.
  void add(jwk k) { keys_.push_back(std::move(k)); }
  /// Returns the keys, in document order, skipped entries left out.
  [[nodiscard]] const std::vector<jwk>& keys() const noexcept { return keys_; }
  /// Returns the first key whose kid equals `kid`, or null. An empty `kid` finds nothing.
  [[nodiscard]] const jwk* find(std::string_view kid) const noexcept {
    if (kid.empty()) return nullptr;
    const auto it =
        std::find_if(keys_.begin(), keys_.end(), [kid](const jwk& k) { return k.kid() == kid; });
    return it == keys_.end() ? nullptr : &*it;
  }
  /// Returns how many entries parse() skipped for an unknown kty or crv.
  [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }
  /// Returns {"keys":[...]} with each key as jwk::to_json(with_private) writes it. Without
  /// `with_private`, oct keys are left out: a secret has no public form. Allocates.
  [[nodiscard]] std::string to_json(bool with_private = false) const {
    std::string out = R"({"keys":[)";
    bool first = true;
    for (const auto& k : keys_) {
      if (!with_private && k.kty() == "oct") continue;
      if (!first) out += ',';
      first = false;
      out += k.to_json(with_private);
    }
    out += "]}";
    return out;
  }

 private:
  std::vector<jwk> keys_;
  std::size_t skipped_ = 0;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_JWK_HPP
