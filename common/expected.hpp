#pragma once
// A value or an error: how every layer below the actors reports failure (errors are values,
// see STYLE.md section 5.3). std::expected is C++23; this is the small subset we use.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace brokkr {

template <class E>
struct unexpected {
  // A constructor rather than an aggregate: clang 14 (the fuzz build) has no parenthesized
  // aggregate initialization, which unexpected(e) would need.
  explicit unexpected(E e) : error(std::move(e)) {}
  E error;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class [[nodiscard]] expected {
 public:
  using value_type = T;
  using error_type = E;

  expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  expected(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit by design
  template <class G>
  expected(unexpected<G> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}  // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> v_;
};

// expected<void, E>: success carries nothing.
struct ok_t {};
inline constexpr ok_t ok{};

template <class E>
using status = expected<ok_t, E>;

}  // namespace brokkr
