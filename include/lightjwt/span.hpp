// A non-owning view of contiguous bytes or objects: lightjwt::span and bytes_view.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_SPAN_HPP
#define LIGHTJWT_SPAN_HPP

#include <cstddef>
#include <iterator>
#include <string_view>
#include <type_traits>

namespace lightjwt {

/// A pointer and a size; never owns. Our own type rather than std::span so that translation units
/// built with different -std flags agree on it.
template <class T>
class span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using size_type = std::size_t;
  using pointer = T*;
  using iterator = T*;

  constexpr span() noexcept = default;
  constexpr span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <std::size_t N>
  constexpr span(T (&arr)[N]) noexcept  // NOLINT(google-explicit-constructor)
      : data_(arr), size_(N) {}

  /// Views any contiguous container whose data() converts to T* (std::array, std::vector, ...).
  template <class C,
            class = std::enable_if_t<
                !std::is_same_v<std::decay_t<C>, span> &&
                std::is_convertible_v<decltype(std::data(std::declval<C&>())), T*> &&
                std::is_convertible_v<decltype(std::size(std::declval<C&>())), std::size_t>>>
  constexpr span(C& c) noexcept  // NOLINT(google-explicit-constructor)
      : data_(std::data(c)), size_(std::size(c)) {}

  /// A span of const elements also views a const (or temporary) container, for the duration
  /// of the full expression: `hmac_key::from_bytes(std::vector<unsigned char>{...})`.
  template <class C, class U = T,
            class = std::enable_if_t<
                std::is_const_v<U> && !std::is_same_v<std::decay_t<C>, span> &&
                std::is_convertible_v<decltype(std::data(std::declval<const C&>())), T*> &&
                std::is_convertible_v<decltype(std::size(std::declval<const C&>())), std::size_t>>,
            class = void>
  constexpr span(const C& c) noexcept  // NOLINT(google-explicit-constructor)
      : data_(std::data(c)), size_(std::size(c)) {}

  /// A span of const elements converts from a span of mutable ones.
  template <class U, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  constexpr span(span<U> other) noexcept  // NOLINT(google-explicit-constructor)
      : data_(other.data()), size_(other.size()) {}

  [[nodiscard]] constexpr T* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr T* begin() const noexcept { return data_; }
  [[nodiscard]] constexpr T* end() const noexcept { return data_ + size_; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] constexpr span first(std::size_t n) const noexcept { return {data_, n}; }
  [[nodiscard]] constexpr span subspan(std::size_t off) const noexcept {
    return {data_ + off, size_ - off};
  }
  [[nodiscard]] constexpr span subspan(std::size_t off, std::size_t n) const noexcept {
    return {data_ + off, n};
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Read-only bytes, as OpenSSL takes them.
using bytes_view = span<const unsigned char>;
/// Writable bytes: a caller's output buffer.
using mutable_bytes = span<unsigned char>;

/// Views the bytes of a string without copying them.
inline bytes_view as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};  // NOLINT
}

/// Views bytes as characters without copying them.
inline std::string_view as_chars(bytes_view b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT
}

}  // namespace lightjwt

#endif  // LIGHTJWT_SPAN_HPP
