/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builds the small flat JSON objects the client sends (login, authorization
 * request) and the credentials file, with proper escaping of user-supplied
 * strings (app names, device names).
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fbcqm::freebox {

class JsonObjectBuilder {
public:
  explicit JsonObjectBuilder(bool pretty = false);
  ~JsonObjectBuilder();
  JsonObjectBuilder(const JsonObjectBuilder &) = delete;
  JsonObjectBuilder &operator=(const JsonObjectBuilder &) = delete;

  JsonObjectBuilder &add(std::string_view key, std::string_view value);
  JsonObjectBuilder &add(std::string_view key, std::int64_t value);
  /* The finished object; the builder is spent afterwards. */
  std::string finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace fbcqm::freebox
