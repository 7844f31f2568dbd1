/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing JSON, the counterpart of json/json.h: the one place RapidJSON's
 * writers are used, so no caller has to include RapidJSON.
 *
 * ObjectWriter builds one flat object (request bodies, small state files):
 *   std::string body = json::ObjectWriter().add("app_id", id).add("port", 443).finish();
 * Strings are escaped as JSON requires (quotes, backslashes, control
 * characters); bytes that are not valid UTF-8 become U+FFFD, so the output is
 * always valid JSON whatever the caller passes.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fbcqm::json {

class Value;

class ObjectWriter {
public:
  enum class Style {
    Compact, /* {"a":1,"b":"x"} */
    Pretty,  /* two-space indent, one member per line, ending with a newline (a file) */
  };

  explicit ObjectWriter(Style style = Style::Compact);
  ~ObjectWriter();
  ObjectWriter(const ObjectWriter &) = delete;
  ObjectWriter &operator=(const ObjectWriter &) = delete;

  ObjectWriter &add(std::string_view key, std::string_view value);
  /* Without it a string literal would pick the bool overload. */
  ObjectWriter &add(std::string_view key, const char *value) { return add(key, std::string_view(value)); }
  ObjectWriter &add(std::string_view key, std::int64_t value);
  ObjectWriter &add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
  ObjectWriter &add(std::string_view key, bool value);

  /* The finished object; the writer is spent afterwards (further calls are ignored). */
  std::string finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/* Compact JSON text of any value (e.g. a RapidJSON DOM viewed as a json::Value);
 * "null" for an absent one. */
std::string toText(const Value &value);

} // namespace fbcqm::json
