/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /cqm/ URL grammar (FireBrick CQM technical interface, "Full URL format"):
 *
 *   /cqm/[AUTH/][DATE[/HOURS]/][OPTIONS/][EXT/][NAME].EXT[?OPTIONS]
 *   /cqm/[AUTH/][DATE[/HOURS]/][OPTIONS/][EXT/]            (directory index)
 *
 * parsed into one plain value, with no HTTP in sight. The input is the RAW
 * request target: the path still percent-encoded (so an encoded "%2F" cannot
 * make a new segment) and the raw query string without its '?'.
 *
 * How a segment is classified (the same rules are in cqm-exporter/README.md,
 * "URL grammar"):
 *  1. The path must start with "/cqm/". The rest is split on raw '/'. The last
 *     piece is the file "NAME.EXT" (split at its last '.'), or empty when the
 *     path ends with '/' (a directory index). Every other piece is a directory
 *     segment; an empty one ("//"), "." or ".." (also percent-encoded) is 400.
 *  2. The first directory segment is the AUTH hash when it is exactly 40
 *     (SHA1) or 32 (MD5) hex digits, in either case.
 *  3. The next directory segment, if it starts with a digit, begins the DATE:
 *     YYYY-MM-DD, YYYY/MM/DD, YYYY-MM/DD or YYYY/MM-DD (one to three
 *     segments). The day may carry "-HH" or "-HH-HH"; the segment after the
 *     date, if it starts with a digit, is "HH", "HH-HH" or "HH:MM:SS" (after a
 *     "-HH" suffix only "HH", giving FireBrick's "-HH/HH"). Hours are two
 *     digits 00..23; a range includes its end hour ("/05-07" = 05:00 to
 *     08:00); HH:MM:SS is one hour from that time. Anything malformed here,
 *     an impossible date (2026-02-30) or hour 24 is 400, never an option.
 *  4. Every other directory segment holds OPTIONS, '&'-separated inside the
 *     segment, except a segment that is exactly an extension name (png svg
 *     csv tsv txt xml json), which is the EXT/ link type of an index (the
 *     last one wins; harmless when a graph name is given).
 *  5. A directory segment that starts with a digit, or is 32/40 hex digits,
 *     anywhere else is 400 ("out of place"): ignoring it as an unknown option
 *     would silently serve other data than the one asked for.
 *  6. NAME, percent-decoded, must obey the CQM graph-name rule (letters,
 *     digits, '@', '-', '.'; at most 20; not only dots) or be empty (a list,
 *     or a blank png) or "*" with .xml (all graphs in one document); else
 *     400. EXT must be one of the seven extension names, in lower case; else
 *     404.
 *  7. Options: "KEY" or "KEY=VALUE"; '+' is a space, then %XX is decoded, in
 *     key and value separately (so "%26" and "%3D" are literal). Path options
 *     apply first, then the query's, in order (graph_options.h). Empty query
 *     parts ("a&&b", a trailing '&') are skipped; unknown keys are ignored.
 *  Bounds: path and query at most 4096 bytes each. A NUL byte (raw or %00),
 *  an invalid escape ('%' not followed by two hex digits) is 400.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cqm/cqm_time.h"
#include "request/graph_options.h"
#include "util/result.h"

namespace fbcqm::exporter {

constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxQueryBytes = 4096;

enum class Extension { Png, Svg, Csv, Tsv, Txt, Xml, Json };

/* "png" -> Png ...; lower case only. */
std::optional<Extension> parseExtension(std::string_view text);
std::string_view extensionName(Extension extension);
/* png and svg are drawn; the others are data. */
bool isImage(Extension extension);

enum class HashAlgorithm { Sha1, Md5 };

struct UrlHash {
  HashAlgorithm algorithm = HashAlgorithm::Sha1;
  std::string hex; /* lower-case hex, 40 (SHA1) or 32 (MD5) digits */
};

/* Local hours [first, last], both 0..23, first <= last. */
struct HourRange {
  int first = 0;
  int last = 23;
  bool operator==(const HourRange &o) const { return first == o.first && last == o.last; }
};

struct TimeOfDay {
  int hour = 0, minute = 0, second = 0;
  bool operator==(const TimeOfDay &o) const { return hour == o.hour && minute == o.minute && second == o.second; }
};

/* A DATE segment: the whole local day, some hours of it, or one hour from a time. */
struct DateSelection {
  cqm::LocalDate date;
  std::optional<HourRange> hours;     /* /HH, -HH, /HH-HH, -HH/HH, -HH-HH */
  std::optional<TimeOfDay> startTime; /* /HH:MM:SS; never both set */
};

enum class RequestKind {
  DirectoryIndex, /* path ends with '/': HTML index (linkType picks the link extension) */
  List,           /* ".EXT" with no name: list of graphs (png: a blank graph) */
  AllGraphs,      /* "*.xml": every graph in one document */
  Graph,          /* "NAME.EXT" */
};

struct CqmRequest {
  std::optional<UrlHash> auth;
  std::optional<DateSelection> date;
  GraphOptions options;
  std::optional<Extension> linkType;  /* the EXT/ segment */
  std::string name;                   /* "" for index and lists, "*" for all graphs */
  std::optional<Extension> extension; /* none: directory index */

  RequestKind kind() const;
};

struct RequestError {
  int status = 400; /* 400 or 404 */
  std::string text; /* short, for a text/plain body; never echoes the input */
};

/*
 * path: raw path starting with "/cqm/", still percent-encoded.
 * query: raw query string without the '?', "" when none.
 */
fbcqm::Result<CqmRequest, RequestError> parseCqmRequest(std::string_view path, std::string_view query);

} // namespace fbcqm::exporter
