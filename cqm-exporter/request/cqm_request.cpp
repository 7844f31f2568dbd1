/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "request/cqm_request.h"

#include <vector>

#include "cqm/graph_name.h"
#include "request/hex_digit.h"
#include "request/percent_decoding.h"

namespace fbcqm::exporter {

namespace {

constexpr std::string_view kPrefix = "/cqm/";

struct NamedExtension {
  std::string_view name;
  Extension extension;
};
constexpr NamedExtension kExtensions[] = {
    {"png", Extension::Png}, {"svg", Extension::Svg}, {"csv", Extension::Csv},   {"tsv", Extension::Tsv},
    {"txt", Extension::Txt}, {"xml", Extension::Xml}, {"json", Extension::Json},
};

using Parsed = fbcqm::Result<CqmRequest, RequestError>;

Failure<RequestError> badRequest(std::string text) { return fail(RequestError{400, std::move(text)}); }
Failure<RequestError> notFound(std::string text) { return fail(RequestError{404, std::move(text)}); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool startsWithDigit(std::string_view s) { return !s.empty() && isDigit(s.front()); }

/* Whether s[from, from + count) exists and is all digits. */
bool digitsAt(std::string_view s, std::size_t from, std::size_t count) {
  if (s.size() < from + count)
    return false;
  for (std::size_t i = from; i < from + count; ++i)
    if (!isDigit(s[i]))
      return false;
  return true;
}

bool isHashSegment(std::string_view s) {
  if (s.size() != 40 && s.size() != 32)
    return false;
  for (char c : s)
    if (hexDigitValue(c) < 0)
      return false;
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

std::string lowerHex(std::string_view hex) {
  std::string lower(hex);
  for (char &c : lower)
    if (c >= 'A' && c <= 'F')
      c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

/* Two digits 00..23. */
std::optional<int> parseHour(std::string_view text) {
  if (text.size() != 2 || !digitsAt(text, 0, 2))
    return std::nullopt;
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  return hour <= 23 ? std::optional<int>(hour) : std::nullopt;
}

/* Two digits 00..59. */
std::optional<int> parseMinuteOrSecond(std::string_view text) {
  if (text.size() != 2 || !digitsAt(text, 0, 2))
    return std::nullopt;
  const int value = (text[0] - '0') * 10 + (text[1] - '0');
  return value <= 59 ? std::optional<int>(value) : std::nullopt;
}

fbcqm::Result<HourRange, RequestError> hourRange(std::string_view first, std::string_view last) {
  const auto from = parseHour(first), to = parseHour(last);
  if (!from || !to)
    return badRequest("invalid hour (00 to 23)");
  if (*from > *to)
    return badRequest("hour range ends before it starts");
  return HourRange{*from, *to};
}

/* The segment after a date: "HH", "HH-HH" or "HH:MM:SS". */
fbcqm::Result<DateSelection, RequestError> applyHourSegment(DateSelection selection, std::string_view segment) {
  if (segment.size() == 8 && segment[2] == ':' && segment[5] == ':') {
    const auto hour = parseHour(segment.substr(0, 2));
    const auto minute = parseMinuteOrSecond(segment.substr(3, 2));
    const auto second = parseMinuteOrSecond(segment.substr(6, 2));
    if (!hour || !minute || !second)
      return badRequest("invalid start time (HH:MM:SS, hour 00 to 23)");
    selection.startTime = TimeOfDay{*hour, *minute, *second};
    return selection;
  }
  const auto dash = segment.find('-');
  auto range = dash == std::string_view::npos ? hourRange(segment, segment)
                                              : hourRange(segment.substr(0, dash), segment.substr(dash + 1));
  if (!range)
    return fail(range.error());
  selection.hours = *range;
  return selection;
}

/* Where a date starts: its text as parseDate reads it, what follows the day in its segment. */
struct DateSpelling {
  std::string text;
  std::string_view suffix;
  std::size_t segments = 0;
};

/* Recognises YYYY-MM-DD, YYYY-MM/DD, YYYY/MM-DD, YYYY/MM/DD from dirs[index]. */
std::optional<DateSpelling> findDate(const std::vector<std::string_view> &dirs, std::size_t index) {
  const auto at = [&](std::size_t i) { return index + i < dirs.size() ? dirs[index + i] : std::string_view(); };
  const std::string_view first = at(0), second = at(1), third = at(2);
  if (!digitsAt(first, 0, 4))
    return std::nullopt;
  if (first.size() >= 10 && first[4] == '-' && first[7] == '-')
    return DateSpelling{std::string(first.substr(0, 10)), first.substr(10), 1};
  if (first.size() == 7 && first[4] == '-' && digitsAt(second, 0, 2))
    return DateSpelling{std::string(first) + "/" + std::string(second.substr(0, 2)), second.substr(2), 2};
  if (first.size() == 4 && second.size() >= 5 && digitsAt(second, 0, 2) && second[2] == '-')
    return DateSpelling{std::string(first) + "/" + std::string(second.substr(0, 5)), second.substr(5), 2};
  if (first.size() == 4 && second.size() == 2 && digitsAt(second, 0, 2) && digitsAt(third, 0, 2))
    return DateSpelling{std::string(first) + "/" + std::string(second) + "/" + std::string(third.substr(0, 2)),
                        third.substr(2), 3};
  return std::nullopt;
}

/* "-HH" (openEnd: an end hour may follow in the next segment) or "-HH-HH" on the day. */
fbcqm::Result<std::optional<HourRange>, RequestError> daySuffixHours(std::string_view suffix, bool &openEnd) {
  openEnd = false;
  if (suffix.empty())
    return std::optional<HourRange>();
  fbcqm::Result<HourRange, RequestError> range = badRequest("malformed hours after the date");
  if (suffix.size() == 3 && suffix[0] == '-') {
    range = hourRange(suffix.substr(1), suffix.substr(1));
    openEnd = true;
  } else if (suffix.size() == 6 && suffix[0] == '-' && suffix[3] == '-') {
    range = hourRange(suffix.substr(1, 2), suffix.substr(4));
  }
  if (!range)
    return fail(range.error());
  return std::optional<HourRange>(*range);
}

/*
 * The date starting at dirs[index], in any of its four spellings, with its
 * hours; index moves past every segment used.
 */
fbcqm::Result<DateSelection, RequestError> parseDateAt(const std::vector<std::string_view> &dirs, std::size_t &index) {
  const auto spelling = findDate(dirs, index);
  if (!spelling)
    return badRequest("malformed date (YYYY-MM-DD, YYYY/MM/DD, YYYY-MM/DD or YYYY/MM-DD)");
  const auto date = cqm::parseDate(spelling->text);
  if (!date)
    return badRequest("invalid date");
  index += spelling->segments;

  DateSelection selection;
  selection.date = *date;
  bool openEnd = false;
  auto suffixHours = daySuffixHours(spelling->suffix, openEnd);
  if (!suffixHours)
    return fail(suffixHours.error());
  selection.hours = *suffixHours;

  /* The next segment, when it starts with a digit, says which hours. */
  if (index >= dirs.size() || !startsWithDigit(dirs[index]))
    return selection;
  const std::string_view segment = dirs[index++];
  if (selection.hours && !openEnd)
    return badRequest("hours given twice");
  if (!openEnd)
    return applyHourSegment(selection, segment);
  auto range = hourRange(spelling->suffix.substr(1), segment); /* "-HH/HH": the segment is the end hour */
  if (!range)
    return fail(range.error());
  selection.hours = *range;
  return selection;
}

/* Applies "KEY[=VALUE]" pieces separated by '&' ('+' is a space, then %XX). */
fbcqm::Result<bool, RequestError> applyOptions(GraphOptions &options, std::string_view raw) {
  for (std::string_view piece : split(raw, '&')) {
    if (piece.empty())
      continue;
    const std::size_t equals = piece.find('=');
    auto key = percentDecode(piece.substr(0, equals), PlusMeans::Space);
    if (!key)
      return badRequest("option: " + key.error());
    if (equals == std::string_view::npos) {
      (void)applyOption(options, *key, std::nullopt); /* a bad value is ignored, as documented */
      continue;
    }
    auto value = percentDecode(piece.substr(equals + 1), PlusMeans::Space);
    if (!value)
      return badRequest("option: " + value.error());
    (void)applyOption(options, *key, std::string_view(*value));
  }
  return true;
}

bool isDotSegment(std::string_view s) { return s == "." || s == ".."; }

} // namespace

std::optional<Extension> parseExtension(std::string_view text) {
  for (const auto &named : kExtensions)
    if (named.name == text)
      return named.extension;
  return std::nullopt;
}

std::string_view extensionName(Extension extension) {
  for (const auto &named : kExtensions)
    if (named.extension == extension)
      return named.name;
  return "";
}

bool isImage(Extension extension) { return extension == Extension::Png || extension == Extension::Svg; }

RequestKind CqmRequest::kind() const {
  if (!extension)
    return RequestKind::DirectoryIndex;
  if (name.empty())
    return RequestKind::List;
  if (name == "*")
    return RequestKind::AllGraphs;
  return RequestKind::Graph;
}

Parsed parseCqmRequest(std::string_view path, std::string_view query) {
  if (path.size() > kMaxPathBytes)
    return badRequest("path too long");
  if (query.size() > kMaxQueryBytes)
    return badRequest("query too long");
  if (path.find('\0') != std::string_view::npos || query.find('\0') != std::string_view::npos)
    return badRequest("NUL byte");
  if (path.substr(0, kPrefix.size()) != kPrefix)
    return notFound("not found");

  std::vector<std::string_view> dirs = split(path.substr(kPrefix.size()), '/');
  const std::string_view file = dirs.back();
  dirs.pop_back();

  /* Every directory segment: not empty, valid escapes, no NUL, no dot segment. */
  for (std::string_view segment : dirs) {
    if (segment.empty())
      return badRequest("empty path segment");
    auto decoded = percentDecode(segment, PlusMeans::Plus);
    if (!decoded)
      return badRequest("path: " + decoded.error());
    if (isDotSegment(*decoded))
      return badRequest("'.' or '..' in the path");
  }

  CqmRequest request;
  std::size_t index = 0;
  if (index < dirs.size() && isHashSegment(dirs[index])) {
    request.auth = UrlHash{dirs[index].size() == 40 ? HashAlgorithm::Sha1 : HashAlgorithm::Md5, lowerHex(dirs[index])};
    ++index;
  }
  if (index < dirs.size() && startsWithDigit(dirs[index])) {
    auto date = parseDateAt(dirs, index);
    if (!date)
      return fail(date.error());
    request.date = *date;
  }
  for (; index < dirs.size(); ++index) {
    const std::string_view segment = dirs[index];
    if (isHashSegment(segment))
      return badRequest("authentication hash out of place (it comes right after /cqm/)");
    if (startsWithDigit(segment))
      return badRequest("date or hour out of place (the date comes right after /cqm/ or the hash)");
    if (const auto linkType = parseExtension(segment)) {
      request.linkType = linkType;
      continue;
    }
    auto applied = applyOptions(request.options, segment);
    if (!applied)
      return fail(applied.error());
  }

  if (!file.empty()) {
    auto decodedFile = percentDecode(file, PlusMeans::Plus);
    if (!decodedFile)
      return badRequest("path: " + decodedFile.error());
    if (isDotSegment(*decodedFile))
      return badRequest("'.' or '..' in the path");
    const std::size_t dot = file.rfind('.');
    if (dot == std::string_view::npos)
      return notFound("not found (a graph is NAME.EXT, a directory ends with /)");
    request.extension = parseExtension(file.substr(dot + 1));
    if (!request.extension)
      return notFound("unknown extension (png svg csv tsv txt xml json)");
    auto name = percentDecode(file.substr(0, dot), PlusMeans::Plus);
    if (!name)
      return badRequest("path: " + name.error());
    request.name = std::move(*name);
    if (request.name == "*") {
      if (request.extension != Extension::Xml)
        return badRequest("'*' (all graphs) is only for .xml");
    } else if (!request.name.empty() && !cqm::isValidGraphName(request.name)) {
      return badRequest("invalid graph name");
    }
  }

  auto applied = applyOptions(request.options, query);
  if (!applied)
    return fail(applied.error());
  return request;
}

} // namespace fbcqm::exporter
