/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The project reads JSON only through json/json.h; writing has no wrapper
 * there, so RapidJSON's writer is used directly here. json/json.h comes first
 * so its RAPIDJSON_ASSERT (throws instead of aborting) is in force; the
 * builder only ever emits one flat object, so no assertion can fire anyway.
 */
#include "json/json.h"

#include "lib/json_body.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace fbcqm::freebox {

struct JsonObjectBuilder::Impl {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> compact{buffer};
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty{buffer};
  bool usePretty = false;

  template <typename F> void write(F &&f) {
    if (usePretty)
      f(pretty);
    else
      f(compact);
  }
};

JsonObjectBuilder::JsonObjectBuilder(bool pretty) : impl_(std::make_unique<Impl>()) {
  impl_->usePretty = pretty;
  if (pretty)
    impl_->pretty.SetIndent(' ', 2);
  impl_->write([](auto &writer) { writer.StartObject(); });
}

JsonObjectBuilder::~JsonObjectBuilder() = default;

JsonObjectBuilder &JsonObjectBuilder::add(std::string_view key, std::string_view value) {
  impl_->write([&](auto &writer) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  });
  return *this;
}

JsonObjectBuilder &JsonObjectBuilder::add(std::string_view key, std::int64_t value) {
  impl_->write([&](auto &writer) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer.Int64(value);
  });
  return *this;
}

std::string JsonObjectBuilder::finish() {
  impl_->write([](auto &writer) { writer.EndObject(); });
  std::string text(impl_->buffer.GetString(), impl_->buffer.GetSize());
  if (impl_->usePretty)
    text += '\n';
  return text;
}

} // namespace fbcqm::freebox
