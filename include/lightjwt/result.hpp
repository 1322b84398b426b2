// result<T>: a value or a std::error_code, with checked accessors that throw lightjwt::error.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_RESULT_HPP
#define LIGHTJWT_RESULT_HPP

#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include <lightjwt/error.hpp>

namespace lightjwt {

/// Holds either a T or an error. value(), * and -> are checked: with no value they throw
/// lightjwt::error (abort with exceptions off), so a caller who forgets to test gets an error,
/// never undefined behaviour.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference_v<T>, "result<T&> is not supported");
  static_assert(!std::is_same_v<std::decay_t<T>, std::error_code>,
                "result<error_code> is ambiguous");

 public:
  result(const T& v) : v_(std::in_place_index<0>, v) {}  // NOLINT(google-explicit-constructor)
  // NOLINTNEXTLINE(google-explicit-constructor)
  result(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>)
      : v_(std::in_place_index<0>, std::move(v)) {}
  result(errc e) noexcept  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, make_error_code(e)) {}
  result(std::error_code ec) noexcept  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, ec) {
    LIGHTJWT_ASSERT(ec);
  }

  /// Replaces whatever is held with an error (no temporary result, no move of a T).
  result& operator=(std::error_code ec) noexcept {
    LIGHTJWT_ASSERT(ec);
    v_.template emplace<1>(ec);
    return *this;
  }
  result& operator=(errc e) noexcept {
    *this = make_error_code(e);
    return *this;
  }

  /// Returns true when a value is held.
  [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// Returns the error, or a default (success) code when a value is held.
  [[nodiscard]] std::error_code error() const noexcept {
    const auto* ec = std::get_if<1>(&v_);
    return ec != nullptr ? *ec : std::error_code();
  }

  /// Returns the value; throws lightjwt::error when there is none. Not [[nodiscard]]: a caller
  /// may call it for the check alone.
  T& value() & {  // NOLINT(modernize-use-nodiscard)
    check();
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {  // NOLINT(modernize-use-nodiscard)
    check();
    return *std::get_if<0>(&v_);
  }
  T&& value() && {  // NOLINT(modernize-use-nodiscard)
    check();
    return std::move(*std::get_if<0>(&v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check() const {
    if (const auto* ec = std::get_if<1>(&v_)) detail::throw_error(*ec);
  }
  std::variant<T, std::error_code> v_;
};

/// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() noexcept = default;
  result(errc e) noexcept : ec_(make_error_code(e)) {}  // NOLINT(google-explicit-constructor)
  result(std::error_code ec) noexcept : ec_(ec) {}      // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool has_value() const noexcept { return !ec_; }
  explicit operator bool() const noexcept { return !ec_; }
  [[nodiscard]] std::error_code error() const noexcept { return ec_; }
  /// Throws lightjwt::error when this holds an error.
  void value() const {
    if (ec_) detail::throw_error(ec_);
  }

 private:
  std::error_code ec_;
};

}  // namespace lightjwt

#endif  // LIGHTJWT_RESULT_HPP
