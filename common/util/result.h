/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Result<T, E>: a value or an error, for code that must not throw across the
 * collectd boundary. C++17 has no std::expected; this is the small subset the
 * project needs. [[nodiscard]] makes an ignored error a compile-time warning
 * (and so an error under -Werror).
 */
#pragma once

#include <optional>
#include <utility>

namespace fbcqm {

template <typename E> struct Failure { E error; };

template <typename E> Failure<E> fail(E error) { return Failure<E>{std::move(error)}; }

template <typename T, typename E> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Failure<E> failure) : error_(std::move(failure.error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  /* Accessors are only valid on the matching side; callers test ok() first. */
  const T &value() const & { return *value_; }
  T &value() & { return *value_; }
  T &&value() && { return std::move(*value_); }
  const T &operator*() const & { return *value_; }
  const T *operator->() const { return &*value_; }
  const E &error() const { return *error_; }

  T valueOr(T fallback) const { return ok() ? *value_ : std::move(fallback); }

private:
  std::optional<T> value_;
  std::optional<E> error_;
};

} // namespace fbcqm
