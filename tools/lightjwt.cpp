// The lightjwt command-line tool: sign, verify and decode compact JWS tokens, and convert keys
// to JWKs (docs/cli.md).
// SPDX-License-Identifier: MIT
#include <lightjwt/lightjwt.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <openssl/crypto.h>
#include <nlohmann/json.hpp>

namespace {

// ------------------------------------------------------------------------------ the algorithms

/// The algorithms the tool offers, in the order `--help` lists them. Each entry is a signer
/// policy; the key type each one binds (S::sign_key, S::verify_key) chooses how its key file is
/// read (load_key below), so adding an algorithm is adding its policy here and nothing else.
template <class... S>
struct algorithm_list {};

using algorithms = algorithm_list<lightjwt::hs256, lightjwt::hs384, lightjwt::hs512,  //
                                  lightjwt::rs256, lightjwt::rs384, lightjwt::rs512,  //
                                  lightjwt::ps256, lightjwt::ps384, lightjwt::ps512,  //
                                  lightjwt::es256, lightjwt::es384, lightjwt::es512,  //
                                  lightjwt::eddsa>;

/// Calls fn(S{}) for the policy S whose JOSE name is exactly `alg` (names are case-sensitive,
/// RFC 7515 §4.1.1) and returns its result; nullopt when no policy has that name.
template <class Fn, class... S>
std::optional<int> with_algorithm(std::string_view alg, algorithm_list<S...> /*all*/, Fn&& fn) {
  std::optional<int> rc;
  (void)((S::name == alg && ((rc = fn(S{})), true)) || ...);
  return rc;
}

/// Returns the names of the offered algorithms, separated by spaces.
template <class... S>
std::string algorithm_names(algorithm_list<S...> /*all*/) {
  std::string out;
  ((out += (out.empty() ? "" : " "), out += S::name), ...);
  return out;
}

// ------------------------------------------------------------------------------------ keys

template <class Key>
struct key_tag {};

/// HMAC keys: the file's bytes, exactly as stored, are the secret (RFC 7518 §3.2). A secret that
/// is too short (key_too_weak) or looks like PEM, a JWK or a certificate (invalid_key) is refused.
lightjwt::result<lightjwt::hmac_key> load_key(key_tag<lightjwt::hmac_key> /*tag*/,
                                              std::string_view bytes) {
  return lightjwt::hmac_key::from_bytes(lightjwt::as_bytes(bytes));
}

/// Every other key type (public_key, private_key) is read from PEM: PKCS#8 or SPKI, or an X.509
/// certificate for a public key.
template <class Key>
lightjwt::result<Key> load_key(key_tag<Key> /*tag*/, std::string_view pem) {
  return Key::from_pem(pem);
}

// ---------------------------------------------------------------------------- exit and errors

constexpr int exit_ok = 0;
constexpr int exit_refused = 1;
constexpr int exit_usage = 2;

/// Returns the fixed sentence that follows a code's name on stderr. It never depends on the
/// token, so an error line cannot echo the token's bytes (SECURITY-CATALOG principle 7).
const char* describe(lightjwt::errc e) noexcept {
  using lightjwt::errc;
  switch (e) {
  case errc::token_too_large: return "the token is longer than the size limit";
  case errc::malformed_token: return "the input is not a well-formed compact JWS";
  case errc::invalid_utf8: return "the JSON is not valid UTF-8";
  case errc::duplicate_member: return "a JSON member name appears twice";
  case errc::nesting_too_deep: return "the JSON is nested too deeply";
  case errc::limit_exceeded: return "a size or count limit is exceeded";
  case errc::invalid_header: return "a header parameter is missing, malformed or forbidden";
  case errc::unsupported_critical_header: return "the crit header names an unsupported extension";
  case errc::algorithm_not_allowed: return "the algorithm is not allowed";
  case errc::key_not_found: return "no key matches the token";
  case errc::invalid_signature: return "the signature does not verify";
  case errc::invalid_key: return "the key is not usable with this algorithm";
  case errc::key_too_weak: return "the key is too weak for this algorithm";
  case errc::token_expired: return "the token has expired";
  case errc::token_not_yet_valid: return "the token is not valid yet";
  case errc::invalid_issuer: return "the issuer (iss) is not the expected one";
  case errc::invalid_audience:
    return "the audience (aud) is not accepted (see --aud and --ignore-aud)";
  case errc::invalid_type: return "the token type (typ or cty) is not the expected one";
  case errc::invalid_claim_type: return "a registered claim has the wrong type or range";
  case errc::missing_claim:
    return "a required claim is missing (exp is required unless --no-exp is given)";
  case errc::claim_rejected: return "a claim was rejected";
  case errc::token_revoked: return "the token is revoked";
  case errc::revocation_unavailable: return "the revocation status is unavailable";
  case errc::refresh_token_reused: return "the refresh token was already used";
  case errc::refresh_token_invalid: return "the refresh token is invalid";
  case errc::csrf_check_failed: return "the CSRF check failed";
  case errc::insecure_configuration: return "the setting is below the secure floor";
  case errc::buffer_too_small: return "an internal buffer is too small";
  case errc::crypto_failure: return "OpenSSL failed";
  case errc::invalid_argument: return "an argument is invalid";
  case errc::invalid_subject: return "the subject (sub) is not the expected one";
  case errc::no_credentials: return "the request carries no credentials";
  case errc::invalid_request: return "the request's credentials are malformed or ambiguous";
  case errc::insufficient_scope: return "the token lacks a required scope";
  case errc::decryption_failed: return "the token could not be decrypted";
  case errc::key_set_unavailable: return "the key set is unavailable";
  }
  return "the operation failed";
}

/// Writes `<name>: <sentence>[ (context)]` to stderr and returns `status`.
int report(std::error_code ec, int status, std::string_view context = {}) {
  std::string line;
  if (ec.category() == lightjwt::error_category()) {
    const auto e = static_cast<lightjwt::errc>(ec.value());
    line.append(lightjwt::to_string(e)).append(": ").append(describe(e));
  } else {
    line.append("internal_error: ").append(ec.message());
  }
  if (!context.empty()) line.append(" (").append(context).append(")");
  line += '\n';
  std::fputs(line.c_str(), stderr);
  return status;
}

/// Writes `lightjwt: <message>` to stderr and returns exit_usage.
int fail(std::string_view message) {
  std::string line = "lightjwt: ";
  line.append(message).append("\n");
  std::fputs(line.c_str(), stderr);
  return exit_usage;
}

/// Writes `text` to stdout; false when the write fails (a closed pipe, a full disk).
bool print(std::string_view text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

// --------------------------------------------------------------------------------- input

/// A string wiped with OPENSSL_cleanse when it goes away: key files are secrets.
class secret_string {
 public:
  secret_string() = default;
  secret_string(const secret_string&) = delete;
  secret_string& operator=(const secret_string&) = delete;
  secret_string(secret_string&&) = delete;
  secret_string& operator=(secret_string&&) = delete;
  ~secret_string() {
    if (!s_.empty()) OPENSSL_cleanse(s_.data(), s_.size());
  }
  std::string& str() noexcept { return s_; }
  [[nodiscard]] std::string_view view() const noexcept { return s_; }

 private:
  std::string s_;
};

/// The largest key or claims file read: PEM certificate chains fit comfortably.
constexpr std::size_t max_file_size = std::size_t{1024} * 1024;

enum class read_status { ok, read_error, too_large };

/// Reads at most `limit` bytes of `f` into `out`; too_large when more follow. `out` is reserved
/// up front so that no reallocation leaves a copy of a secret behind in freed memory.
read_status read_stream(std::FILE* f, std::size_t limit, std::string& out) {
  out.clear();
  out.reserve(limit);
  std::array<char, 4096> buf{};
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (out.size() + n > limit) {
      out.append(buf.data(), limit - out.size());
      OPENSSL_cleanse(buf.data(), buf.size());
      return read_status::too_large;
    }
    out.append(buf.data(), n);
    if (n < buf.size()) break;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return std::ferror(f) != 0 ? read_status::read_error : read_status::ok;
}

/// Reads the whole file `path` into `out`, or writes why not to stderr and returns false.
bool read_file(std::string_view what, const std::string& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    fail(std::string("cannot open ") + std::string(what) + " '" + path +
         "': " + std::generic_category().message(err));
    return false;
  }
  // Unbuffered: the C library keeps no copy of the key in a FILE buffer it frees unwiped.
  std::setvbuf(f, nullptr, _IONBF, 0);
  const read_status st = read_stream(f, max_file_size, out);
  std::fclose(f);
  if (st == read_status::too_large) {
    fail(std::string(what) + " '" + path + "' is larger than 1 MiB");
  } else if (st != read_status::ok) {
    fail(std::string("cannot read ") + std::string(what) + " '" + path + "'");
  }
  return st == read_status::ok;
}

/// Returns the token given as an argument, or read from stdin for `-`. Only one trailing LF or
/// CRLF is removed from stdin (what `echo` and most editors add): nothing else is repaired.
std::optional<std::string> read_token(std::string_view arg) {
  if (arg != "-") return std::string(arg);
  // Reads a little past the verifier's limit: whatever is cut off, the rest is still too long
  // after trimming, so the verifier refuses it as token_too_large.
  const std::size_t limit = lightjwt::token_limits{}.max_token_size + 3;
  std::string s;
  if (read_stream(stdin, limit, s) == read_status::read_error) {
    fail("cannot read the token from standard input");
    return std::nullopt;
  }
  if (!s.empty() && s.back() == '\n') {
    s.pop_back();
    if (!s.empty() && s.back() == '\r') s.pop_back();
  }
  return s;
}

/// Parses a non-negative decimal integer, digits only.
std::optional<std::int64_t> parse_seconds(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// ------------------------------------------------------------------------------------ output

/// Returns JSON text that the library's strict scanner accepted, on one line: whitespace between
/// tokens is dropped, and DEL and the C1 controls inside strings become \u escapes so that a
/// terminal never acts on them. Member order, escapes and number spelling are kept as signed.
std::string one_line_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    const auto u = static_cast<unsigned char>(c);
    if (!in_string) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      in_string = c == '"';
      out += c;
    } else if (escaped) {
      escaped = false;
      out += c;
    } else if (c == '\\') {
      escaped = true;
      out += c;
    } else if (c == '"') {
      in_string = false;
      out += c;
    } else if (u == 0x7F) {
      out += "\\u007f";
    } else if (u == 0xC2 && i + 1 < json.size() &&
               static_cast<unsigned char>(json[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(json[i + 1]) <= 0x9F) {
      // U+0080..U+009F, encoded in UTF-8 as C2 80..C2 9F.
      constexpr std::string_view hex = "0123456789abcdef";
      const auto lo = static_cast<unsigned char>(json[++i]);
      out += "\\u00";
      out += hex[lo >> 4U];
      out += hex[lo & 0x0FU];
    } else {
      out += c;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------- usage

constexpr std::string_view sign_usage =
    "usage: lightjwt sign --alg ALG --key FILE --claims JSON|@FILE [--kid KID] [--typ TYP]\n";
constexpr std::string_view verify_usage =
    "usage: lightjwt verify --alg ALG --key FILE [--iss ISS]... [--aud AUD]... [--ignore-aud]\n"
    "                       [--sub SUB] [--typ TYP] [--leeway SECONDS] [--now UNIX_TIME]\n"
    "                       [--no-exp] TOKEN|-\n"
    "       lightjwt verify --jwks FILE [--alg ALG] [same options] TOKEN|-\n";
constexpr std::string_view decode_usage = "usage: lightjwt decode TOKEN|-\n";
constexpr std::string_view jwk_usage =
    "usage: lightjwt jwk from-pem FILE [--kid KID] [--alg ALG] [--private]\n"
    "       lightjwt jwk thumbprint FILE\n"
    "       lightjwt jwk set FILE...\n";

constexpr std::string_view general_usage =
    "usage:\n"
    "  lightjwt sign   --alg ALG --key FILE --claims JSON|@FILE [--kid KID] [--typ TYP]\n"
    "  lightjwt verify --alg ALG --key FILE [--iss ISS]... [--aud AUD]... [--ignore-aud]\n"
    "                  [--sub SUB] [--typ TYP] [--leeway SECONDS] [--now UNIX_TIME]\n"
    "                  [--no-exp] TOKEN|-\n"
    "  lightjwt verify --jwks FILE [--alg ALG] [same options] TOKEN|-\n"
    "  lightjwt decode TOKEN|-\n"
    "  lightjwt jwk from-pem FILE [--kid KID] [--alg ALG] [--private]\n"
    "  lightjwt jwk thumbprint FILE\n"
    "  lightjwt jwk set FILE...\n"
    "  lightjwt help [COMMAND] | --help | --version\n";

std::string help_text() {
  std::string s = "lightjwt - sign, verify and decode JSON Web Tokens (compact JWS)\n\n";
  s += general_usage;
  s += "\n"
       "sign     prints the compact token; the claims JSON is signed byte for byte.\n"
       "verify   checks the signature and the claims; prints the payload JSON on success.\n"
       "         exp is required (--no-exp waives it). Without --aud, a token carrying aud is\n"
       "         refused unless --ignore-aud is given. --iss and --aud may be repeated (any\n"
       "         one matches). --leeway is at most 300. TOKEN - reads standard input.\n"
       "         --jwks takes the keys of a JWK Set (or one JWK): the token's kid picks the\n"
       "         key and the key's alg the algorithm; --alg then narrows the algorithms.\n"
       "decode   prints {\"header\":...,\"payload\":...} WITHOUT verifying anything.\n"
       "jwk      from-pem prints a PEM key as a JWK (public members only unless --private);\n"
       "         thumbprint prints the RFC 7638 SHA-256 thumbprint of a JWK (or PEM) file;\n"
       "         set prints a JWK Set of the public keys of PEM or JWK files (kid defaults to\n"
       "         the thumbprint).\n"
       "\n"
       "algorithms: ";
  s += algorithm_names(algorithms{});
  s += "\n"
       "keys:     HS*: the file's raw bytes are the secret (at least the hash size: 32, 48 or\n"
       "          64 bytes). Others: PEM (sign: private key; verify: public key or certificate),\n"
       "          or --jwks with a JWK Set of public keys.\n"
       "\n"
       "exit status: 0 success; 1 the token was refused (stderr starts with the error name);\n"
       "             2 usage or key error.\n";
  return s;
}

int usage_error(std::string_view message, std::string_view usage) {
  std::string text = "lightjwt: ";
  text.append(message).append("\n").append(usage);
  std::fputs(text.c_str(), stderr);
  return exit_usage;
}

// -------------------------------------------------------------------------- argument parsing

struct option_spec {
  std::string_view name;  // "--alg"
  bool takes_value;
  bool repeatable;
};

/// The options and operands of one command line.
struct parsed_args {
  std::vector<std::pair<std::string_view, std::string_view>> options;
  std::vector<std::string_view> operands;
  bool help = false;

  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const {
    for (const auto& [n, v] : options) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
  [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : options) {
      if (n == name) out.emplace_back(v);
    }
    return out;
  }
};

/// Parses `--name VALUE`, `--name=VALUE`, flags, `--` and operands (`-` is an operand). Returns
/// an error message, or an empty string on success.
std::string parse_args(const std::vector<std::string_view>& args,
                       lightjwt::span<const option_spec> specs, parsed_args& out) {
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      out.operands.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    std::optional<std::string_view> value;
    if (const auto eq = a.find('='); eq != std::string_view::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    const option_spec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == a) spec = &s;
    }
    if (spec == nullptr) return "unknown option '" + std::string(a) + "'";
    if (spec->takes_value && !value) {
      if (i + 1 == args.size()) return std::string(a) + " needs a value";
      value = args[++i];
    } else if (!spec->takes_value && value) {
      return std::string(a) + " takes no value";
    }
    if (!spec->repeatable && out.has(spec->name)) {
      return std::string(a) + " is given more than once";
    }
    out.options.emplace_back(spec->name, value.value_or(std::string_view()));
  }
  return {};
}

// -------------------------------------------------------------------------------------- sign

int unknown_algorithm(std::string_view alg) {
  std::string context = "'";
  context.append(alg).append("' is not one of: ").append(algorithm_names(algorithms{}));
  return report(lightjwt::errc::algorithm_not_allowed, exit_usage, context);
}

/// Returns the context of a key error: which option and which algorithm.
template <class S>
std::string key_context() {
  return "--key for " + std::string(S::name);
}

struct sign_request {
  std::string_view key_bytes;
  std::string_view claims;
  lightjwt::header_options header;
};

template <class S>
int sign_with(const sign_request& r) {
  const auto key = load_key(key_tag<typename S::sign_key>{}, r.key_bytes);
  if (!key) return report(key.error(), exit_usage, key_context<S>());
  const auto enc = lightjwt::encoder<S>::create(*key);
  if (!enc) return report(enc.error(), exit_usage, key_context<S>());
  const auto token = enc->sign_json(r.claims, r.header);
  if (!token) return report(token.error(), exit_usage, "--claims must be one JSON object");
  // The encoder does not apply the verifier's size limit: refuse a token no default verifier
  // (this tool's included) would accept, rather than print it.
  if (token->size() > lightjwt::token_limits{}.max_token_size) {
    return report(lightjwt::errc::token_too_large, exit_usage, "--claims");
  }
  return print(*token + "\n") ? exit_ok : fail("cannot write to standard output");
}

int cmd_sign(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 5> specs{{{"--alg", true, false},
                                                     {"--key", true, false},
                                                     {"--claims", true, false},
                                                     {"--kid", true, false},
                                                     {"--typ", true, false}}};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, sign_usage);
  if (p.help) return print(sign_usage) ? exit_ok : exit_usage;
  if (!p.operands.empty()) {
    return usage_error("unexpected argument '" + std::string(p.operands.front()) + "'", sign_usage);
  }
  for (const char* required : {"--alg", "--key", "--claims"}) {
    if (!p.has(required)) return usage_error(std::string(required) + " is required", sign_usage);
  }
  const std::string_view alg = *p.get("--alg");
  // Checked before any file is read: `none` and unknown names are refused outright.
  if (!with_algorithm(alg, algorithms{}, [](auto) { return 0; })) return unknown_algorithm(alg);

  secret_string key;
  if (!read_file("key file", std::string(*p.get("--key")), key.str())) return exit_usage;
  std::string claims(*p.get("--claims"));
  if (!claims.empty() && claims.front() == '@') {
    if (!read_file("claims file", claims.substr(1), claims)) return exit_usage;
  }
  sign_request r{key.view(), claims, {}};
  if (const auto typ = p.get("--typ")) r.header.typ = std::string(*typ);
  if (const auto kid = p.get("--kid")) r.header.kid = std::string(*kid);
  return *with_algorithm(alg, algorithms{}, [&](auto s) { return sign_with<decltype(s)>(r); });
}

// ------------------------------------------------------------------------------------ verify

struct verify_request {
  std::string_view key_bytes;
  std::string_view token;
  std::vector<std::string> issuers;
  std::vector<std::string> audiences;
  bool ignore_audience = false;
  std::optional<std::string> subject;
  std::optional<std::string> type;
  std::int64_t leeway = 0;
  std::optional<std::int64_t> now;
  bool allow_missing_exp = false;
};

/// Adds the claim rules of the command line to a verifier's builder.
template <class Builder>
void add_rules(Builder& b, const verify_request& r) {
  for (const auto& iss : r.issuers) b.issuer(iss);
  for (const auto& aud : r.audiences) b.audience(aud);
  if (r.ignore_audience) b.ignore_audience();
  if (r.subject) b.subject(*r.subject);
  if (r.type) b.type(*r.type);
  if (r.allow_missing_exp) b.allow_missing_exp();
  b.leeway(std::chrono::seconds(r.leeway));
}

/// Verifies the token with a built verifier and prints its payload (exit 0), or reports why it
/// was refused (exit 1).
template <class V>
int verify_and_print(const V& v, const verify_request& r) {
  const auto t = r.now ? v.verify_at(r.token, *r.now) : v.verify(r.token);
  if (!t) return report(t.error(), exit_refused);
  return print(one_line_json(t->payload_json()) + "\n") ? exit_ok
                                                        : fail("cannot write to standard output");
}

template <class S>
int verify_with(const verify_request& r) {
  const auto key = load_key(key_tag<typename S::verify_key>{}, r.key_bytes);
  if (!key) return report(key.error(), exit_usage, key_context<S>());
  typename lightjwt::verifier<S>::builder b;
  // One key without an id: the verifier treats a token's kid as a hint and uses this key.
  b.key(S{}, *key);
  add_rules(b, r);
  const auto v = std::move(b).build();
  if (!v) {
    const bool key_error =
        v.error() == lightjwt::errc::key_too_weak || v.error() == lightjwt::errc::invalid_key;
    return report(v.error(), exit_usage, key_error ? key_context<S>() : "--leeway");
  }
  return verify_and_print(*v, r);
}

/// --jwks: binds every key of the set to the algorithm among S... that its alg names or, without
/// alg, that its kty and crv fit; the token's kid then picks the key.
template <class... S>
int verify_with_set(const verify_request& r, const lightjwt::jwk_set& set) {
  typename lightjwt::verifier<S...>::builder b;
  b.keys(set);
  add_rules(b, r);
  const auto v = std::move(b).build();
  if (!v) {
    using lightjwt::errc;
    const std::error_code e = v.error();
    std::string context = "--jwks";
    if (e == errc::insecure_configuration && r.leeway <= lightjwt::max_leeway.count()) {
      context += ": a key without alg fits several algorithms; give it an alg, or use --alg";
    } else if (e == errc::key_not_found) {
      context += ": no key of the set fits the algorithms allowed";
    } else if (e != errc::key_too_weak && e != errc::invalid_key &&
               e != errc::algorithm_not_allowed && e != errc::crypto_failure) {
      context = "--leeway";
    }
    return report(e, exit_usage, context);
  }
  return verify_and_print(*v, r);
}

template <class... S>
int verify_with_any(algorithm_list<S...> /*all*/, const verify_request& r,
                    const lightjwt::jwk_set& set) {
  return verify_with_set<S...>(r, set);
}

/// Reads a JWK Set, or one JWK as a set of one: public keys only.
lightjwt::result<lightjwt::jwk_set> load_jwk_set(std::string_view text) {
  const auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_object() && !doc.contains("keys") && doc.contains("kty")) {
    auto k = lightjwt::jwk::parse(text);
    if (!k) return k.error();
    lightjwt::jwk_set set;
    set.add(std::move(*k));
    return set;
  }
  return lightjwt::jwk_set::parse(text);
}

int cmd_verify(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 11> specs{{{"--alg", true, false},
                                                      {"--key", true, false},
                                                      {"--jwks", true, false},
                                                      {"--iss", true, true},
                                                      {"--aud", true, true},
                                                      {"--ignore-aud", false, false},
                                                      {"--sub", true, false},
                                                      {"--typ", true, false},
                                                      {"--leeway", true, false},
                                                      {"--now", true, false},
                                                      {"--no-exp", false, false}}};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, verify_usage);
  if (p.help) return print(verify_usage) ? exit_ok : exit_usage;
  const bool with_jwks = p.has("--jwks");
  if (with_jwks && p.has("--key")) {
    return usage_error("--jwks and --key exclude each other", verify_usage);
  }
  for (const char* required : {"--alg", "--key"}) {
    if (!with_jwks && !p.has(required)) {
      return usage_error(std::string(required) + " is required (or --jwks FILE)", verify_usage);
    }
  }
  if (p.operands.size() != 1) {
    return usage_error(p.operands.empty() ? "TOKEN is missing" : "give exactly one TOKEN",
                       verify_usage);
  }
  if (p.has("--aud") && p.has("--ignore-aud")) {
    return usage_error("--aud and --ignore-aud exclude each other", verify_usage);
  }
  const std::optional<std::string_view> alg = p.get("--alg");
  if (alg && !with_algorithm(*alg, algorithms{}, [](auto) { return 0; })) {
    return unknown_algorithm(*alg);
  }

  verify_request r;
  if (const auto s = p.get("--leeway")) {
    const auto v = parse_seconds(*s);
    if (!v) return usage_error("--leeway takes a number of seconds", verify_usage);
    r.leeway = *v;
  }
  if (const auto s = p.get("--now")) {
    r.now = parse_seconds(*s);
    if (!r.now) return usage_error("--now takes seconds since the Unix epoch", verify_usage);
  }
  r.issuers = p.all("--iss");
  r.audiences = p.all("--aud");
  r.ignore_audience = p.has("--ignore-aud");
  r.allow_missing_exp = p.has("--no-exp");
  if (const auto s = p.get("--sub")) r.subject = std::string(*s);
  if (const auto s = p.get("--typ")) r.type = std::string(*s);

  if (with_jwks) {
    std::string text;
    if (!read_file("JWK Set file", std::string(*p.get("--jwks")), text)) return exit_usage;
    const auto set = load_jwk_set(text);
    if (!set) return report(set.error(), exit_usage, "--jwks");
    const auto token = read_token(p.operands.front());
    if (!token) return exit_usage;
    r.token = *token;
    if (!alg) return verify_with_any(algorithms{}, r, *set);
    return *with_algorithm(*alg, algorithms{},
                           [&](auto s) { return verify_with_set<decltype(s)>(r, *set); });
  }

  secret_string key;
  if (!read_file("key file", std::string(*p.get("--key")), key.str())) return exit_usage;
  const auto token = read_token(p.operands.front());
  if (!token) return exit_usage;
  r.key_bytes = key.view();
  r.token = *token;
  return *with_algorithm(*alg, algorithms{}, [&](auto s) { return verify_with<decltype(s)>(r); });
}

// ------------------------------------------------------------------------------------ decode

int cmd_decode(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 0> specs{};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, decode_usage);
  if (p.help) return print(decode_usage) ? exit_ok : exit_usage;
  if (p.operands.size() != 1) {
    return usage_error(p.operands.empty() ? "TOKEN is missing" : "give exactly one TOKEN",
                       decode_usage);
  }
  const auto token = read_token(p.operands.front());
  if (!token) return exit_usage;
  const auto t = lightjwt::decode_unverified(*token);
  if (!t) return report(t.error(), exit_refused);
  std::fputs("warning: decoded WITHOUT verification; nothing here is trusted\n", stderr);
  const std::string out = "{\"header\":" + one_line_json(t->header_json()) +
                          ",\"payload\":" + one_line_json(t->payload_json()) + "}\n";
  return print(out) ? exit_ok : fail("cannot write to standard output");
}

// --------------------------------------------------------------------------------------- jwk

/// True when `text` starts, after whitespace, with PEM armour.
bool is_pem(std::string_view text) {
  const std::size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text.substr(i, 10) == "-----BEGIN";
}

/// Loads a PEM key as a JWK: a private key (PKCS#8, RSA or EC PRIVATE KEY) keeps its private
/// members when `with_private`; otherwise a public key or certificate.
lightjwt::result<lightjwt::jwk> jwk_from_pem(std::string_view pem, bool with_private,
                                             std::string kid, std::string alg) {
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    const auto k = lightjwt::private_key::from_pem(pem);
    if (!k) return k.error();
    return lightjwt::jwk::from_key(*k, with_private, std::move(kid), std::move(alg));
  }
  const auto k = lightjwt::public_key::from_pem(pem);
  if (!k) return k.error();
  return lightjwt::jwk::from_key(*k, std::move(kid), std::move(alg));
}

/// Loads a key file of `jwk thumbprint` and `jwk set`: a JWK (private members allowed: only the
/// public ones are used) or a PEM key.
lightjwt::result<lightjwt::jwk> load_jwk(std::string_view text) {
  if (is_pem(text)) return jwk_from_pem(text, false, {}, {});
  return lightjwt::jwk::parse(text, lightjwt::jwk_access::allow_private);
}

std::string file_context(std::string_view path) { return "'" + std::string(path) + "'"; }

int cmd_jwk_from_pem(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 3> specs{
      {{"--kid", true, false}, {"--alg", true, false}, {"--private", false, false}}};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, jwk_usage);
  if (p.help) return print(jwk_usage) ? exit_ok : exit_usage;
  if (p.operands.size() != 1) {
    return usage_error(p.operands.empty() ? "FILE is missing" : "give exactly one FILE", jwk_usage);
  }
  const std::string alg(p.get("--alg").value_or(std::string_view()));
  if (!alg.empty() && !with_algorithm(alg, algorithms{}, [](auto) { return 0; })) {
    return unknown_algorithm(alg);
  }
  const bool with_private = p.has("--private");
  const std::string path(p.operands.front());
  secret_string pem;
  if (!read_file("key file", path, pem.str())) return exit_usage;
  if (with_private && pem.view().find("PRIVATE KEY-----") == std::string_view::npos) {
    return report(lightjwt::errc::invalid_key, exit_usage,
                  "--private needs a private key; " + file_context(path) + " holds none");
  }
  const auto k = jwk_from_pem(pem.view(), with_private,
                              std::string(p.get("--kid").value_or(std::string_view())), alg);
  if (!k) return report(k.error(), exit_usage, file_context(path));
  secret_string out;
  out.str() = k->to_json(with_private);
  out.str() += '\n';
  return print(out.view()) ? exit_ok : fail("cannot write to standard output");
}

int cmd_jwk_thumbprint(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 0> specs{};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, jwk_usage);
  if (p.help) return print(jwk_usage) ? exit_ok : exit_usage;
  if (p.operands.size() != 1) {
    return usage_error(p.operands.empty() ? "FILE is missing" : "give exactly one FILE", jwk_usage);
  }
  const std::string path(p.operands.front());
  secret_string text;
  if (!read_file("JWK file", path, text.str())) return exit_usage;
  const auto k = load_jwk(text.view());
  if (!k) return report(k.error(), exit_usage, file_context(path));
  return print(k->thumbprint() + "\n") ? exit_ok : fail("cannot write to standard output");
}

int cmd_jwk_set(const std::vector<std::string_view>& args) {
  static constexpr std::array<option_spec, 0> specs{};
  parsed_args p;
  if (auto err = parse_args(args, specs, p); !err.empty()) return usage_error(err, jwk_usage);
  if (p.help) return print(jwk_usage) ? exit_ok : exit_usage;
  if (p.operands.empty()) return usage_error("FILE is missing", jwk_usage);
  lightjwt::jwk_set set;
  std::vector<std::string> kids;
  for (const auto operand : p.operands) {
    const std::string path(operand);
    secret_string text;
    if (!read_file("key file", path, text.str())) return exit_usage;
    const auto k = load_jwk(text.view());
    if (!k) return report(k.error(), exit_usage, file_context(path));
    const lightjwt::public_key* pub = k->public_key_ptr();
    if (pub == nullptr) {
      return report(lightjwt::errc::invalid_key, exit_usage,
                    file_context(path) + " is a secret (oct) key: a JWK Set here is public");
    }
    // Only the public members are kept; a key without kid gets its thumbprint (RFC 7638 §1).
    std::string kid(k->kid().empty() ? k->thumbprint() : std::string(k->kid()));
    for (const auto& seen : kids) {
      if (seen == kid) {
        return report(lightjwt::errc::invalid_key, exit_usage,
                      file_context(path) + ": another key has the same kid");
      }
    }
    kids.push_back(kid);
    auto out = lightjwt::jwk::from_key(*pub, std::move(kid), std::string(k->alg()));
    if (!out) return report(out.error(), exit_usage, file_context(path));
    set.add(std::move(*out));
  }
  return print(set.to_json() + "\n") ? exit_ok : fail("cannot write to standard output");
}

int cmd_jwk(const std::vector<std::string_view>& args) {
  if (args.empty()) return usage_error("jwk needs a subcommand", jwk_usage);
  const std::string_view sub = args.front();
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (sub == "from-pem") return cmd_jwk_from_pem(rest);
  if (sub == "thumbprint") return cmd_jwk_thumbprint(rest);
  if (sub == "set") return cmd_jwk_set(rest);
  if (sub == "--help" || sub == "-h") return print(jwk_usage) ? exit_ok : exit_usage;
  return usage_error("unknown jwk subcommand '" + std::string(sub) + "'", jwk_usage);
}

// -------------------------------------------------------------------------------------- main

std::string version_text() {
  return "lightjwt " + std::to_string(LIGHTJWT_VERSION_MAJOR) + "." +
         std::to_string(LIGHTJWT_VERSION_MINOR) + "." + std::to_string(LIGHTJWT_VERSION_PATCH) +
         " (" + OpenSSL_version(OPENSSL_VERSION) + ")\n";
}

int run(const std::vector<std::string_view>& args) {
  if (args.empty()) return usage_error("no command given", general_usage);
  const std::string_view cmd = args.front();
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (cmd == "sign") return cmd_sign(rest);
  if (cmd == "verify") return cmd_verify(rest);
  if (cmd == "decode") return cmd_decode(rest);
  if (cmd == "jwk") return cmd_jwk(rest);
  if (cmd == "--version" || cmd == "version") {
    return print(version_text()) ? exit_ok : exit_usage;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    if (rest.size() > 1) return usage_error("help takes at most one COMMAND", general_usage);
    const std::string_view topic = rest.empty() ? std::string_view() : rest.front();
    if (topic.empty()) return print(help_text()) ? exit_ok : exit_usage;
    if (topic == "sign") return print(sign_usage) ? exit_ok : exit_usage;
    if (topic == "verify") return print(verify_usage) ? exit_ok : exit_usage;
    if (topic == "decode") return print(decode_usage) ? exit_ok : exit_usage;
    if (topic == "jwk") return print(jwk_usage) ? exit_ok : exit_usage;
    return usage_error("no help on '" + std::string(topic) + "'", general_usage);
  }
  return usage_error("unknown command '" + std::string(cmd) + "'", general_usage);
}

}  // namespace

int main(int argc, char** argv) {
  // Every error is a result<> value; this only turns an exhausted memory into exit status 2.
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const int status = run(args);
    if (std::fflush(stdout) != 0) return fail("cannot write to standard output");
    return status;
  } catch (const std::exception& e) {
    std::fputs("lightjwt: internal error: ", stderr);
    std::fputs(e.what(), stderr);
    std::fputs("\n", stderr);
    return exit_usage;
  }
}
