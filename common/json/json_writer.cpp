/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json/json_writer.h"

/* json/json.h first: it configures RapidJSON (RAPIDJSON_ASSERT throws instead of aborting). */
#include "json/json.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace fbcqm::json {

namespace {

/* RapidJSON's validator copies each byte it reads to an output stream; we copy from the input ourselves. */
struct DiscardBytes {
  void Put(char) {}
};

/* The text with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD
 * (RapidJSON's writer would otherwise emit it as is, or stop half-way when validating). */
std::string validUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    rapidjson::MemoryStream input(text.data() + position, text.size() - position);
    DiscardBytes discard;
    if (rapidjson::UTF8<>::Validate(input, discard) && input.Tell() <= text.size() - position) {
      out.append(text.substr(position, input.Tell()));
      position += input.Tell();
    } else {
      out += "\xEF\xBF\xBD";
      ++position;
    }
  }
  return out;
}

rapidjson::SizeType sizeOf(const std::string &text) { return static_cast<rapidjson::SizeType>(text.size()); }

} // namespace

struct ObjectWriter::Impl {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> compact{buffer};
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty{buffer};
  Style style = Style::Compact;
  bool finished = false;

  template <typename F> void write(F &&f) {
    if (finished)
      return;
    if (style == Style::Pretty)
      f(pretty);
    else
      f(compact);
  }

  template <typename F> void member(std::string_view key, F &&writeValue) {
    const std::string safeKey = validUtf8(key);
    write([&](auto &writer) {
      writer.Key(safeKey.data(), sizeOf(safeKey));
      writeValue(writer);
    });
  }
};

ObjectWriter::ObjectWriter(Style style) : impl_(std::make_unique<Impl>()) {
  impl_->style = style;
  impl_->pretty.SetIndent(' ', 2);
  impl_->write([](auto &writer) { writer.StartObject(); });
}

ObjectWriter::~ObjectWriter() = default;

ObjectWriter &ObjectWriter::add(std::string_view key, std::string_view value) {
  const std::string safe = validUtf8(value);
  impl_->member(key, [&](auto &writer) { writer.String(safe.data(), sizeOf(safe)); });
  return *this;
}

ObjectWriter &ObjectWriter::add(std::string_view key, std::int64_t value) {
  impl_->member(key, [&](auto &writer) { writer.Int64(value); });
  return *this;
}

ObjectWriter &ObjectWriter::add(std::string_view key, bool value) {
  impl_->member(key, [&](auto &writer) { writer.Bool(value); });
  return *this;
}

std::string ObjectWriter::finish() {
  if (impl_->finished)
    return {};
  impl_->write([](auto &writer) { writer.EndObject(); });
  impl_->finished = true;
  std::string text(impl_->buffer.GetString(), impl_->buffer.GetSize());
  if (impl_->style == Style::Pretty)
    text += '\n';
  return text;
}

std::string toText(const Value &value) {
  if (!value.value_)
    return "null";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.value_->Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace fbcqm::json
