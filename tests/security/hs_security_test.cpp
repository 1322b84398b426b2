// The security catalogue (SECURITY-CATALOG.md) for the HMAC algorithms and the core: one test case
// per catalogue row, named by its ID. Every negative token is a one-defect mutation of a valid
// token that the same test verifies first.
// SPDX-License-Identifier: MIT
#include <lightjwt/verifier.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#define LIGHTJWT_TEST_COUNT_ALLOCATIONS
#include "../test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::hs256;
using lightjwt::hs384;
using lightjwt::hs512;
using json = nlohmann::json;
using hs_verifier = lightjwt::verifier<hs256>;
using configure = std::function<void(hs_verifier::builder&)>;

constexpr std::int64_t t0 = test::now;
constexpr std::string_view plain_header = R"({"alg":"HS256","typ":"JWT"})";

const lightjwt::hmac_key& the_key() {
  static const lightjwt::hmac_key k = test::test_key(1);
  return k;
}

/// A verifier holding the test key (no kid) and whatever `f` adds.
hs_verifier make_verifier(const configure& f = {}) {
  hs_verifier::builder b;
  b.key(hs256{}, the_key());
  if (f) f(b);
  auto r = b.build();
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// Signs exact claims and header bytes with the test key.
std::string token(std::string_view claims, std::string_view header = plain_header) {
  return test::make_token(the_key(), header, claims);
}

/// The valid token most tests mutate.
std::string good_claims() {
  return test::claims_text(R"("iss":"https://idp.example","sub":"user-1")");
}
std::string good_token() { return token(good_claims()); }

/// Returns a header with `members` added after alg: header_with(R"("kid":"a")").
std::string header_with(std::string_view members) {
  return R"({"alg":"HS256",)" + std::string(members) + "}";
}

/// The code a result holds, success included.
template <class T>
std::error_code code_of(const lightjwt::result<T>& r) {
  return r ? std::error_code() : r.error();
}

template <class T, class = void>
struct has_alg_member : std::false_type {};
template <class T>
struct has_alg_member<T, std::void_t<decltype(std::declval<T&>().alg)>> : std::true_type {};

/// Returns the signing input (header.payload) of a token.
std::string signing_input(std::string_view t) { return std::string(t.substr(0, t.rfind('.'))); }

/// Checks a MAC directly with the policy: proves a token's signature holds independently of what
/// the verifier later says about its payload.
template <class S = hs256>
bool signature_holds(const lightjwt::hmac_key& k, std::string_view t) {
  const auto sig = lightjwt::base64url::decode(t.substr(t.rfind('.') + 1));
  if (!sig) return false;
  const std::string input = signing_input(t);
  return !S::verify_context::create(k).value().verify(
      lightjwt::as_bytes(input), lightjwt::bytes_view(sig->data(), sig->size()));
}

/// UTF-16LE (or BE) form of ASCII text.
std::string utf16(std::string_view ascii, bool little_endian) {
  std::string out;
  for (const char c : ascii) {
    if (!little_endian) out += '\0';
    out += c;
    if (little_endian) out += '\0';
  }
  return out;
}

/// Pads a JSON object text with spaces before its closing brace until size % 3 == r, so that its
/// Base64URL form ends in a character with unused bits.
std::string pad_mod3(std::string text, std::size_t r) {
  while (text.size() % 3 != r) text.insert(text.size() - 1, " ");
  return text;
}

// ------------------------------------------------------------------ Wycheproof JWS vectors

/// One HS256 JWS test of a Wycheproof file, with the keys of its group.
struct jws_case {
  std::string file;
  int id = 0;
  std::string comment;
  std::string result;
  std::string jws;
  std::vector<std::pair<std::string, std::vector<unsigned char>>> keys;  // kid, secret
};

/// Returns the compact-form tests of the oct-keyed groups (single keys or key sets) of a
/// Wycheproof JOSE file. Groups that mix in asymmetric keys are left out.
std::vector<jws_case> wycheproof_hs256(const std::string& file) {
  const auto doc = test::load_json("wycheproof/" + file);
  std::vector<jws_case> out;
  for (const auto& g : doc.at("testGroups")) {
    if (!g.contains("private")) continue;
    const json& priv = g.at("private");
    std::vector<json> jwks;
    if (priv.contains("keys")) {
      for (const auto& k : priv.at("keys")) jwks.push_back(k);
    } else {
      jwks.push_back(priv);
    }
    bool all_oct = true;
    for (const auto& k : jwks) all_oct = all_oct && k.value("kty", "") == "oct";
    if (!all_oct) continue;
    std::vector<std::pair<std::string, std::vector<unsigned char>>> keys;
    for (const auto& k : jwks) {
      keys.emplace_back(k.value("kid", ""), test::unb64(k.at("k").get<std::string>()));
    }
    for (const auto& tc : g.at("tests")) {
      if (!tc.contains("jws")) continue;  // JWE tests of json_web_crypto_test.json
      jws_case c;
      c.file = file;
      c.id = tc.at("tcId");
      c.comment = tc.at("comment");
      c.result = tc.at("result");
      c.jws = tc.at("jws").is_string() ? tc.at("jws").get<std::string>() : tc.at("jws").dump();
      c.keys = keys;
      out.push_back(std::move(c));
    }
  }
  return out;
}

/// Finds one test of the HS256 groups of json_web_signature_test.json.
jws_case wycheproof_jws(int id) {
  for (auto& c : wycheproof_hs256("json_web_signature_test.json")) {
    if (c.id == id) return c;
  }
  FAIL("no such tcId " << id);
  return {};
}

/// A verifier holding a Wycheproof group's keys under their kids.
hs_verifier verifier_for(const jws_case& c) {
  hs_verifier::builder b;
  for (const auto& [kid, secret] : c.keys) b.key(hs256{}, test::make_key(secret), kid);
  b.allow_missing_exp();
  auto r = b.build();
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// The key a Wycheproof JWS names by kid (or the group's only key).
lightjwt::hmac_key key_of(const jws_case& c) {
  const auto header = lightjwt::base64url::decode_to_string(c.jws.substr(0, c.jws.find('.')));
  REQUIRE(header.has_value());
  const std::string kid = json::parse(*header).value("kid", "");
  for (const auto& [k, secret] : c.keys) {
    if (k == kid || c.keys.size() == 1) return test::make_key(secret);
  }
  FAIL("no key for kid " << kid);
  return test::make_key(c.keys.front().second);
}

/// What lightjwt answers for each Wycheproof JWS test, by its comment. Payloads of the valid
/// tests are not JSON ("foo", "Test", the RFC 7520 prose), so a JWT verifier refuses them with
/// malformed_token after the signature check; the test proves the signature held.
errc expected_code(const jws_case& c) {
  static const std::map<std::string, errc> by_comment = {
      {"rejectsModifiedSignature", errc::invalid_signature},
      {"rejectsMissingSignature", errc::invalid_signature},  // header.payload. (SIG-2)
      {"rejectsModifiedPayload", errc::invalid_signature},
      {"rejectsModifiedHeader", errc::key_not_found},  // the kid was modified
      {"rejectsNoneAlgorithmAndMissingSignature", errc::algorithm_not_allowed},
  };
  const auto it = by_comment.find(c.comment);
  return it == by_comment.end() ? errc::malformed_token : it->second;
}

// ------------------------------------------------------------------ threads with small stacks

struct stack_job {
  const hs_verifier* v;
  std::string token;
  std::error_code ec;
};

void* run_stack_job(void* p) {
  auto* job = static_cast<stack_job*>(p);
  const auto r = job->v->verify_at(job->token, t0);
  job->ec = code_of(r);
  return nullptr;
}

/// Verifies on a thread whose stack is 64 KiB.
std::error_code verify_on_small_stack(const hs_verifier& v, const std::string& t) {
  stack_job job{&v, t, {}};
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attr, &run_stack_job, &job) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
  return job.ec;
}

}  // namespace

// =================================================================================== SYN

TEST_CASE("SYN-1: tokens with 0, 1, 3 and 4 dots and the empty string are malformed_token",
          "[security][wycheproof]") {
  const auto v = make_verifier();
  const std::string good = good_token();
  CHECK_OK(v.verify_at(good, t0));
  const auto p = test::split(good);
  // A JWE (5 segments) is not a JWS, whoever encrypted it (RFC 8725 bis §3.3).
  const std::string jwe = test::b64(R"({"alg":"dir","enc":"A128GCM"})") + ".." +
                          test::b64("0123456789ab") + "." + p.payload + "." +
                          test::b64("0123456789abcdef");
  const std::string cases[] = {
      "",
      p.header + p.payload + p.signature,
      p.header + "." + p.payload + p.signature,
      p.header + p.payload + "." + p.signature,
      p.header + "." + p.payload,
      good + ".",
      "." + good,
      good + "." + p.signature,
      good + ".." + p.signature,
      good + "." + p.payload + "." + p.signature,
      jwe,
      p.header + ".." + p.signature,
      "." + p.payload + "." + p.signature,
      ".",
      "..",
      "...",
      "....",
  };
  for (const auto& t : cases) {
    INFO("token " << t);
    CHECK_ERROR(v.verify_at(t, t0), errc::malformed_token);
  }
  // An empty signature is a wrong MAC, not a wrong structure (SIG-2).
  CHECK_ERROR(v.verify_at(p.header + "." + p.payload + ".", t0), errc::invalid_signature);

  // Wycheproof: the structural tests of the HS256 groups of both JOSE files.
  int wycheproof = 0;
  for (const char* file : {"json_web_signature_test.json", "json_web_crypto_test.json"}) {
    for (const auto& c : wycheproof_hs256(file)) {
      const bool structural = c.comment == "rejectsEmptyString" ||
                              c.comment.rfind("rejectsMissing", 0) == 0 ||
                              c.comment.rfind("rejectsExtra", 0) == 0;
      if (!structural) continue;
      INFO(file << " tcId " << c.id << " " << c.comment);
      CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), expected_code(c));
      ++wycheproof;
    }
  }
  CHECK(wycheproof == 2 * 11);
}

TEST_CASE("SYN-2: the JSON serialization and a JSON/compact polyglot are malformed_token",
          "[security][wycheproof]") {
  const auto v = make_verifier();
  const std::string good = good_token();
  CHECK_OK(v.verify_at(good, t0));
  const auto p = test::split(good);
  const json flat = {{"protected", p.header}, {"payload", p.payload}, {"signature", p.signature}};
  const json general = {
      {"payload", p.payload},
      {"signatures", json::array({{{"protected", p.header}, {"signature", p.signature}}})}};
  // Tervoort (Black Hat USA 2023), CVE-2022-39227: a string that one parser reads as the compact
  // token and another as JSON carrying a different payload.
  const std::string other_payload = test::b64(test::claims_text(R"("sub":"admin")"));
  const std::string polyglot = R"({"  )" + good + R"(  ":"","protected":")" + p.header +
                               R"(","payload":")" + other_payload + R"(","signature":")" +
                               p.signature + R"("})";
  for (const std::string& t : {flat.dump(), general.dump(), polyglot, "{" + good + "}",
                               "\"" + good + "\"", "[\"" + good + "\"]"}) {
    INFO("token " << t);
    CHECK_ERROR(v.verify_at(t, t0), errc::malformed_token);
  }
  // Wycheproof rejectsValidJsonSerialization.
  const auto c = wycheproof_jws(17);
  REQUIRE(c.comment == "rejectsValidJsonSerialization");
  CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::malformed_token);
}

TEST_CASE("SYN-3: bytes outside the Base64URL alphabet anywhere in a segment are malformed_token",
          "[security][wycheproof]") {
  const auto v = make_verifier();
  const std::string good = good_token();
  CHECK_OK(v.verify_at(good, t0));
  const std::string forbidden[] = {
      "+",   "/",    "=",      " ",        "\t",   "\r", "\n", std::string(1, '\0'),
      "%2E", "\"",   "\\",     "\xC3\xA9", "\x80", "~",  "*",  "{",
      ":",   "\r\n", "Bearer "};
  int n = 0;
  for (int seg = 0; seg < 3; ++seg) {
    const auto p = test::split(good);
    const std::string& s = seg == 0 ? p.header : seg == 1 ? p.payload : p.signature;
    for (const auto& bad : forbidden) {
      for (const std::size_t at : {std::size_t{0}, s.size() / 2, s.size()}) {
        std::string mutated = s;
        mutated.insert(at, bad);
        INFO("segment " << seg << " at " << at << " inserted bytes of length " << bad.size());
        CHECK_ERROR(v.verify_at(test::with_segment(good, seg, mutated), t0), errc::malformed_token);
        ++n;
      }
    }
    for (const char* pad : {"=", "==", "==="}) {
      INFO("segment " << seg << " padded with " << pad);
      CHECK_ERROR(v.verify_at(test::with_segment(good, seg, s + pad), t0), errc::malformed_token);
    }
    // Standard Base64 spellings of the same bytes ('-' and '_' mapped to '+' and '/').
    std::string standard = s;
    bool changed = false;
    for (auto& ch : standard) {
      if (ch == '-' || ch == '_') {
        ch = ch == '-' ? '+' : '/';
        changed = true;
      }
    }
    if (changed)
      CHECK_ERROR(v.verify_at(test::with_segment(good, seg, standard), t0), errc::malformed_token);
  }
  CHECK(n == 3 * 19 * 3);
  // A leftover scheme or surrounding whitespace is never trimmed.
  for (const std::string& t : {"Bearer " + good, "bearer " + good, " " + good, good + " ",
                               good + "\n", good + "\r\n", "\t" + good}) {
    CHECK_ERROR(v.verify_at(t, t0), errc::malformed_token);
  }
  // Wycheproof JWS tcId 371-373. 372 and 373 are marked valid upstream: a '?' inserted into the
  // header or payload segment next to tcId 357's MAC. lightjwt refuses them on purpose: the
  // segment is not Base64URL (RFC 7515 §2), and accepting it would let many strings verify as
  // one token (SECURITY-CATALOG SYN-3).
  const auto control = wycheproof_jws(357);
  CHECK(signature_holds(key_of(control), control.jws));
  for (const int id : {371, 372, 373}) {
    const auto c = wycheproof_jws(id);
    INFO("tcId " << id << " " << c.comment << " (upstream: " << c.result << ")");
    CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::malformed_token);
  }
}

TEST_CASE("SYN-4: non-zero unused bits and impossible segment lengths are malformed_token",
          "[security][wycheproof]") {
  const auto v = make_verifier();
  // Header of 28 bytes (4 unused bits in its last character), claims of 3k+2 bytes (2 unused
  // bits), and a 32-byte MAC (2 unused bits).
  const std::string header = pad_mod3(std::string(plain_header), 1);
  const std::string claims = pad_mod3(good_claims(), 2);
  const std::string good = token(claims, header);
  CHECK_OK(v.verify_at(good, t0));
  const auto& alphabet = lightjwt::base64url::detail::alphabet;
  const auto& table = lightjwt::base64url::detail::decode_table;
  int flips = 0;
  for (int seg = 0; seg < 3; ++seg) {
    const auto p = test::split(good);
    const std::string& s = seg == 0 ? p.header : seg == 1 ? p.payload : p.signature;
    const std::size_t unused = s.size() % 4 == 2 ? 4 : s.size() % 4 == 3 ? 2 : 0;
    REQUIRE(unused > 0);
    for (std::size_t bit = 0; bit < unused; ++bit) {
      std::string mutated = s;
      const std::uint8_t index = table[static_cast<unsigned char>(mutated.back())];
      mutated.back() = alphabet[static_cast<std::size_t>(index ^ (1U << bit))];
      // The mutation decodes to the same bytes under a lenient decoder: one token, two spellings.
      INFO("segment " << seg << " unused bit " << bit);
      CHECK_ERROR(v.verify_at(test::with_segment(good, seg, mutated), t0), errc::malformed_token);
      ++flips;
    }
    // Cut to a length of 1 mod 4, which no byte string encodes to.
    std::string cut = s;
    while (cut.size() % 4 != 1) cut.pop_back();
    INFO("segment " << seg << " cut to " << cut.size());
    CHECK_ERROR(v.verify_at(test::with_segment(good, seg, cut), t0), errc::malformed_token);
  }
  CHECK(flips == 8);
  // Wycheproof JWS tcId 374 (ModifiedUnusedBitsInPayload) and 375.
  for (const int id : {374, 375}) {
    const auto c = wycheproof_jws(id);
    INFO("tcId " << id << " " << c.comment);
    CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::malformed_token);
  }
}

TEST_CASE("SYN-5: a header or claims that are not a JSON object are malformed_token",
          "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* payload :
       {"[]", "[{}]", "\"x\"", "1", "null", "true", " ", "Test", "[{\"exp\":9999999999}]"}) {
    INFO("payload " << payload);
    const std::string t = token(payload);
    CHECK_ERROR(v.verify_at(t, t0), errc::malformed_token);
    // Only after the signature holds (ALG-11).
    CHECK_ERROR(v.verify_at(test::corrupt_signature(t), t0), errc::invalid_signature);
  }
  // An empty payload segment cannot be a JWT at all.
  const auto p = test::split(good_token());
  CHECK_ERROR(v.verify_at(test::resign(the_key(), p.header + ".." + p.signature), t0),
              errc::malformed_token);
  for (const char* header : {"[]", "\"HS256\"", "null", "[{\"alg\":\"HS256\"}]"}) {
    INFO("header " << header);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::malformed_token);
  }
}

TEST_CASE(
    "SYN-6: every encoder output is compact Base64URL and verifies, and the caller cannot "
    "set alg",
    "[security]") {
  // The caller's header options have no alg member, so a caller-chosen alg cannot even be
  // written; claims named like header parameters stay claims.
  static_assert(!has_alg_member<lightjwt::header_options>::value);
  const auto k = test::test_key(3);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> len(0, 40);
  std::uniform_int_distribution<int> ch(0x20, 0x7E);
  const auto e256 = lightjwt::encoder<hs256>::create(k).value();
  const auto e384 = lightjwt::encoder<hs384>::create(k).value();
  const auto e512 = lightjwt::encoder<hs512>::create(k).value();
  // One verifier per algorithm, each with the single key the encoders use.
  hs_verifier::builder b256;
  b256.key(hs256{}, k);
  lightjwt::verifier<hs384>::builder b384;
  b384.key(hs384{}, k);
  lightjwt::verifier<hs512>::builder b512;
  b512.key(hs512{}, k);
  const auto v256 = b256.build().value();
  const auto v384 = b384.build().value();
  const auto v512 = b512.build().value();
  for (int i = 0; i < 60; ++i) {
    std::string s;
    for (int n = len(rng); n > 0; --n) s += static_cast<char>(ch(rng));
    const json c = {{"exp", t0 + 60}, {"sub", s}, {"alg", "none"}, {"x", json::array({s, i})}};
    INFO("claims " << c.dump());
    const int a = i % 3;
    const auto t = a == 0 ? e256.sign(c) : a == 1 ? e384.sign(c) : e512.sign(c);
    REQUIRE(t.has_value());
    bool compact = std::count(t->begin(), t->end(), '.') == 2;
    for (const char x : *t) {
      compact = compact && (std::isalnum(static_cast<unsigned char>(x)) != 0 || x == '-' ||
                            x == '_' || x == '.');
    }
    CHECK(compact);
    const auto r = a == 0   ? v256.verify_at(*t, t0)
                   : a == 1 ? v384.verify_at(*t, t0)
                            : v512.verify_at(*t, t0);
    REQUIRE(r.has_value());
    CHECK(r->alg() == (a == 0 ? "HS256" : a == 1 ? "HS384" : "HS512"));
    CHECK(r->claims_json().value() == c);
  }
}

// ================================================================================== JSON

TEST_CASE("JSON-1: duplicate member names in the header or the claims are duplicate_member",
          "[security]") {
  const auto v = make_verifier([](auto& b) { b.ignore_audience(); });
  CHECK_OK(v.verify_at(good_token(), t0));
  const std::string exp = std::to_string(t0 + 3600);
  for (const char* header :
       {R"({"alg":"RS256","alg":"HS256"})", R"({"alg":"HS256","alg":"HS256"})",
        R"({"alg":"HS256","kid":"a","kid":"b"})", R"({"alg":"HS256","typ":"JWT","typ":"at+jwt"})",
        R"({"alg":"HS256","x":{"a":1,"a":2}})"}) {
    INFO("header " << header);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::duplicate_member);
  }
  for (const std::string& claims :
       {R"({"exp":1,"exp":)" + exp + "}", R"({"exp":)" + exp + R"(,"aud":"a","aud":"b"})",
        R"({"exp":)" + exp + R"(,"sub":"a","sub":"admin"})",
        R"({"exp":)" + exp + R"(,"x":{"y":{"z":1,"z":2}}})",
        R"({"exp":)" + exp + R"(,"x":[{"a":1},{"b":1,"b":2}]})"}) {
    INFO("claims " << claims);
    CHECK_ERROR(v.verify_at(token(claims), t0), errc::duplicate_member);
    CHECK_ERROR(v.verify_at(test::corrupt_signature(token(claims)), t0), errc::invalid_signature);
  }
  // The same name in different objects is no duplicate.
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"x":{"exp":1},"y":[{"exp":2}]})"), t0));
}

TEST_CASE("JSON-2: duplicates hidden by escapes are duplicate_member", "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* header :
       {R"({"alg":"HS256","\u0061lg":"none"})", R"({"alg":"HS256","al\u0067":"HS256"})",
        R"({"a\u006Cg":"none","alg":"HS256"})",
        R"({"alg":"HS256","\u0061\u006c\u0067":"HS256"})"}) {
    INFO("header " << header);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::duplicate_member);
  }
  const std::string exp = std::to_string(t0 + 3600);
  for (const std::string& claims :
       {R"({"exp":)" + exp + R"(,"\u0065xp":1})",
        R"({"exp":)" + exp + R"(,"sub":"a","s\u0075b":"admin"})",
        R"({"exp":)" + exp + R"(,"x":{"\u00e9":1,"\u00c9":2,"é":3}})"}) {
    INFO("claims " << claims);
    CHECK_ERROR(v.verify_at(token(claims), t0), errc::duplicate_member);
  }
  // An escaped name that is not a duplicate is read as its unescaped self.
  const auto r = v.verify_at(token(R"({"\u0065xp":)" + exp + R"(,"s\u0075b":"u"})"), t0);
  REQUIRE(r.has_value());
  CHECK(r->sub() == "u");
  CHECK(r->exp() == t0 + 3600);
}

TEST_CASE("JSON-3: invalid UTF-8 anywhere and unpaired surrogate escapes are invalid_utf8",
          "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  const std::string exp = std::to_string(t0 + 3600);
  const char* bad_bytes[] = {"\xC0\xAF",
                             "\xC1\xBF",
                             "\xE0\x80\xAF",
                             "\xED\xA0\x80",
                             "\xED\xBF\xBF",
                             "\xF4\x90\x80\x80",
                             "\xF5\x80\x80\x80",
                             "\xE2\x82",
                             "\xF0\x9F\x98",
                             "\x80",
                             "\xBF",
                             "\xFE",
                             "\xFF",
                             "\xC3",
                             "\xF8\x88\x80\x80\x80"};
  for (const char* bad : bad_bytes) {
    const std::string b = bad;
    INFO("bytes of length " << b.size());
    const std::string in_key = R"({"exp":)" + exp + R"(,"k)" + b + R"(":1})";
    const std::string in_iss = R"({"exp":)" + exp + R"(,"iss":"a)" + b + R"("})";
    const std::string in_ignored = R"({"exp":)" + exp + R"(,"note":[{"x":"a)" + b + R"("}]})";
    for (const auto& claims : {in_key, in_iss, in_ignored}) {
      CHECK_ERROR(v.verify_at(token(claims), t0), errc::invalid_utf8);
      CHECK_ERROR(v.verify_at(test::corrupt_signature(token(claims)), t0), errc::invalid_signature);
    }
    CHECK_ERROR(v.verify_at(token(good_claims(), header_with(R"("x":"a)" + b + "\"")), t0),
                errc::invalid_utf8);
    CHECK_ERROR(v.verify_at(token(good_claims(), header_with("\"" + b + "\":1")), t0),
                errc::invalid_utf8);
  }
  for (const char* escape : {R"(\uD800)", R"(\uDC00)", R"(\uD800\u0041)", R"(\uDBFF)",
                             R"(\uDE00\uD83D)", R"(\uD83D\uD83D)", R"(\uD800x)"}) {
    INFO("escape " << escape);
    CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,"sub":")" + escape + "\"}"), t0),
                errc::invalid_utf8);
    CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,")" + escape + "\":1}"), t0),
                errc::invalid_utf8);
    CHECK_ERROR(
        v.verify_at(token(good_claims(), header_with(R"("kid":")" + std::string(escape) + "\"")),
                    t0),
        errc::invalid_utf8);
  }
  // A valid pair decodes to the 4 bytes of U+1F600.
  const auto r =
      v.verify_at(token(R"({"exp":)" + exp + R"(,"sub":"\uD83D\uDE00","x":"\ud83d\ude00"})"), t0);
  REQUIRE(r.has_value());
  CHECK(r->sub() == "\xF0\x9F\x98\x80");
  CHECK(r->get_string("x").value() == "\xF0\x9F\x98\x80");
  CHECK(r->claims_json().value().at("sub") == "\xF0\x9F\x98\x80");
}

TEST_CASE("JSON-4: a byte-order mark is malformed_token and UTF-16 or UTF-32 is invalid_utf8",
          "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  const std::string bom = "\xEF\xBB\xBF";
  CHECK_ERROR(v.verify_at(token(good_claims(), bom + std::string(plain_header)), t0),
              errc::malformed_token);
  CHECK_ERROR(v.verify_at(token(bom + good_claims()), t0), errc::malformed_token);
  CHECK_ERROR(v.verify_at(test::corrupt_signature(token(bom + good_claims())), t0),
              errc::invalid_signature);
  CHECK_ERROR(v.verify_at(token(good_claims(), utf16(plain_header, true)), t0), errc::invalid_utf8);
  CHECK_ERROR(v.verify_at(token(good_claims(), utf16(plain_header, false)), t0),
              errc::invalid_utf8);
  CHECK_ERROR(v.verify_at(token(utf16(good_claims(), true)), t0), errc::invalid_utf8);
  CHECK_ERROR(v.verify_at(token(utf16(utf16(good_claims(), true), true)), t0), errc::invalid_utf8);
  // A BOM-prefixed UTF-16 header is refused too.
  CHECK_NOTHROW(v.verify_at(token(good_claims(), "\xFF\xFE" + utf16(plain_header, true)), t0));
  CHECK_FALSE(v.verify_at(token(good_claims(), "\xFF\xFE" + utf16(plain_header, true)), t0));
}

TEST_CASE("JSON-5: non-JSON syntax is malformed_token and insignificant whitespace is legal",
          "[security][wycheproof]") {
  const auto v = make_verifier();
  const std::string exp = std::to_string(t0 + 3600);
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + "}"), t0));
  const std::string cases[] = {
      R"({"exp":)" + exp + " /* comment */}",
      R"({"exp":)" + exp + "} // comment",
      R"({"exp":)" + exp + ",}",
      R"({"exp":)" + exp + R"(,"a":[1,2,]})",
      R"({'exp':)" + exp + "}",
      R"({exp:)" + exp + "}",
      R"({"exp":)" + exp + R"(,"a":'x'})",
      R"({"exp":NaN})",
      R"({"exp":Infinity})",
      R"({"exp":-Infinity})",
      R"({"exp":01})",
      R"({"exp":+1})",
      R"({"exp":0x1})",
      R"({"exp":1.})",
      R"({"exp":.5})",
      R"({"exp":1e})",
      R"({"exp":-})",
      R"({"exp":)" + exp + ",\"a\":\"x\x01y\"}",
      R"({"exp":)" + exp + ",\"a\":\"x\ty\"}",
      R"({"exp":)" + exp + ",\"a\":\"x\ny\"}",
      R"({"exp":)" + exp + ",\"a\":\"x\x1Fy\"}",
      R"({"exp":)" + exp + ",\"a\":\"x" + std::string(1, '\0') + "y\"}",
      R"({"exp":)" + exp + "}x",
      R"({"exp":)" + exp + "}{}",
      R"({"exp":)" + exp + "}]",
      R"({"exp":)" + exp,
      R"({"exp":)" + exp + R"(,"a":tru})",
      R"({"exp":)" + exp + R"(,"a":True})",
      R"({"exp":)" + exp + R"(,"a":"\x"})",
      R"({"exp":)" + exp + R"(,"a":"\u12"})",
      R"({"exp":)" + exp + R"(,"a":"\U0041"})",
      R"({"exp":)" + exp + R"(,"a" 1})",
      R"({"exp":)" + exp + R"(;"a":1})",
      R"({"exp":)" + exp + "\v}",
      R"({"exp":)" + exp + "\f}",
      "\xC2\xA0"
      R"({"exp":)" +
          exp + "}",
  };
  for (const auto& c : cases) {
    INFO("claims " << c);
    CHECK_ERROR(v.verify_at(token(c), t0), errc::malformed_token);
    CHECK_ERROR(v.verify_at(test::corrupt_signature(token(c)), t0), errc::invalid_signature);
  }
  for (const char* header : {R"({"alg":"HS256",})", R"({"alg":'HS256'})", R"({alg:"HS256"})",
                             R"({"alg":"HS256"} )"
                             "x",
                             "{\"alg\":\"HS\x01\"}"}) {
    INFO("header " << header);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::malformed_token);
  }
  // RFC 8259 §2: space, tab, LF and CR around every token are fine.
  CHECK_OK(
      v.verify_at(token(" \t\r\n{ \"exp\" :\r\n\t" + exp + " , \"a\" : [ 1 , { } ] }\n "), t0));
  CHECK_OK(v.verify_at(token(good_claims(), "\n{ \"alg\"\t:\r\"HS256\" }\n"), t0));
  // Wycheproof JWS tcId 377 (ValidWhiteSpaceInJsonHeader): its MAC holds over the header as
  // received; its payload "Test" is not JSON, so a JWT verifier then says malformed_token. The
  // same header over JSON claims, MACed with the group's key, verifies.
  const auto c = wycheproof_jws(377);
  const auto k = key_of(c);
  CHECK(signature_holds(k, c.jws));
  CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::malformed_token);
  const std::string header377 = test::unb64_text(test::split(c.jws).header);
  CHECK(header377 == "{\"kid\":\"hs256-key\",\n\t\"alg\":\"HS256\"}");
  CHECK_OK(verifier_for(c).verify_at(test::make_token(k, header377, good_claims()), t0));
}

TEST_CASE(
    "JSON-6: U+0000 in an identifier is invalid_header in the header and "
    "invalid_claim_type in the claims",
    "[security]") {
  const auto v = make_verifier([](auto& b) { b.critical("x"); });
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* member :
       {R"("alg":"HS256\u0000")", R"("kid":"k1\u0000../x")", R"("typ":"JWT\u0000")",
        R"("cty":"\u0000")", R"("crit":["x\u0000"],"x\u0000":1)"}) {
    INFO("header member " << member);
    const std::string header = std::string_view(member).substr(0, 6) == R"("alg":)"
                                   ? "{" + std::string(member) + "}"
                                   : header_with(member);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::invalid_header);
  }
  const auto with_aud = make_verifier([](auto& b) { b.audience("api"); });
  for (const char* member :
       {R"("iss":"https://idp.example\u0000x")", R"("sub":"admin\u0000x")", R"("aud":"api\u0000")",
        R"("aud":["api","x\u0000"])", R"("jti":"\u0000")"}) {
    INFO("claim " << member);
    CHECK_ERROR(with_aud.verify_at(token(test::claims_text(member)), t0), errc::invalid_claim_type);
  }
  // Other strings keep their full length.
  const auto r = v.verify_at(token(test::claims_text(R"("note":"admin\u0000x")")), t0);
  REQUIRE(r.has_value());
  CHECK(r->get_string("note").value() == std::string("admin\0x", 7));
  CHECK_FALSE(r->claim_equals("note", "admin"));
}

TEST_CASE("JSON-7: the scanner and the DOM read every number literal alike or both refuse it",
          "[security]") {
  const auto v = make_verifier();
  const std::string exp = std::to_string(t0 + 3600);
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"x":1})"), t0));
  const char* literals[] = {"0",
                            "-0",
                            "1E9",
                            "1000000000",
                            "1000000000.0",
                            "1e-400",
                            "-1e-400",
                            "1e400",
                            "-1e400",
                            "1e308",
                            "1.7976931348623157e308",
                            "1.7976931348623159e308",
                            "4.9e-324",
                            "2.2250738585072014e-308",
                            "1234567890123456789012345",
                            "-9223372036854775808",
                            "9223372036854775807",
                            "9223372036854775808",
                            "18446744073709551615",
                            "18446744073709551616",
                            "0.1",
                            "1e+2",
                            "1E-2",
                            "123.456e7"};
  for (const char* lit : literals) {
    INFO("literal " << lit);
    const std::string claims = R"({"exp":)" + exp + R"(,"x":)" + lit + "}";
    const auto dom = json::parse(claims, nullptr, false);
    const auto r = v.verify_at(token(claims), t0);
    if (dom.is_discarded()) {
      CHECK_ERROR(r, errc::malformed_token);
    } else {
      REQUIRE(r.has_value());
      const auto mine = r->claims_json();
      REQUIRE(mine.has_value());
      CHECK(mine->at("x") == dom.at("x"));
      std::int64_t i = 0;
      const auto as_int = r->get_int64("x");
      if (dom.at("x").is_number_integer() && !dom.at("x").is_number_unsigned()) {
        i = dom.at("x").get<std::int64_t>();
        CHECK(as_int.value() == i);
      } else if (dom.at("x").is_number_unsigned() &&
                 dom.at("x").get<std::uint64_t>() <=
                     static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        CHECK(as_int.value() == static_cast<std::int64_t>(dom.at("x").get<std::uint64_t>()));
      } else {
        CHECK_ERROR(as_int, errc::invalid_claim_type);
      }
    }
  }
  // As NumericDates, spellings of one value are one value.
  for (const char* spelling :
       {"1700003600", "1700003600.0", "1.7000036E9", "17000036e2", "1700003600.000000001"}) {
    INFO("exp " << spelling);
    const auto r = v.verify_at(token(std::string(R"({"exp":)") + spelling + "}"), t0);
    REQUIRE(r.has_value());
    CHECK(r->exp() == 1700003600);
  }
  for (const char* zero : {"-0", "0e5", "1e-400", "-0.0"}) {
    INFO("exp " << zero);
    CHECK_ERROR(v.verify_at(token(std::string(R"({"exp":)") + zero + "}"), t0),
                errc::token_expired);
  }
  CHECK_ERROR(v.verify_at(token(R"({"exp":1234567890123456789012345})"), t0),
              errc::invalid_claim_type);
  CHECK_ERROR(v.verify_at(token(R"({"exp":1e400})"), t0), errc::malformed_token);
}

TEST_CASE("JSON-8: for accepted inputs the scanner's registered claims equal the DOM's",
          "[security]") {
  // A small seed corpus run as an ordinary test; the fuzz target extends it.
  const auto v = make_verifier([](auto& b) { b.ignore_audience(); });
  const std::string exp = std::to_string(t0 + 3600);
  const std::string seeds[] = {
      R"({"exp":)" + exp + "}",
      R"({"exp":)" + exp + R"(,"iss":"a\/b\\c\"d","sub":"\u00e9\u4e2d\ud83d\ude00"})",
      R"({"exp":)" + exp + R"(,"aud":["x","\u0079",""],"jti":"\t\n"})",
      R"({"exp":)" + exp + R"(.5,"nbf":1.5,"iat":2.000001})",
      R"({"exp":)" + exp + R"(,"aud":"solo","nested":{"iss":"not me","exp":1}})",
      R"({"x":[],"exp":)" + exp + R"(,"y":{},"z":[[],[{}]],"sub":""})",
      " {\"exp\" : " + exp + " ,\"iss\":\"\\u0000x\\u001f\"}",
      R"({"exp":)" + exp + R"(e0,"sub":"\b\f\n\r\t\/"})",
      R"({"exp":)" + exp + R"(,"iss":"\uFFFF\uFEFF","sub":"﻿"})",
  };
  int accepted = 0;
  for (const auto& s : seeds) {
    INFO("claims " << s);
    const auto r = v.verify_at(token(s), t0);
    const auto dom = json::parse(s, nullptr, false);
    if (!r) {
      // The only refusal allowed here is a claim-type one; the DOM must still parse.
      CHECK(r.error() == errc::invalid_claim_type);
      CHECK_FALSE(dom.is_discarded());
      continue;
    }
    ++accepted;
    REQUIRE_FALSE(dom.is_discarded());
    const auto mine = r->claims_json();
    REQUIRE(mine.has_value());
    CHECK(*mine == dom);
    CHECK(r->exp() == static_cast<std::int64_t>(std::floor(dom.at("exp").get<double>())));
    if (dom.contains("nbf")) {
      CHECK(r->nbf() == static_cast<std::int64_t>(std::ceil(dom.at("nbf").get<double>())));
    }
    if (dom.contains("iat")) {
      CHECK(r->iat() == static_cast<std::int64_t>(std::ceil(dom.at("iat").get<double>())));
    }
    for (const char* name : {"iss", "sub", "jti"}) {
      const auto mine_value = std::string(name) == "iss"   ? r->iss()
                              : std::string(name) == "sub" ? r->sub()
                                                           : r->jti();
      CHECK(mine_value.has_value() == dom.contains(name));
      if (dom.contains(name)) CHECK(*mine_value == dom.at(name).get<std::string>());
    }
    if (dom.contains("aud")) {
      const json& a = dom.at("aud");
      REQUIRE(r->aud().size() == (a.is_string() ? 1 : a.size()));
      for (std::size_t i = 0; i < r->aud().size(); ++i) {
        CHECK(r->aud()[i] == (a.is_string() ? a : a.at(i)).get<std::string>());
      }
    }
  }
  CHECK(accepted >= 8);
}

TEST_CASE("JSON-9: typed access to a mistyped claim returns a code and never throws",
          "[security]") {
  // The -fno-exceptions -DJSON_NOEXCEPTION build of this suite is the other half of this row.
  const auto v = make_verifier([](auto& b) { b.ignore_audience(); });
  const auto r = v.verify_at(
      token(test::claims_text(R"("s":"x","n":1,"b":true,"z":null,"a":[1],"o":{"k":1},"f":1.5)")),
      t0);
  REQUIRE(r.has_value());
  for (const char* name : {"s", "n", "b", "z", "a", "o", "f", "absent"}) {
    INFO(name);
    CHECK_NOTHROW((void)r->get_string(name));
    CHECK_NOTHROW((void)r->get_int64(name));
    CHECK_NOTHROW((void)r->get_bool(name));
    CHECK_NOTHROW((void)r->claim_equals(name, "x"));
    CHECK_NOTHROW((void)r->has_claim(name));
  }
  CHECK_ERROR(r->get_string("n"), errc::invalid_claim_type);
  CHECK_ERROR(r->get_int64("s"), errc::invalid_claim_type);
  CHECK_ERROR(r->get_bool("z"), errc::invalid_claim_type);
  CHECK_ERROR(r->get_int64("f"), errc::invalid_claim_type);
  CHECK_ERROR(r->get_string("absent"), errc::missing_claim);
  CHECK_NOTHROW((void)r->claims_json());
}

// =================================================================================== ALG

TEST_CASE("ALG-1: alg none in every spelling is algorithm_not_allowed",
          "[security][rfc7515][rfc7519][wycheproof]") {
  const auto v = make_verifier();
  const std::string good = good_token();
  CHECK_OK(v.verify_at(good, t0));
  const auto p = test::split(good);
  for (const char* none : {"none", "None", "NONE", "nOnE", "noNE", "NoNe"}) {
    INFO("alg " << none);
    const std::string header = R"({"alg":")" + std::string(none) + R"(","typ":"JWT"})";
    const std::string unsigned_token = test::b64(header) + "." + p.payload + ".";
    CHECK_ERROR(v.verify_at(unsigned_token, t0), errc::algorithm_not_allowed);
    // With a signature (the HS256 MAC of the input, or the original one) it is no better.
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::algorithm_not_allowed);
    CHECK_ERROR(v.verify_at(unsigned_token + p.signature, t0), errc::algorithm_not_allowed);
  }
  // With keys of every HS algorithm bound, and a kid that names one of them.
  lightjwt::verifier<hs256, hs384, hs512>::builder b;
  b.key(hs256{}, the_key(), "k");
  const auto all = b.build().value();
  CHECK_OK(all.verify_at(token(good_claims(), R"({"alg":"HS256","kid":"k"})"), t0));
  CHECK_ERROR(all.verify_at(test::b64(R"({"alg":"none","kid":"k"})") + "." + p.payload + ".", t0),
              errc::algorithm_not_allowed);
  // Wycheproof JWS tcId 341-344 (AlgIsNone). Their group's key is an RSA key; the refusal does
  // not depend on any key, so the HS256 verifier gets them as they are.
  const auto doc = test::load_json("wycheproof/json_web_signature_test.json");
  int seen = 0;
  for (const auto& g : doc.at("testGroups")) {
    for (const auto& tc : g.at("tests")) {
      const int id = tc.at("tcId");
      if (id < 341 || id > 344) continue;
      INFO("tcId " << id);
      CHECK_ERROR(v.verify_at(tc.at("jws").get<std::string>(), t0), errc::algorithm_not_allowed);
      CHECK_ERROR(all.verify_at(tc.at("jws").get<std::string>(), t0), errc::algorithm_not_allowed);
      ++seen;
    }
  }
  CHECK(seen == 4);
  // Wycheproof rejectsNoneAlgorithmAndMissingSignature, in its own HS256-keyed group.
  for (const char* file : {"json_web_signature_test.json", "json_web_crypto_test.json"}) {
    for (const auto& c : wycheproof_hs256(file)) {
      if (c.comment != "rejectsNoneAlgorithmAndMissingSignature") continue;
      INFO(file << " tcId " << c.id);
      CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::algorithm_not_allowed);
    }
  }
  // The unsecured examples of RFC 7515 A.5 and RFC 7519 §6.1.
  for (const char* file :
       {"rfc/rfc7515_A.5_unsecured.json", "rfc/rfc7519_6.1_unsecured_jwt.json"}) {
    INFO(file);
    const auto x = test::load_json(file);
    CHECK_ERROR(v.verify_at(x.at("token").get<std::string>(), 1300819379),
                errc::algorithm_not_allowed);
  }
}

TEST_CASE("ALG-2: alg spellings must match exactly after unescaping", "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* alg :
       {"hs256", "Hs256", "hS256", "HS256 ", " HS256", "HS 256", "HS-256", "HS2560", "HS25", "HS",
        "HMAC-SHA256", "HS256\\t", "\xD0\x9DS256", "HS384", "HS512", "RS256", "\\u0068S256"}) {
    INFO("alg " << alg);
    CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":")" + std::string(alg) + "\"}"), t0),
                errc::algorithm_not_allowed);
  }
  // U+0000 in alg is a malformed header (JSON-6 decides before the allowlist is consulted).
  CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":"HS256\u0000"})"), t0),
              errc::invalid_header);
  for (const char* alg : {R"(["HS256"])", "null", "256", R"({"name":"HS256"})", "true"}) {
    INFO("alg " << alg);
    CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":)" + std::string(alg) + "}"), t0),
                errc::invalid_header);
  }
  // Escaped but equal: the comparison unescapes rather than matching bytes.
  for (const char* alg : {R"(\u0048S256)", R"(HS\u0032\u0035\u0036)", R"(\u0048\u0053256)"}) {
    INFO("alg " << alg);
    const auto r = v.verify_at(token(good_claims(), R"({"alg":")" + std::string(alg) + "\"}"), t0);
    REQUIRE(r.has_value());
    CHECK(r->alg() == "HS256");
  }
}

TEST_CASE("ALG-4: a token's alg must be the algorithm bound to the selected key", "[security]") {
  using all_hs = lightjwt::verifier<hs256, hs384, hs512>;
  const auto k = test::test_key(1);
  all_hs::builder b;
  b.key(hs256{}, k, "k256").key(hs384{}, k, "k384").key(hs512{}, k, "k512");
  const auto v = b.build().value();
  const std::string claims = good_claims();
  const auto make = [&](std::string_view alg, std::string_view kid) {
    const std::string header =
        R"({"alg":")" + std::string(alg) + R"(","kid":")" + std::string(kid) + "\"}";
    if (alg == "HS384") return test::make_token<hs384>(k, header, claims);
    if (alg == "HS512") return test::make_token<hs512>(k, header, claims);
    return test::make_token<hs256>(k, header, claims);
  };
  const char* algs[] = {"HS256", "HS384", "HS512"};
  const char* kids[] = {"k256", "k384", "k512"};
  for (int a = 0; a < 3; ++a) {
    for (int kk = 0; kk < 3; ++kk) {
      INFO("alg " << algs[a] << " kid " << kids[kk]);
      const auto r = v.verify_at(make(algs[a], kids[kk]), t0);
      if (a == kk) {
        CHECK_OK(r);
      } else {
        CHECK_ERROR(r, errc::algorithm_not_allowed);
      }
    }
  }
  for (const char* alg : {"HS1", "RS1", "ES256K", "HS224", "RS256", "PS256", "ES256", "EdDSA"}) {
    INFO("alg " << alg);
    CHECK_ERROR(v.verify_at(make(alg, "k256"), t0), errc::algorithm_not_allowed);
  }
}

TEST_CASE("ALG-5: alg, kid, typ and cty of the wrong shape are invalid_header", "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* header : {"{}", R"({"typ":"JWT"})", R"({"alg":null})", R"({"alg":1})",
                             R"({"alg":["HS256"]})", R"({"alg":{}})", R"({"alg":false})"}) {
    INFO("header " << header);
    CHECK_ERROR(v.verify_at(token(good_claims(), header), t0), errc::invalid_header);
  }
  // RFC 7515 §4.1.1 requires a value; the empty string names no algorithm at all.
  CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":""})"), t0), errc::invalid_header);
  for (const char* name : {"kid", "typ", "cty"}) {
    for (const char* value : {"1", "null", "true", "[]", R"(["a"])", "{}"}) {
      INFO(name << " = " << value);
      CHECK_ERROR(
          v.verify_at(token(good_claims(), header_with("\"" + std::string(name) + "\":" + value)),
                      t0),
          errc::invalid_header);
    }
  }
}

TEST_CASE(
    "ALG-6: an unknown crit extension is unsupported_critical_header and a malformed crit "
    "is invalid_header",
    "[security]") {
  // RFC 7515 Appendix E, with alg HS256 instead of none so that the crit rule is what decides.
  const std::string ext = "http://example.invalid/UNDEFINED";
  const std::string appendix_e =
      R"({"alg":"HS256","crit":[")" + ext + R"("],")" + ext + R"(":true})";
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(token(good_claims(), R"({"alg":"HS256",")" + ext + R"(":true})"), t0));
  const std::string t = token(good_claims(), appendix_e);
  CHECK_ERROR(v.verify_at(t, t0), errc::unsupported_critical_header);
  // With a handler registered for exactly that name, verification proceeds to the signature.
  const auto handled = make_verifier([&](auto& b) { b.critical(ext); });
  CHECK_OK(handled.verify_at(t, t0));
  CHECK_ERROR(handled.verify_at(test::corrupt_signature(t), t0), errc::invalid_signature);
  const auto other = make_verifier([&](auto& b) { b.critical(ext + "2"); });
  CHECK_ERROR(other.verify_at(t, t0), errc::unsupported_critical_header);
  // One handled and one unknown name.
  CHECK_ERROR(handled.verify_at(token(good_claims(), R"({"alg":"HS256","crit":[")" + ext +
                                                         R"(","y"],")" + ext + R"(":1,"y":2})"),
                                t0),
              errc::unsupported_critical_header);

  const auto handles_x = make_verifier([](auto& b) { b.critical("x"); });
  CHECK_OK(handles_x.verify_at(token(good_claims(), R"({"alg":"HS256","crit":["x"],"x":1})"), t0));
  for (const char* crit : {"[]", R"("x")", "{}", "null", "1", "[1]", "[null]", R"([["x"]])",
                           R"(["x","x"])", R"(["x","\u0078"])", R"(["alg"])", R"(["kid"])",
                           R"(["crit"])", R"(["zip"])", R"(["y"])", R"([""])", R"(["x",1])"}) {
    INFO("crit " << crit);
    const std::string header = R"({"alg":"HS256","crit":)" + std::string(crit) + R"(,"x":1})";
    CHECK_ERROR(handles_x.verify_at(token(good_claims(), header), t0), errc::invalid_header);
  }
  // A registered name cannot even be declared as an extension.
  hs_verifier::builder b;
  b.key(hs256{}, the_key()).critical("kid");
  CHECK_ERROR(b.build(), errc::invalid_argument);
}

TEST_CASE("ALG-7: the RFC 7797 b64:false example is refused with and without crit",
          "[security][rfc7515][rfc7520]") {
  const auto doc = test::load_json("jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json");
  const auto a1 = test::load_json("rfc/rfc7515_A.1_hs256.json");
  // The example uses the RFC 7515 A.1 key.
  REQUIRE(doc.at("input").at("key").at("k") == a1.at("jwk").at("k"));
  const auto k = test::key_from_jwk(doc.at("input").at("key"));
  hs_verifier::builder b;
  b.key(hs256{}, k).allow_missing_exp();
  const auto v = b.build().value();
  const std::string payload = doc.at("input").at("payload");  // "$.02"
  // The file's protected header lacks crit (a quirk of the cookbook copy) and its MAC is over
  // that header; RFC 7797 §4.2 prints the header with crit and the MAC below. Both MACs are over
  // the raw payload, which is what b64:false means.
  const std::string without_crit =
      test::unb64_text(doc.at("signing").at("protected_b64u").get<std::string>());
  const std::string file_sig = doc.at("signing").at("sig");
  CHECK(without_crit == R"({"alg":"HS256","b64":false})");
  CHECK(test::mac_b64<hs256>(k, test::b64(without_crit) + "." + payload) == file_sig);
  const std::string with_crit = R"({"alg":"HS256","b64":false,"crit":["b64"]})";
  const std::string rfc_sig = "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
  CHECK(test::mac_b64<hs256>(k, test::b64(with_crit) + "." + payload) == rfc_sig);

  // Positive control: the same key over a normal header verifies.
  CHECK_OK(v.verify_at(test::make_token(k, R"({"alg":"HS256"})", good_claims()), t0));
  struct form {
    std::string header;
    std::string sig;
    errc code;
  };
  for (const auto& [header, sig, code] :
       {form{with_crit, rfc_sig, errc::unsupported_critical_header},
        form{without_crit, file_sig, errc::invalid_header}}) {
    INFO("header " << header);
    // The unencoded forms of RFC 7797 §5: "$.02" holds a dot, and the detached form is empty.
    CHECK_ERROR(v.verify_at(test::b64(header) + "." + payload + "." + sig, t0),
                errc::malformed_token);
    CHECK_ERROR(v.verify_at(test::b64(header) + ".." + sig, t0), errc::malformed_token);
    // Base64URL-encoded payload: with the published MAC, and with a MAC over the encoded input.
    // The header rule decides before any signature is checked.
    CHECK_ERROR(v.verify_at(test::b64(header) + "." + test::b64(payload) + "." + sig, t0), code);
    CHECK_ERROR(v.verify_at(test::make_token(k, header, payload), t0), code);
    CHECK_ERROR(v.verify_at(test::make_token(k, header, good_claims()), t0), code);
  }
  // b64 true is refused the same way: it is an extension a JWT never uses (RFC 7797 §7).
  CHECK_ERROR(v.verify_at(test::make_token(k, R"({"alg":"HS256","b64":true})", good_claims()), t0),
              errc::invalid_header);
  hs_verifier::builder handles_b64;
  handles_b64.key(hs256{}, k).critical("b64");
  CHECK_ERROR(handles_b64.build(), errc::insecure_configuration);
}

TEST_CASE("ALG-8: keys and key URLs carried by the token are never trusted or fetched",
          "[security]") {
  // A loopback listener stands in for the attacker's server: nothing may connect to it.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);  // NOLINT
  REQUIRE(::listen(listener, 8) == 0);
  socklen_t addr_len = sizeof addr;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &addr_len) == 0);  // NOLINT
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/jwks.json";

  const auto attacker = test::test_key(66);
  const std::string attacker_jwk =
      json({{"kty", "oct"}, {"k", test::b64(test::key_bytes(64, 66))}}).dump();
  const std::string cert = test::detail::std_base64(test::public_key_encodings().at(3).bytes);
  const std::string members[] = {
      R"("jwk":)" + attacker_jwk,
      R"("jku":")" + url + "\"",
      R"("x5u":")" + url + "\"",
      R"("x5c":[")" + cert + "\"]",
      R"("x5t":"dGVzdA")",
      R"("x5t#S256":"dGVzdA")",
      R"("jwk":)" + attacker_jwk + R"(,"jku":")" + url + R"(","x5u":")" + url + "\"",
  };
  const auto anonymous = make_verifier();
  const auto with_ids = [] {
    hs_verifier::builder b;
    b.key(hs256{}, the_key(), "ours");
    return b.build().value();
  }();
  for (const auto& m : members) {
    INFO("header member " << m.substr(0, 60));
    // Positive control: the parameters are ignored for trust, so our own key still verifies.
    CHECK_OK(anonymous.verify_at(token(good_claims(), header_with(m)), t0));
    // Signed with the attacker's key (the one embedded or pointed to).
    CHECK_ERROR(anonymous.verify_at(test::make_token(attacker, header_with(m), good_claims()), t0),
                errc::invalid_signature);
    CHECK_ERROR(
        with_ids.verify_at(
            test::make_token(attacker, header_with(m + R"(,"kid":"attacker")"), good_claims()), t0),
        errc::key_not_found);
  }
  // Nothing connected.
  REQUIRE(::fcntl(listener, F_SETFL, O_NONBLOCK) == 0);
  const int conn = ::accept(listener, nullptr, nullptr);
  const int err = errno;
  CHECK(conn < 0);
  CHECK((err == EAGAIN || err == EWOULDBLOCK));
  if (conn >= 0) ::close(conn);
  ::close(listener);
}

TEST_CASE("ALG-9: a nested JWT announced by cty JWT is invalid_type", "[security]") {
  const auto v = make_verifier();
  const std::string inner = good_token();
  CHECK_OK(v.verify_at(inner, t0));
  // The outer token of RFC 7519 §5.2: its payload is the inner compact JWT.
  CHECK_ERROR(v.verify_at(token(inner, R"({"alg":"HS256","cty":"JWT"})"), t0), errc::invalid_type);
  // The same announcement over ordinary claims.
  CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":"HS256","cty":"JWT"})"), t0),
              errc::invalid_type);
  CHECK_ERROR(v.verify_at(token(good_claims(), R"({"alg":"HS256","cty":"jwt"})"), t0),
              errc::invalid_type);
}

TEST_CASE("ALG-10: unverified tokens cannot reach validators and failures carry no claims",
          "[security]") {
  static_assert(!std::is_convertible_v<lightjwt::unverified_token, lightjwt::verified_token>);
  static_assert(
      !std::is_constructible_v<lightjwt::verified_token, const lightjwt::unverified_token&>);
  static_assert(!std::is_invocable_v<lightjwt::claim_predicate, const lightjwt::unverified_token&>);
  static_assert(!std::is_default_constructible_v<lightjwt::verified_token>);
  const auto v = make_verifier();
  const std::string good = good_token();
  CHECK_OK(v.verify_at(good, t0));
  const auto bad = v.verify_at(test::corrupt_signature(good), t0);
  CHECK_ERROR(bad, errc::invalid_signature);
  CHECK_THROWS_AS(bad.value(), lightjwt::error);
  // The unverified view of the same forged token exists, but only as its own type.
  const auto u = lightjwt::decode_unverified(test::corrupt_signature(good));
  REQUIRE(u.has_value());
  CHECK(u->sub() == "user-1");
}

TEST_CASE("ALG-11: with a bad signature the answer is invalid_signature whatever the payload holds",
          "[security]") {
  const auto v = make_verifier([](auto& b) { b.audience("api"); });
  const std::string exp = std::to_string(t0 + 3600);
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"aud":"api"})"), t0));
  std::string members = "{";
  for (int i = 0; i < 257; ++i) members += "\"m" + std::to_string(i) + "\":0,";
  members += "\"exp\":" + exp + "}";
  std::string deep = R"({"exp":)" + exp + R"(,"aud":"api","d":)";
  for (int i = 0; i < 16; ++i) deep += "[";
  for (int i = 0; i < 16; ++i) deep += "]";
  deep += "}";
  const std::pair<std::string, errc> payloads[] = {
      {R"({"exp":)" + exp, errc::malformed_token},
      {"\xEF\xBB\xBF{}", errc::malformed_token},
      {"[]", errc::malformed_token},
      {"{\"exp\":" + exp + ",\"aud\":\"a\xff\"}", errc::invalid_utf8},
      {R"({"exp":1,"aud":"api"})", errc::token_expired},
      {deep, errc::nesting_too_deep},
      {R"({"exp":)" + exp + R"(,"aud":"api","aud":"api"})", errc::duplicate_member},
      {members, errc::limit_exceeded},
      {R"({"exp":)" + exp + R"(,"aud":"api","n":)" + std::string(65, '1') + "}",
       errc::limit_exceeded},
      {R"({"exp":"soon","aud":"api"})", errc::invalid_claim_type},
      {R"({"aud":"api"})", errc::missing_claim},
      {R"({"exp":)" + exp + R"(,"aud":"web"})", errc::invalid_audience},
      {R"({"exp":)" + exp + R"(,"aud":"api","nbf":)" + exp + "}", errc::token_not_yet_valid},
  };
  for (const auto& [payload, code] : payloads) {
    INFO("payload " << payload.substr(0, 80) << " → " << lightjwt::to_string(code));
    const std::string t = token(payload);
    CHECK_ERROR(v.verify_at(t, t0), code);
    for (const std::size_t at : {std::size_t{0}, std::size_t{31}}) {
      CHECK_ERROR(v.verify_at(test::corrupt_signature(t, at), t0), errc::invalid_signature);
    }
  }
}

// =================================================================================== KEY

TEST_CASE("KEY-1: HMAC secrets shorter than the hash are key_too_weak", "[security][wycheproof]") {
  static_assert(!std::is_constructible_v<lightjwt::hmac_key, const char*>);
  static_assert(!std::is_constructible_v<lightjwt::hmac_key, std::string>);
  static_assert(!std::is_convertible_v<std::string, lightjwt::bytes_view>);
  const auto bind = [](std::size_t n, int alg) -> std::error_code {
    const auto bytes = test::key_bytes(n, 4);
    auto k = lightjwt::hmac_key::from_bytes(bytes);
    if (!k) return k.error();
    if (alg == 256) return hs256::verify_context::create(*k).error();
    if (alg == 384) return hs384::verify_context::create(*k).error();
    return hs512::verify_context::create(*k).error();
  };
  for (const int alg : {256, 384, 512}) {
    const std::size_t hash = static_cast<std::size_t>(alg) / 8;
    INFO("HS" << alg);
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, hash - 1}) {
      INFO(n << " bytes");
      CHECK(bind(n, alg) == errc::key_too_weak);
    }
    CHECK(bind(hash, alg) == std::error_code());
    CHECK(bind(hash + 1, alg) == std::error_code());
  }
  // Wycheproof json_web_key_test.json tcId 10-12 and 16-18.
  const auto doc = test::load_json("wycheproof/json_web_key_test.json");
  int seen = 0;
  for (const auto& g : doc.at("testGroups")) {
    for (const auto& tc : g.at("tests")) {
      const int id = tc.at("tcId");
      if (!((id >= 10 && id <= 12) || (id >= 16 && id <= 18))) continue;
      const auto& jwk = g.at("private").at("keys").at(0);
      const auto bytes = test::unb64(jwk.at("k").get<std::string>());
      const std::string alg = jwk.at("alg");
      INFO("tcId " << id << " " << alg << " " << bytes.size() << " bytes");
      CHECK(bind(bytes.size(), std::stoi(alg.substr(2))) == errc::key_too_weak);
      ++seen;
    }
  }
  CHECK(seen == 6);
}

TEST_CASE("KEY-2: public keys and certificates offered as HMAC secrets are invalid_key",
          "[security]") {
  for (const auto& e : test::public_key_encodings()) {
    for (const std::string_view prefix : {"", "\n "}) {
      INFO(e.name << (prefix.empty() ? "" : " after \"\\n \""));
      std::vector<unsigned char> bytes(prefix.begin(), prefix.end());
      bytes.insert(bytes.end(), e.bytes.begin(), e.bytes.end());
      CHECK_ERROR(lightjwt::hmac_key::from_bytes(bytes), errc::invalid_key);
    }
  }
}

TEST_CASE(
    "KEY-8: duplicate kids are invalid_key and a token without kid facing two keys is "
    "key_not_found",
    "[security][wycheproof]") {
  const auto k1 = test::test_key(1);
  const auto k2 = test::test_key(2);
  const std::string t = test::make_token(k1, R"({"alg":"HS256"})", good_claims());
  hs_verifier::builder one;
  one.key(hs256{}, k1, "a");
  CHECK_OK(one.build().value().verify_at(t, t0));
  hs_verifier::builder two;
  two.key(hs256{}, k1, "a").key(hs256{}, k2, "b");
  const auto v2 = two.build().value();
  CHECK_ERROR(v2.verify_at(t, t0), errc::key_not_found);
  CHECK_OK(v2.verify_at(test::make_token(k1, R"({"alg":"HS256","kid":"a"})", good_claims()), t0));
  hs_verifier::builder dup;
  dup.key(hs256{}, k1, "a").key(hs256{}, k2, "a");
  CHECK_ERROR(dup.build(), errc::invalid_key);
  // Wycheproof json_web_key_test.json tcId 4 (DuplicateKid). Its second `k` has non-zero unused
  // bits, so a strict decoder refuses it before any key is built; the duplicate rule is checked
  // with the first key bound twice under the shared kid.
  const auto doc = test::load_json("wycheproof/json_web_key_test.json");
  for (const auto& g : doc.at("testGroups")) {
    for (const auto& tc : g.at("tests")) {
      if (tc.at("tcId") != 4) continue;
      const auto& keys = g.at("private").at("keys");
      REQUIRE(keys.size() == 2);
      REQUIRE(keys.at(0).at("kid") == keys.at(1).at("kid"));
      CHECK_ERROR(lightjwt::base64url::decode(keys.at(1).at("k").get<std::string>()),
                  errc::malformed_token);
      hs_verifier::builder b;
      b.key(hs256{}, test::key_from_jwk(keys.at(0)), keys.at(0).at("kid"));
      b.key(hs256{}, test::key_from_jwk(keys.at(0)), keys.at(1).at("kid"));
      CHECK_ERROR(b.build(), errc::invalid_key);
    }
  }
}

TEST_CASE("KEY-9: kid is an opaque, bounded id: unknown ids are key_not_found", "[security]") {
  hs_verifier::builder b;
  b.key(hs256{}, the_key(), "k1");
  const auto v = b.build().value();
  const auto with_kid = [](std::string_view kid_json) {
    return token(good_claims(), R"({"alg":"HS256","kid":)" + std::string(kid_json) + "}");
  };
  CHECK_OK(v.verify_at(with_kid(R"("k1")"), t0));
  for (const std::string& kid :
       {std::string(R"("../../dev/null")"), std::string(R"("' OR '1'='1")"),
        std::string(R"("k1/../k1")"), std::string(R"("%6b1")"), std::string(R"("http://evil/")"),
        std::string(R"("K1")"), std::string(R"("k2")"), std::string(R"("")"),
        "\"" + std::string(256, 'k') + "\""}) {
    INFO("kid " << kid.substr(0, 40));
    CHECK_ERROR(v.verify_at(with_kid(kid), t0), errc::key_not_found);
  }
  // U+0000 is refused as a malformed header (JSON-6).
  CHECK_ERROR(v.verify_at(with_kid(R"("k1\u0000")"), t0), errc::invalid_header);
  CHECK_ERROR(v.verify_at(with_kid("\"" + std::string(257, 'k') + "\""), t0), errc::limit_exceeded);
  // A 1 MiB kid: over the token size limit, and over the kid limit when the size is raised.
  const std::string huge = "\"" + std::string(1024 * 1024, 'k') + "\"";
  CHECK_ERROR(v.verify_at(with_kid(huge), t0), errc::token_too_large);
  hs_verifier::builder big;
  big.key(hs256{}, the_key(), "k1").max_token_size(2 * 1024 * 1024);
  CHECK_ERROR(big.build().value().verify_at(with_kid(huge), t0), errc::limit_exceeded);
}

TEST_CASE("KEY-10: tenant B's key cannot vouch for a token claiming issuer A", "[security]") {
  const auto ka = test::test_key(1);
  const auto kb = test::test_key(2);
  hs_verifier::builder b;
  b.key_for_issuer(hs256{}, ka, "a", "https://a.example")
      .key_for_issuer(hs256{}, kb, "b", "https://b.example")
      .issuer("https://a.example")
      .issuer("https://b.example");
  const auto v = b.build().value();
  const std::string claims_a = test::claims_text(R"("iss":"https://a.example")");
  CHECK_OK(v.verify_at(test::make_token(ka, R"({"alg":"HS256","kid":"a"})", claims_a), t0));
  CHECK_ERROR(v.verify_at(test::make_token(kb, R"({"alg":"HS256","kid":"b"})", claims_a), t0),
              errc::invalid_issuer);
}

// =================================================================================== SIG

TEST_CASE("SIG-1: a MAC wrong in its first or its last byte is invalid_signature", "[security]") {
  const auto k = test::test_key(1);
  const auto check = [&](auto s, std::size_t size) {
    using S = decltype(s);
    typename lightjwt::verifier<S>::builder b;
    b.key(S{}, k);
    const auto v = b.build().value();
    const std::string header = R"({"alg":")" + std::string(S::name) + "\"}";
    const std::string t = test::make_token<S>(k, header, good_claims());
    INFO(S::name);
    CHECK_OK(v.verify_at(t, t0));
    for (std::size_t at = 0; at < size; ++at) {
      CHECK_ERROR(v.verify_at(test::corrupt_signature(t, at), t0), errc::invalid_signature);
    }
  };
  check(hs256{}, 32);
  check(hs384{}, 48);
  check(hs512{}, 64);
}

TEST_CASE("SIG-2: a MAC that is not exactly the hash size is invalid_signature",
          "[security][wycheproof]") {
  const auto k = test::test_key(1);
  const auto check = [&](auto s) {
    using S = decltype(s);
    constexpr std::size_t hash = S::max_signature_size;
    typename lightjwt::verifier<S>::builder b;
    b.key(S{}, k);
    const auto v = b.build().value();
    const std::string header = R"({"alg":")" + std::string(S::name) + "\"}";
    const std::string t = test::make_token<S>(k, header, good_claims());
    INFO(S::name);
    CHECK_OK(v.verify_at(t, t0));
    const auto mac = test::unb64(test::split(t).signature);
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{16}, hash / 2, hash - 1,
                                hash + 1, 2 * hash}) {
      INFO(n << " bytes");
      std::vector<unsigned char> sig(
          mac.begin(), mac.begin() + static_cast<std::ptrdiff_t>(std::min(n, mac.size())));
      while (sig.size() < n) sig.push_back(0);  // the true MAC extended with zeros
      CHECK_ERROR(v.verify_at(test::with_segment(t, 2, test::b64(sig)), t0),
                  errc::invalid_signature);
    }
  };
  check(hs256{});
  check(hs384{});
  check(hs512{});
  // Wycheproof: truncated tags are refused, short keys fail at construction (the full runs with
  // counts are in verifier_test.cpp).
  CHECK(test::run_wycheproof_hmac<hs256>("hmac_sha256_test.json").wrong == 0);
  CHECK(test::run_wycheproof_hmac<hs384>("hmac_sha384_test.json").wrong == 0);
  CHECK(test::run_wycheproof_hmac<hs512>("hmac_sha512_test.json").wrong == 0);
}

TEST_CASE("SIG-9: the MAC covers the header and payload exactly as received",
          "[security][rfc7515][wycheproof]") {
  // RFC 7515 A.1: CRLF and leading spaces inside the signed JSON.
  const auto a1 = test::load_json("rfc/rfc7515_A.1_hs256.json");
  hs_verifier::builder b;
  b.key(hs256{}, test::key_from_jwk(a1.at("jwk")));
  CHECK_OK(b.build().value().verify_at(a1.at("token").get<std::string>(), 1300819379));
  // Wycheproof JWS tcId 376 and 377: whitespace in the header JSON; the MAC holds.
  for (const int id : {376, 377}) {
    const auto c = wycheproof_jws(id);
    INFO("tcId " << id << " " << c.comment);
    CHECK(signature_holds(key_of(c), c.jws));
    CHECK_ERROR(verifier_for(c).verify_at(c.jws, t0), errc::malformed_token);  // payload "Test"
    CHECK_ERROR(verifier_for(c).verify_at(test::corrupt_signature(c.jws), t0),
                errc::invalid_signature);
  }
  // An unusual member order with whitespace verifies; the same header re-serialised compactly
  // under the original MAC does not.
  const auto v = make_verifier();
  const std::string header = "{ \"typ\" : \"JWT\" ,\n \"alg\" : \"HS256\" }";
  const std::string claims =
      " {\"sub\" : \"user-1\",\r\n \"exp\" : " + std::to_string(t0 + 60) + "}";
  const std::string t = token(claims, header);
  CHECK_OK(v.verify_at(t, t0));
  CHECK_ERROR(
      v.verify_at(test::with_segment(t, 0, test::b64(R"({"typ":"JWT","alg":"HS256"})")), t0),
      errc::invalid_signature);
  CHECK_ERROR(v.verify_at(test::with_segment(t, 1, test::b64(json::parse(claims).dump())), t0),
              errc::invalid_signature);
}

TEST_CASE("Wycheproof JWS: every HS256 test of the JOSE files gives the documented answer",
          "[security][wycheproof]") {
  int run = 0;
  int skipped = 0;
  int valid_upstream = 0;
  for (const char* file : {"json_web_signature_test.json", "json_web_crypto_test.json"}) {
    for (const auto& c : wycheproof_hs256(file)) {
      INFO(file << " tcId " << c.id << " " << c.comment << " (upstream: " << c.result << ")");
      if (std::string_view(file) == "json_web_signature_test.json" &&
          (c.id == 367 || c.id == 370)) {
        // Upstream quirk: the jws is byte for byte the valid tcId 357 (the original's invalid
        // padding was lost when a Python b'...' repr was fixed), yet it is marked invalid.
        ++skipped;
        continue;
      }
      const auto v = verifier_for(c);
      const auto r = v.verify_at(c.jws, t0);
      CHECK_FALSE(r.has_value());
      if (c.result == "valid" && c.comment.find("InvalidCharacterInserted") == std::string::npos) {
        // The payload is not a JWT claims set, so the JWT verifier ends in malformed_token, and
        // only after the MAC holds: the MAC checks out on its own and a corrupted one is
        // invalid_signature.
        ++valid_upstream;
        CHECK(signature_holds(key_of(c), c.jws));
        CHECK(r.error() == errc::malformed_token);
        CHECK(v.verify_at(test::corrupt_signature(c.jws), t0).error() == errc::invalid_signature);
      } else {
        // 372 and 373 are valid upstream and refused here on purpose (SYN-3).
        CHECK(r.error() == expected_code(c));
      }
      ++run;
    }
  }
  std::cout << "wycheproof JWS HS256: " << run << " run (" << valid_upstream
            << " valid upstream, signatures held), " << skipped << " skipped (tcId 367, 370)\n";
  CHECK(skipped == 2);
  CHECK(run == 38 + 19);
}

// =================================================================================== CLM

TEST_CASE("CLM-1: each required claim, when dropped, is missing_claim", "[security]") {
  const auto v = make_verifier([](auto& b) {
    b.issuer("https://idp.example")
        .audience("api")
        .subject("user-1")
        .require("jti")
        .require("role");
  });
  const std::map<std::string, std::string> all = {{"exp", std::to_string(t0 + 60)},
                                                  {"iss", R"("https://idp.example")"},
                                                  {"aud", R"("api")"},
                                                  {"sub", R"("user-1")"},
                                                  {"jti", R"("j-1")"},
                                                  {"role", R"("admin")"}};
  const auto claims_without = [&](const std::string& dropped) {
    std::string s = "{";
    for (const auto& [name, value] : all) {
      if (name == dropped) continue;
      if (s.size() > 1) s += ",";
      s += "\"" + name + "\":" + value;
    }
    return s + "}";
  };
  CHECK_OK(v.verify_at(token(claims_without("")), t0));
  for (const auto& [name, value] : all) {
    INFO("without " << name);
    CHECK_ERROR(v.verify_at(token(claims_without(name)), t0), errc::missing_claim);
  }
  const auto relaxed = make_verifier([](auto& b) { b.allow_missing_exp(); });
  CHECK_OK(relaxed.verify_at(token(R"({"sub":"user-1"})"), t0));
  CHECK_ERROR(make_verifier().verify_at(token(R"({"sub":"user-1"})"), t0), errc::missing_claim);
}

TEST_CASE("CLM-2: time boundaries hold at leeway 0 and 60 s", "[security]") {
  for (const std::int64_t leeway : {0, 60}) {
    INFO("leeway " << leeway);
    const auto v = make_verifier([&](auto& b) {
      b.leeway(std::chrono::seconds(leeway)).max_age(std::chrono::seconds(600));
    });
    const std::int64_t exp = t0 + 100;
    const std::int64_t nbf = t0 - 100;
    const std::string claims = R"({"exp":)" + std::to_string(exp) + R"(,"nbf":)" +
                               std::to_string(nbf) + R"(,"iat":)" + std::to_string(nbf) + "}";
    const std::string t = token(claims);
    CHECK_OK(v.verify_at(t, exp - 1 + leeway));
    CHECK_ERROR(v.verify_at(t, exp + leeway), errc::token_expired);
    CHECK_OK(v.verify_at(t, nbf - leeway));
    CHECK_ERROR(v.verify_at(t, nbf - 1 - leeway), errc::token_not_yet_valid);
    // iat in the future.
    const std::string future = token(R"({"exp":)" + std::to_string(t0 + 1000) + R"(,"iat":)" +
                                     std::to_string(t0 + leeway + 1) + "}");
    CHECK_ERROR(v.verify_at(future, t0), errc::token_not_yet_valid);
    CHECK_OK(v.verify_at(future, t0 + 1));
    // iat older than the maximum age.
    const std::string old = token(R"({"exp":)" + std::to_string(t0 + 1000) + R"(,"iat":)" +
                                  std::to_string(t0 - 600 - leeway) + "}");
    CHECK_OK(v.verify_at(old, t0));
    CHECK_ERROR(v.verify_at(old, t0 + 1), errc::token_expired);
  }
}

TEST_CASE("CLM-3: exp, nbf and iat of the wrong JSON type are invalid_claim_type, never absent",
          "[security]") {
  const auto v = make_verifier([](auto& b) { b.allow_missing_exp(); });
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const char* value : {R"("9999999999")", "true", "null", "[1]", "{}"}) {
      INFO(claim << " = " << value);
      CHECK_ERROR(v.verify_at(token("{\"" + std::string(claim) + "\":" + value + "}"), t0),
                  errc::invalid_claim_type);
    }
  }
}

TEST_CASE("CLM-4: out-of-range NumericDates are invalid_claim_type and fractions round safely",
          "[security]") {
  const auto v = make_verifier([](auto& b) { b.allow_missing_exp(); });
  for (const char* claim : {"exp", "nbf", "iat"}) {
    for (const char* value : {"-1", "253402300800", "1e19", "1e300", "-1e300", "9.3e18"}) {
      INFO(claim << " = " << value);
      CHECK_ERROR(v.verify_at(token("{\"" + std::string(claim) + "\":" + value + "}"), t0),
                  errc::invalid_claim_type);
    }
    CHECK_ERROR(v.verify_at(token("{\"" + std::string(claim) + "\":1e400}"), t0),
                errc::malformed_token);
  }
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + std::to_string(t0) + ".9}"), t0),
              errc::token_expired);
  CHECK_ERROR(v.verify_at(token(R"({"nbf":)" + std::to_string(t0) + ".1}"), t0),
              errc::token_not_yet_valid);
  CHECK_OK(v.verify_at(token(R"({"nbf":)" + std::to_string(t0) + ".1}"), t0 + 1));
}

TEST_CASE("CLM-5: leeway is bounded at configuration and no time comparison overflows",
          "[security]") {
  for (const std::int64_t bad :
       {std::int64_t{-1}, std::int64_t{301}, std::numeric_limits<std::int64_t>::max(),
        std::numeric_limits<std::int64_t>::min()}) {
    INFO("leeway " << bad);
    hs_verifier::builder b;
    b.key(hs256{}, the_key()).leeway(std::chrono::seconds(bad));
    CHECK_ERROR(b.build(), errc::insecure_configuration);
  }
  const auto v = make_verifier(
      [](auto& b) { b.leeway(std::chrono::seconds(300)).max_age(lightjwt::max_max_age); });
  constexpr std::int64_t last = 253402300799;
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  const std::string late = token(R"({"exp":253402300799,"nbf":253402300799,"iat":253402300799})");
  CHECK_OK(v.verify_at(late, last));
  CHECK_OK(v.verify_at(late, last + 299));
  CHECK_ERROR(v.verify_at(late, last + 300), errc::token_expired);
  CHECK_ERROR(v.verify_at(late, hi), errc::token_expired);
  CHECK_ERROR(v.verify_at(late, lo), errc::token_not_yet_valid);
  CHECK_ERROR(v.verify_at(late, last - 301), errc::token_not_yet_valid);
  const std::string early = token(R"({"exp":253402300799,"nbf":0,"iat":0})");
  CHECK_OK(v.verify_at(early, 0));
  CHECK_ERROR(v.verify_at(early, lo), errc::token_not_yet_valid);
  CHECK_ERROR(v.verify_at(early, hi), errc::token_expired);
  CHECK_ERROR(v.verify_at(token(R"({"exp":0,"iat":0})"), hi), errc::token_expired);
  CHECK_ERROR(v.verify_at(token(R"({"exp":0,"iat":0})"), 300), errc::token_expired);
  CHECK_OK(v.verify_at(token(R"({"exp":0,"iat":0})"), 299));
}

TEST_CASE(
    "CLM-6: issuer near-misses are invalid_issuer and a non-string iss is "
    "invalid_claim_type",
    "[security]") {
  const auto v = make_verifier([](auto& b) { b.issuer("https://idp"); });
  CHECK_OK(v.verify_at(token(test::claims_text(R"("iss":"https://idp")")), t0));
  for (const char* iss : {"HTTPS://IDP", "https://Idp", "https://id", "https://idp2",
                          "xhttps://idp", "https://idp/", "https://idp ", "https://idp.evil"}) {
    INFO("iss " << iss);
    CHECK_ERROR(v.verify_at(token(test::claims_text(R"("iss":")" + std::string(iss) + "\"")), t0),
                errc::invalid_issuer);
  }
  const auto abc = make_verifier([](auto& b) { b.issuer("_abc_"); });
  CHECK_OK(abc.verify_at(token(test::claims_text(R"("iss":"_abc_")")), t0));
  CHECK_ERROR(abc.verify_at(token(test::claims_text(R"("iss":"__abc__")")), t0),
              errc::invalid_issuer);
  for (const char* iss :
       {R"(["https://idp"])", R"(["x","https://idp"])", "1", "null", R"({"iss":"https://idp"})"}) {
    INFO("iss " << iss);
    CHECK_ERROR(v.verify_at(token(test::claims_text(std::string(R"("iss":)") + iss)), t0),
                errc::invalid_claim_type);
  }
  CHECK_OK(v.verify_at(token(test::claims_text(R"("iss":"https:\/\/idp")")), t0));
}

TEST_CASE("CLM-7: aud shapes and expected audiences form a strict matrix", "[security]") {
  const auto v = make_verifier([](auto& b) { b.audience("api").audience("web"); });
  const std::pair<const char*, errc> rows[] = {
      {R"("api")", errc{}},
      {R"(["web"])", errc{}},
      {R"(["x","api"])", errc{}},
      {R"("api2")", errc::invalid_audience},
      {R"("ap")", errc::invalid_audience},
      {R"("xapi")", errc::invalid_audience},
      {R"("api,web")", errc::invalid_audience},
      {R"(["apiweb"])", errc::invalid_audience},
      {"[]", errc::invalid_audience},
      {"null", errc::invalid_claim_type},
      {"1", errc::invalid_claim_type},
      {R"(["api",1])", errc::invalid_claim_type},
      {R"([1,"api"])", errc::invalid_claim_type},
      {R"([["api"]])", errc::invalid_claim_type},
      {R"({"0":"api"})", errc::invalid_claim_type},
  };
  for (const auto& [aud, code] : rows) {
    INFO("aud " << aud);
    const auto r = v.verify_at(token(test::claims_text(std::string(R"("aud":)") + aud)), t0);
    CHECK(code_of(r) == test::code(code));
  }
}

TEST_CASE(
    "CLM-8: aud present while no audience is configured is invalid_audience, unless "
    "ignored by name",
    "[security]") {
  const std::string t = token(test::claims_text(R"("aud":"other-service")"));
  CHECK_OK(make_verifier().verify_at(good_token(), t0));
  CHECK_ERROR(make_verifier().verify_at(t, t0), errc::invalid_audience);
  CHECK_OK(make_verifier([](auto& b) { b.ignore_audience(); }).verify_at(t, t0));
}

TEST_CASE(
    "CLM-9: sub and jti of the wrong shape or over 256 bytes are refused, and predicates "
    "over mistyped claims return codes",
    "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* claim : {"sub", "jti"}) {
    for (const char* value : {"1", "true", "null", R"(["a"])", "{}"}) {
      INFO(claim << " = " << value);
      CHECK_ERROR(
          v.verify_at(token(test::claims_text("\"" + std::string(claim) + "\":" + value)), t0),
          errc::invalid_claim_type);
    }
    const auto of = [&](std::size_t n) {
      return token(
          test::claims_text("\"" + std::string(claim) + "\":\"" + std::string(n, 'x') + "\""));
    };
    CHECK_OK(v.verify_at(of(256), t0));
    CHECK_ERROR(v.verify_at(of(257), t0), errc::limit_exceeded);
  }
  // A predicate expecting an array of roles gets a string: it refuses with a code.
  const auto roles = make_verifier([](auto& b) {
    b.predicate([](const lightjwt::verified_token& t) -> std::error_code {
      const auto j = t.claims_json();
      if (!j) return j.error();
      const auto it = j->find("roles");
      if (it == j->end() || !it->is_array()) return lightjwt::errc::claim_rejected;
      for (const auto& r : *it) {
        if (r.is_string() && r.get_ref<const std::string&>() == "admin") return {};
      }
      return lightjwt::errc::claim_rejected;
    });
  });
  CHECK_OK(roles.verify_at(token(test::claims_text(R"("roles":["user","admin"])")), t0));
  for (const char* shape : {R"("admin")", R"({"admin":true})", "1", "null", "[1]"}) {
    INFO("roles " << shape);
    CHECK_ERROR(roles.verify_at(token(test::claims_text(std::string(R"("roles":)") + shape)), t0),
                errc::claim_rejected);
  }
}

// =================================================================================== KND

TEST_CASE("KND-1: ID tokens and access tokens from the same issuer and key are not interchangeable",
          "[security]") {
  const auto access_profile = make_verifier(
      [](auto& b) { b.type("at+jwt").issuer("https://idp.example").audience("api"); });
  const auto id_profile =
      make_verifier([](auto& b) { b.type("JWT").issuer("https://idp.example").audience("api"); });
  const std::string claims =
      test::claims_text(R"("iss":"https://idp.example","aud":"api","sub":"u")");
  const std::string access = token(claims, R"({"alg":"HS256","typ":"at+jwt"})");
  const std::string id_token = token(claims, R"({"alg":"HS256","typ":"JWT"})");
  const std::string untyped = token(claims, R"({"alg":"HS256"})");
  CHECK_OK(access_profile.verify_at(access, t0));
  CHECK_OK(id_profile.verify_at(id_token, t0));
  CHECK_ERROR(access_profile.verify_at(id_token, t0), errc::invalid_type);
  CHECK_ERROR(access_profile.verify_at(untyped, t0), errc::invalid_type);
  CHECK_ERROR(id_profile.verify_at(access, t0), errc::invalid_type);
}

TEST_CASE("KND-2: typ spellings of at+jwt are accepted and near-misses are invalid_type",
          "[security]") {
  const auto v = make_verifier([](auto& b) { b.type("at+jwt"); });
  const auto typed = [](std::string_view typ) {
    return token(good_claims(), R"({"alg":"HS256","typ":")" + std::string(typ) + "\"}");
  };
  for (const char* same : {"at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"}) {
    INFO("typ " << same);
    CHECK_OK(v.verify_at(typed(same), t0));
  }
  for (const char* other : {"at+jwt2", "at+jwt;v=1", "xat+jwt", "at+jwt ", "application/at+jwt ",
                            "at+jwt\\u0000", "JWT", "application/jwt"}) {
    INFO("typ " << other);
    const auto r = v.verify_at(typed(other), t0);
    CHECK_FALSE(r.has_value());
    CHECK(r.error() == (std::string_view(other).find("\\u0000") != std::string_view::npos
                            ? errc::invalid_header
                            : errc::invalid_type));
  }
}

// =================================================================================== RES

TEST_CASE("RES-1: a 16 KiB token verifies and 16 KiB + 1 is token_too_large without allocating",
          "[security][alloc]") {
  REQUIRE(test::alloc::ossl_hooked);
  const auto v = make_verifier();
  const std::string at_limit = test::token_of_size(the_key(), 16 * 1024);
  const std::string over = test::token_of_size(the_key(), 16 * 1024 + 1);
  CHECK_OK(v.verify_at(at_limit, t0));
  std::error_code ec;
  std::size_t cxx = 0;
  std::size_t ossl = 0;
  {
    test::alloc::scope counter;
    ec = code_of(v.verify_at(over, t0));
    cxx = counter.stop();
    ossl = test::alloc::scope::ossl_count();
  }
  CHECK(ec == errc::token_too_large);
  CHECK(cxx == 0);
  CHECK(ossl == 0);
  // The check is on the raw length, before anything else: a megabyte of anything.
  CHECK_ERROR(v.verify_at(std::string(1024 * 1024, '.'), t0), errc::token_too_large);
}

TEST_CASE("RES-2: size arithmetic near SIZE_MAX reports limit_exceeded instead of wrapping",
          "[security]") {
  constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
  __extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using)
  for (const std::size_t n : {max, max - 1, max - 2, max - 3, max - 4, max / 4 * 3 + 1,
                              max / 4 * 3 + 2, max / 4 * 3 + 3, (max - 3) / 4 * 3 + 3}) {
    INFO("n = " << n);
    // The exact encoded length, in 128 bits: either it fits and is returned exactly, or the
    // answer is limit_exceeded; it never wraps to a small number.
    const u128 exact = u128{n} / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
    const auto e = lightjwt::base64url::encoded_size(n);
    if (exact > max) {
      CHECK_ERROR(e, errc::limit_exceeded);
    } else if (e) {
      CHECK(u128{*e} == exact);
    } else {
      CHECK(e.error() == errc::limit_exceeded);
    }
    // Decoding never grows: the result is at most n, or the length is impossible.
    const auto d = lightjwt::base64url::decoded_size(n);
    if (n % 4 == 1) {
      CHECK_ERROR(d, errc::malformed_token);
    } else {
      REQUIRE(d.has_value());
      CHECK(*d <= n);
      CHECK(*d == n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1));
    }
  }
  // The largest encodable length encodes without wrapping.
  const std::size_t largest = (max - 3) / 4 * 3;
  const auto e = lightjwt::base64url::encoded_size(largest);
  REQUIRE(e.has_value());
  CHECK(*e >= largest);
  // Decoders check the caller's buffer, whatever size was computed.
  std::array<unsigned char, 2> small{};
  CHECK_ERROR(lightjwt::base64url::decode("AAAA", lightjwt::mutable_bytes(small)),
              errc::buffer_too_small);
  std::array<char, 3> out{};
  const std::array<unsigned char, 3> in{1, 2, 3};
  CHECK_ERROR(lightjwt::base64url::encode(lightjwt::bytes_view(in.data(), in.size()),
                                          lightjwt::span<char>(out.data(), out.size())),
              errc::buffer_too_small);
}

TEST_CASE("RES-3: nesting deeper than 16 is nesting_too_deep, even 6000 levels on a 64 KiB stack",
          "[security]") {
  const auto v = make_verifier();
  const std::string exp = std::to_string(t0 + 3600);
  const auto nested = [&](std::size_t depth) {
    // The top-level object is depth 1.
    return R"({"exp":)" + exp + R"(,"a":)" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  CHECK_OK(v.verify_at(token(nested(16)), t0));
  CHECK_ERROR(v.verify_at(token(nested(17)), t0), errc::nesting_too_deep);
  CHECK_OK(v.verify_at(
      token(good_claims(), R"({"alg":"HS256","x":[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]})"), t0));
  CHECK_ERROR(
      v.verify_at(token(good_claims(), R"({"alg":"HS256","x":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]})"),
                  t0),
      errc::nesting_too_deep);
  const std::string bomb = token(nested(6000));
  REQUIRE(bomb.size() <= 16 * 1024);
  CHECK(verify_on_small_stack(v, token(nested(16))) == std::error_code());
  CHECK(verify_on_small_stack(v, bomb) == errc::nesting_too_deep);
  CHECK(verify_on_small_stack(v, test::corrupt_signature(bomb)) == errc::invalid_signature);
  // The limit is a setting.
  hs_verifier::builder b;
  lightjwt::token_limits lim;
  lim.json.max_depth = 3;
  b.key(hs256{}, the_key()).limits(lim);
  const auto shallow = b.build().value();
  CHECK_OK(shallow.verify_at(token(nested(3)), t0));
  CHECK_ERROR(shallow.verify_at(token(nested(4)), t0), errc::nesting_too_deep);
  // 200,000 levels: over the default size limit (refused before anything is decoded), and with
  // the size limit raised to let it through, refused by depth on the same 64 KiB stack.
  const std::string deep = token(nested(200000));
  CHECK(deep.size() > 512 * 1024);
  CHECK_ERROR(v.verify_at(deep, t0), errc::token_too_large);
  hs_verifier::builder wide_b;
  wide_b.key(hs256{}, the_key()).max_token_size(std::size_t{2} << 20);
  const auto wide = wide_b.build().value();
  CHECK(verify_on_small_stack(wide, deep) == errc::nesting_too_deep);
  const std::string two_mib = deep + std::string((std::size_t{2} << 20) - deep.size() + 1, 'A');
  CHECK_ERROR(wide.verify_at(two_mib, t0), errc::token_too_large);
}

TEST_CASE("RES-4: members, crit entries, number digits and audiences are bounded", "[security]") {
  const std::string exp = std::to_string(t0 + 3600);
  const auto members = [&](std::size_t n) {
    std::string s = R"({"exp":)" + exp;
    for (std::size_t i = 1; i < n; ++i) s += ",\"m" + std::to_string(i) + "\":0";
    return s + "}";
  };
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(token(members(256)), t0));
  CHECK_ERROR(v.verify_at(token(members(257)), t0), errc::limit_exceeded);
  // In the header too.
  std::string header = R"({"alg":"HS256")";
  for (int i = 1; i < 256; ++i) header += ",\"h" + std::to_string(i) + "\":0";
  CHECK_OK(v.verify_at(token(good_claims(), header + "}"), t0));
  CHECK_ERROR(v.verify_at(token(good_claims(), header + R"(,"h256":0})"), t0),
              errc::limit_exceeded);
  // Names of all open objects together: 200 + 200 + 100 fit, 200 + 200 + 200 do not.
  const auto open_names = [&](std::size_t third) {
    std::string s = R"({"exp":)" + exp;
    for (int i = 0; i < 199; ++i) s += ",\"a" + std::to_string(i) + "\":0";
    s += R"(,"b":{)";
    for (int i = 0; i < 199; ++i) s += "\"b" + std::to_string(i) + "\":0,";
    s += R"("c":{)";
    for (std::size_t i = 0; i < third; ++i)
      s += (i ? "," : "") + ("\"c" + std::to_string(i) + "\":0");
    return s + "}}}";
  };
  CHECK_OK(v.verify_at(token(open_names(100)), t0));
  CHECK_ERROR(v.verify_at(token(open_names(200)), t0), errc::limit_exceeded);
  // Digits per number.
  CHECK_OK(v.verify_at(token(R"({"exp":)" + exp + R"(,"n":)" + std::string(64, '1') + "}"), t0));
  CHECK_ERROR(v.verify_at(token(R"({"exp":)" + exp + R"(,"n":)" + std::string(65, '1') + "}"), t0),
              errc::limit_exceeded);
  CHECK_ERROR(
      v.verify_at(token(R"({"exp":)" + exp + R"(,"n":0.)" + std::string(5000, '1') + "}"), t0),
      errc::limit_exceeded);
  // crit entries: 16 handled extensions verify, 17 are limit_exceeded.
  const auto crit = [](int n) {
    std::string names;
    std::string values;
    for (int i = 0; i < n; ++i) {
      names += (i ? ",\"e" : "\"e") + std::to_string(i) + "\"";
      values += ",\"e" + std::to_string(i) + "\":1";
    }
    return R"({"alg":"HS256","crit":[)" + names + "]" + values + "}";
  };
  const auto handles_all = make_verifier([](auto& b) {
    for (int i = 0; i < 17; ++i) b.critical("e" + std::to_string(i));
  });
  CHECK_OK(handles_all.verify_at(token(good_claims(), crit(16)), t0));
  CHECK_ERROR(handles_all.verify_at(token(good_claims(), crit(17)), t0), errc::limit_exceeded);
  // Audiences.
  const auto aud = [&](int n) {
    std::string s = R"({"exp":)" + exp + R"(,"aud":[)";
    for (int i = 0; i < n; ++i) s += (i ? ",\"a" : "\"a") + std::to_string(i) + "\"";
    return s + "]}";
  };
  const auto ignoring = make_verifier([](auto& b) { b.ignore_audience(); });
  CHECK_OK(ignoring.verify_at(token(aud(16)), t0));
  CHECK_ERROR(ignoring.verify_at(token(aud(17)), t0), errc::limit_exceeded);
}

TEST_CASE("RES-5: a token without kid facing 50 keys is key_not_found without any MAC computed",
          "[security]") {
  REQUIRE(test::alloc::ossl_hooked);
  hs_verifier::builder b;
  for (unsigned i = 0; i < 50; ++i)
    b.key(hs256{}, test::test_key(100 + i), "k" + std::to_string(i));
  const auto v = b.build().value();
  const auto k7 = test::test_key(107);
  const std::string known = test::make_token(k7, R"({"alg":"HS256","kid":"k7"})", good_claims());
  const std::string no_kid = test::make_token(k7, R"({"alg":"HS256"})", good_claims());
  const std::string unknown = test::make_token(k7, R"({"alg":"HS256","kid":"k50"})", good_claims());
  CHECK_OK(v.verify_at(known, t0));
  const auto openssl_work = [&](const std::string& t, std::error_code& ec) {
    test::alloc::scope counter;
    ec = code_of(v.verify_at(t, t0));
    counter.stop();
    return test::alloc::scope::ossl_count();
  };
  std::error_code ec;
  // The counter sees a MAC being computed...
  CHECK(openssl_work(known, ec) > 0);
  CHECK(ec == std::error_code());
  // ...and sees none for these.
  CHECK(openssl_work(no_kid, ec) == 0);
  CHECK(ec == errc::key_not_found);
  CHECK(openssl_work(unknown, ec) == 0);
  CHECK(ec == errc::key_not_found);
}

TEST_CASE("RES-8: zip in a JWS header is invalid_header and nothing is decompressed",
          "[security]") {
  const auto v = make_verifier();
  CHECK_OK(v.verify_at(good_token(), t0));
  for (const char* zip : {R"("DEF")", R"("")", "null", "false", R"("none")"}) {
    INFO("zip " << zip);
    CHECK_ERROR(v.verify_at(token(good_claims(), header_with(std::string(R"("zip":)") + zip)), t0),
                errc::invalid_header);
  }
  CHECK_ERROR(
      v.verify_at(token(good_claims(), R"({"alg":"HS256","zip":"DEF","crit":["zip"]})"), t0),
      errc::invalid_header);
}

TEST_CASE(
    "RES-9: the error for a 16 KiB garbage token is short, echoes nothing and allocates "
    "nothing",
    "[security][alloc]") {
  const auto v = make_verifier();
  // Garbage drawn from upper-case letters and digits, which no code name contains; one copy as
  // a single run, one shaped like a token (Base64URL segments with two dots).
  std::mt19937 rng(99);
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string garbage(16 * 1024, 'A');
  for (auto& c : garbage) c = alphabet[pick(rng)];
  std::string shaped = garbage;
  // Segments of 4000, 4000 and 8382 characters, the last ending in 'A' (no unused bits set):
  // nothing fails before the header is decoded.
  shaped[4000] = '.';
  shaped[8001] = '.';
  shaped.back() = 'A';
  for (const std::string* g : {&garbage, &shaped}) {
    const bool is_shaped = g == &shaped;
    INFO((is_shaped ? "token-shaped garbage" : "garbage"));
    std::error_code ec;
    std::size_t allocations = 0;
    {
      test::alloc::scope counter;
      ec = code_of(v.verify_at(*g, t0));
      allocations = counter.stop();
    }
    CHECK(ec != std::error_code());
    CHECK(allocations == 0);
    const auto r = v.verify_at(*g, t0);
    std::string what;
    try {
      (void)r.value();
    } catch (const lightjwt::error& e) {
      what = e.what();
    }
    for (const std::string& text : {ec.message(), what}) {
      INFO("message " << text);
      CHECK_FALSE(text.empty());
      CHECK(text.size() < 200);
      for (const char c : text) CHECK(alphabet.find(c) == std::string_view::npos);
      CHECK(text.find(g->substr(0, 8)) == std::string::npos);
    }
  }
}
