// Tests of lightjwt::errc, its category, lightjwt::error and the checked accessors of result<T>.
// SPDX-License-Identifier: MIT
#include <lightjwt/error.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace {

using lightjwt::errc;
using lightjwt::result;

struct named_code {
  errc code;
  std::string_view name;
};

// Written out by hand, not derived from the library's table: this is the stable contract.
constexpr named_code all_codes[] = {
    {errc::token_too_large, "token_too_large"},
    {errc::malformed_token, "malformed_token"},
    {errc::invalid_utf8, "invalid_utf8"},
    {errc::duplicate_member, "duplicate_member"},
    {errc::nesting_too_deep, "nesting_too_deep"},
    {errc::limit_exceeded, "limit_exceeded"},
    {errc::invalid_header, "invalid_header"},
    {errc::unsupported_critical_header, "unsupported_critical_header"},
    {errc::algorithm_not_allowed, "algorithm_not_allowed"},
    {errc::key_not_found, "key_not_found"},
    {errc::invalid_signature, "invalid_signature"},
    {errc::invalid_key, "invalid_key"},
    {errc::key_too_weak, "key_too_weak"},
    {errc::token_expired, "token_expired"},
    {errc::token_not_yet_valid, "token_not_yet_valid"},
    {errc::invalid_issuer, "invalid_issuer"},
    {errc::invalid_audience, "invalid_audience"},
    {errc::invalid_type, "invalid_type"},
    {errc::invalid_claim_type, "invalid_claim_type"},
    {errc::missing_claim, "missing_claim"},
    {errc::claim_rejected, "claim_rejected"},
    {errc::token_revoked, "token_revoked"},
    {errc::revocation_unavailable, "revocation_unavailable"},
    {errc::refresh_token_reused, "refresh_token_reused"},
    {errc::refresh_token_invalid, "refresh_token_invalid"},
    {errc::csrf_check_failed, "csrf_check_failed"},
    {errc::insecure_configuration, "insecure_configuration"},
    {errc::buffer_too_small, "buffer_too_small"},
    {errc::crypto_failure, "crypto_failure"},
    {errc::invalid_argument, "invalid_argument"},
    {errc::invalid_subject, "invalid_subject"},
    {errc::no_credentials, "no_credentials"},
    {errc::invalid_request, "invalid_request"},
    {errc::insufficient_scope, "insufficient_scope"},
    {errc::decryption_failed, "decryption_failed"},
    {errc::key_set_unavailable, "key_set_unavailable"},
};

// Public value types move without throwing (Boost.JSON's test/array.cpp does the same).
static_assert(std::is_nothrow_move_constructible_v<result<int>>);
static_assert(std::is_nothrow_move_assignable_v<result<int>>);
static_assert(std::is_nothrow_move_constructible_v<result<std::string>>);
static_assert(std::is_nothrow_move_assignable_v<result<std::string>>);
static_assert(std::is_nothrow_move_constructible_v<result<void>>);
static_assert(std::is_nothrow_move_constructible_v<result<lightjwt::verified_token>>);
static_assert(std::is_nothrow_move_constructible_v<result<lightjwt::hmac_key>>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::hmac_key>);
static_assert(std::is_nothrow_move_assignable_v<lightjwt::hmac_key>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::verified_token>);
static_assert(std::is_nothrow_move_assignable_v<lightjwt::verified_token>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::unverified_token>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::verifier<lightjwt::hs256>>);
static_assert(std::is_nothrow_move_constructible_v<lightjwt::encoder<lightjwt::hs256>>);

// As in Outcome: a result of a trivially copyable type stays trivially copyable (STYLE.md).
static_assert(std::is_trivially_copyable_v<result<int>>);
static_assert(std::is_trivially_copyable_v<result<std::size_t>>);
static_assert(std::is_trivially_copyable_v<result<void>>);

// The exception is the one type of the throwing layer, and it is a std::system_error.
static_assert(std::is_base_of_v<std::system_error, lightjwt::error>);
static_assert(std::is_error_code_enum_v<errc>);
static_assert(!std::is_error_condition_enum_v<errc>);
// A result never converts silently to bool or to its value.
static_assert(!std::is_convertible_v<result<int>, bool>);
static_assert(!std::is_convertible_v<result<int>, int>);

}  // namespace

TEST_CASE("every errc's message is its snake_case name", "[error]") {
  int expected_value = 1;
  for (const auto& c : all_codes) {
    INFO(c.name);
    // Values start at 1 and are dense: 0 never means an error.
    CHECK(static_cast<int>(c.code) == expected_value++);
    const std::error_code ec = make_error_code(c.code);
    CHECK(ec.message() == c.name);
    CHECK(lightjwt::to_string(c.code) == c.name);
    CHECK(lightjwt::error_category().message(static_cast<int>(c.code)) == c.name);
    CHECK(static_cast<bool>(ec));
  }
  // The last enumerator is the last entry of the table: nothing was added without a name here.
  CHECK(lightjwt::error_category().message(expected_value) == "unknown");
  CHECK(lightjwt::error_category().message(-1) == "unknown");
}

TEST_CASE("the category is named lightjwt and is one object", "[error]") {
  CHECK(std::string_view(lightjwt::error_category().name()) == "lightjwt");
  CHECK(&lightjwt::error_category() == &lightjwt::error_category());
  const std::error_code ec = errc::token_expired;  // through is_error_code_enum
  CHECK(&ec.category() == &lightjwt::error_category());
  CHECK(ec.value() == static_cast<int>(errc::token_expired));
}

TEST_CASE("codes compare equal to their enumerator and to nothing else", "[error]") {
  const std::error_code expired = errc::token_expired;
  CHECK(expired == errc::token_expired);
  CHECK(expired != errc::token_not_yet_valid);
  CHECK(make_error_code(errc::token_expired) == make_error_code(errc::token_expired));
  // Same integer, other category: not equal.
  const std::error_code generic(static_cast<int>(errc::token_expired), std::generic_category());
  CHECK(expired != generic);
  CHECK(expired != std::error_code());
  // A default code is success, and no lightjwt code is success.
  for (const auto& c : all_codes) CHECK(std::error_code(c.code) != std::error_code());
}

TEST_CASE("result<T> holds a value and reports success", "[error]") {
  result<int> r = 42;
  REQUIRE(r.has_value());
  CHECK(static_cast<bool>(r));
  CHECK(r.value() == 42);
  CHECK(*r == 42);
  CHECK(r.error() == std::error_code());
  result<std::string> s = std::string("abc");
  CHECK(s->size() == 3);
  const result<std::string> copy = s;
  CHECK(*copy == "abc");
  result<std::string> moved = std::move(s);
  CHECK(*moved == "abc");
  moved = errc::invalid_argument;
  CHECK_ERROR(moved, errc::invalid_argument);
  moved = copy;
  CHECK(*moved == "abc");
}

TEST_CASE("result<T> checked accessors throw lightjwt::error carrying the code", "[error]") {
  result<std::string> r = errc::token_expired;
  CHECK_ERROR(r, errc::token_expired);
  CHECK_FALSE(static_cast<bool>(r));

  auto code_thrown_by = [](auto&& access) -> std::error_code {
    try {
      access();
    } catch (const lightjwt::error& e) {
      // The message is the stable name, short and free of input bytes.
      CHECK(std::string_view(e.what()).find(e.code().message()) != std::string_view::npos);
      CHECK(std::strlen(e.what()) < 200);
      return e.code();
    }
    return {};
  };
  CHECK(code_thrown_by([&] { (void)r.value(); }) == errc::token_expired);
  CHECK(code_thrown_by([&] { (void)*r; }) == errc::token_expired);
  CHECK(code_thrown_by([&] { (void)r->size(); }) == errc::token_expired);
  CHECK(code_thrown_by([&] { (void)std::as_const(r).value(); }) == errc::token_expired);
  CHECK(code_thrown_by([&] { (void)std::move(r).value(); }) == errc::token_expired);
  // It is also catchable as the standard type.
  CHECK_THROWS_AS(r.value(), std::system_error);

  result<void> v = errc::invalid_signature;
  CHECK_ERROR(v, errc::invalid_signature);
  CHECK(code_thrown_by([&] { v.value(); }) == errc::invalid_signature);
  result<void> ok;
  CHECK(ok.has_value());
  CHECK_NOTHROW(ok.value());
}

TEST_CASE("result<T> is built from an errc or a std::error_code of any category", "[error]") {
  const result<int> a = errc::malformed_token;
  const result<int> b = std::error_code(errc::malformed_token);
  CHECK(a.error() == b.error());
  const result<int> c = std::make_error_code(std::errc::not_enough_memory);
  CHECK_ERROR(c, std::make_error_code(std::errc::not_enough_memory));
  try {
    (void)c.value();
    FAIL("value() did not throw");
  } catch (const lightjwt::error& e) {
    CHECK(e.code() == std::errc::not_enough_memory);
  }
}
