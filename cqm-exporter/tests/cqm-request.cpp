/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The /cqm/ URL grammar: every FireBrick URL form, and the bad ones. */
#include <catch2/catch.hpp>

#include <string>

#include "request/cqm_request.h"

using namespace fbcqm::exporter;
using fbcqm::cqm::LocalDate;

namespace {

const std::string kSha1 = "C49101848035FB02545DCC8C7F948449896A9D87";
const std::string kMd5 = "0123456789abcdefABCDEF0123456789";

std::string lower(std::string text) {
  for (char &c : text)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 32);
  return text;
}

CqmRequest parsed(const std::string &path, const std::string &query = "") {
  auto result = parseCqmRequest(path, query);
  INFO(path << "?" << query << " -> " << (result ? "" : result.error().text));
  REQUIRE(result.ok());
  return result.value();
}

} // namespace

TEST_CASE("graph URLs: name, extension and kind") {
  struct Case {
    std::string path;
    std::string name;
    Extension extension;
    RequestKind kind;
  };
  const Case cases[] = {
      {"/cqm/circuit.png", "circuit", Extension::Png, RequestKind::Graph},
      {"/cqm/circuit.svg", "circuit", Extension::Svg, RequestKind::Graph},
      {"/cqm/circuit.csv", "circuit", Extension::Csv, RequestKind::Graph},
      {"/cqm/circuit.tsv", "circuit", Extension::Tsv, RequestKind::Graph},
      {"/cqm/circuit.txt", "circuit", Extension::Txt, RequestKind::Graph},
      {"/cqm/circuit.xml", "circuit", Extension::Xml, RequestKind::Graph},
      {"/cqm/circuit.json", "circuit", Extension::Json, RequestKind::Graph},
      {"/cqm/a.b@c-d.9.csv", "a.b@c-d.9", Extension::Csv, RequestKind::Graph}, /* split at the last dot */
      {"/cqm/BBEU02778114.png", "BBEU02778114", Extension::Png, RequestKind::Graph},
      {"/cqm/circ%75it.json", "circuit", Extension::Json, RequestKind::Graph}, /* percent-decoded name */
      {"/cqm/.png", "", Extension::Png, RequestKind::List},                    /* blank graph */
      {"/cqm/.csv", "", Extension::Csv, RequestKind::List},                    /* name + score list */
      {"/cqm/.tsv", "", Extension::Tsv, RequestKind::List},
      {"/cqm/.txt", "", Extension::Txt, RequestKind::List},
      {"/cqm/.xml", "", Extension::Xml, RequestKind::List},
      {"/cqm/.json", "", Extension::Json, RequestKind::List},
      {"/cqm/*.xml", "*", Extension::Xml, RequestKind::AllGraphs},
      {"/cqm/%2A.xml", "*", Extension::Xml, RequestKind::AllGraphs},
  };
  for (const auto &c : cases) {
    const CqmRequest request = parsed(c.path);
    CHECK(request.name == c.name);
    CHECK(request.extension == c.extension);
    CHECK(request.kind() == c.kind);
    CHECK_FALSE(request.auth);
    CHECK_FALSE(request.date);
  }
}

TEST_CASE("directory indexes and the EXT/ link type") {
  struct Case {
    std::string path;
    std::optional<Extension> linkType;
  };
  const Case cases[] = {
      {"/cqm/", std::nullopt},
      {"/cqm/json/", Extension::Json},
      {"/cqm/svg/", Extension::Svg},
      {"/cqm/z/csv/", Extension::Csv},
      {"/cqm/csv/png/", Extension::Png}, /* the last one wins */
      {"/cqm/2026-11-30/z/", std::nullopt},
  };
  for (const auto &c : cases) {
    const CqmRequest request = parsed(c.path);
    CHECK(request.kind() == RequestKind::DirectoryIndex);
    CHECK(request.name.empty());
    CHECK_FALSE(request.extension);
    CHECK(request.linkType == c.linkType);
  }
  CHECK(parsed("/cqm/2026-11-30/z/").options.noText);
  /* An EXT/ segment before a graph name is kept, and harmless. */
  const CqmRequest svg = parsed("/cqm/svg/circuit.svg");
  CHECK(svg.kind() == RequestKind::Graph);
  CHECK(svg.linkType == Extension::Svg);
}

TEST_CASE("the authentication hash: SHA1 or MD5, either case, kept lower case") {
  const CqmRequest sha1 = parsed("/cqm/" + kSha1 + "/BBEU02778114.png");
  REQUIRE(sha1.auth);
  CHECK(sha1.auth->algorithm == HashAlgorithm::Sha1);
  CHECK(sha1.auth->hex == lower(kSha1));
  CHECK(sha1.name == "BBEU02778114");

  const CqmRequest md5 = parsed("/cqm/" + kMd5 + "/2026-11-30/circuit.csv");
  REQUIRE(md5.auth);
  CHECK(md5.auth->algorithm == HashAlgorithm::Md5);
  CHECK(md5.auth->hex == lower(kMd5));
  REQUIRE(md5.date);
  CHECK(md5.date->date == LocalDate{2026, 11, 30});

  /* 39 or 41 hex digits are no hash: an option (unknown, ignored) */
  CHECK_FALSE(parsed("/cqm/" + kSha1.substr(0, 39) + "/circuit.png").auth);
  /* A hash-looking segment as the last piece is a graph name, and too long for one. */
  CHECK(parseCqmRequest("/cqm/" + kSha1 + ".png", "").error().status == 400);
}

TEST_CASE("dates in the four FireBrick spellings, with hours") {
  struct Case {
    std::string path;
    LocalDate date;
    std::optional<HourRange> hours;
    std::optional<TimeOfDay> start;
  };
  const LocalDate d{2026, 11, 30};
  const Case cases[] = {
      {"/cqm/2026-11-30/circuit.png", d, std::nullopt, std::nullopt},
      {"/cqm/2026/11/30/circuit.png", d, std::nullopt, std::nullopt},
      {"/cqm/2026-11/30/circuit.png", d, std::nullopt, std::nullopt},
      {"/cqm/2026/11-30/circuit.png", d, std::nullopt, std::nullopt},
      {"/cqm/2026-11-30/", d, std::nullopt, std::nullopt},
      /* one hour: /HH or -HH */
      {"/cqm/2026-11-30/05/circuit.csv", d, HourRange{5, 5}, std::nullopt},
      {"/cqm/2026-11-30-05/circuit.csv", d, HourRange{5, 5}, std::nullopt},
      {"/cqm/2026/11/30/23/circuit.csv", d, HourRange{23, 23}, std::nullopt},
      {"/cqm/2026/11/30-00/circuit.csv", d, HourRange{0, 0}, std::nullopt},
      {"/cqm/2026-11/30-07/circuit.csv", d, HourRange{7, 7}, std::nullopt},
      /* a range, end hour included: /HH-HH, -HH/HH, -HH-HH */
      {"/cqm/2026-11-30/05-07/circuit.csv", d, HourRange{5, 7}, std::nullopt},
      {"/cqm/2026-11-30-05/07/circuit.csv", d, HourRange{5, 7}, std::nullopt},
      {"/cqm/2026-11-30-05-07/circuit.csv", d, HourRange{5, 7}, std::nullopt},
      {"/cqm/2026/11-30/00-23/circuit.csv", d, HourRange{0, 23}, std::nullopt},
      {"/cqm/2026/11/30-05/07/", d, HourRange{5, 7}, std::nullopt},
      /* one hour from a start time */
      {"/cqm/2026-11-30/05:30:00/circuit.csv", d, std::nullopt, TimeOfDay{5, 30, 0}},
      {"/cqm/2026/11/30/23:59:59/circuit.png", d, std::nullopt, TimeOfDay{23, 59, 59}},
      /* leap day */
      {"/cqm/2028-02-29/circuit.png", LocalDate{2028, 2, 29}, std::nullopt, std::nullopt},
  };
  for (const auto &c : cases) {
    const CqmRequest request = parsed(c.path);
    REQUIRE(request.date);
    CHECK(request.date->date == c.date);
    CHECK(request.date->hours == c.hours);
    CHECK(request.date->startTime == c.start);
  }
  const CqmRequest full = parsed("/cqm/" + kSha1 + "/2026/11/30-05/07/z/H=x/svg/circuit.png", "t");
  CHECK(full.auth);
  CHECK(full.date->hours == HourRange{5, 7});
  CHECK(full.options.noText);
  CHECK(full.options.heading == "x");
  CHECK(full.options.tooltips);
  CHECK(full.linkType == Extension::Svg);
  CHECK(full.name == "circuit");
}

TEST_CASE("options in the path and the query, applied in order") {
  CHECK(parsed("/cqm/circuit.png", "H=a+heading").options.heading == "a heading");
  CHECK(parsed("/cqm/H=a+heading/circuit.png").options.heading == "a heading");
  /* path first, then the query: the query's H wins */
  CHECK(parsed("/cqm/H=one/circuit.png", "H=two").options.heading == "two");
  /* '/' and '&' both separate path options */
  const GraphOptions path = parsed("/cqm/z/M=red/X&L=50/circuit.png").options;
  CHECK(path.noText);
  CHECK(path.left == 50);
  CHECK(path.shows(DataPoint::MinLatency));
  CHECK(path.shows(DataPoint::MaxLatency));
  CHECK_FALSE(path.shows(DataPoint::AveLatency));
  CHECK(path.colourOf(DataPoint::MinLatency) == Rgba{255, 0, 0, 255});
  /* escapes: '#' colour, literal '&', '=' and '+' in values */
  const GraphOptions escaped = parsed("/cqm/circuit.png", "M=%23F00&H=a%26b%3Dc%2Bd&h=x=y").options;
  CHECK(escaped.colourOf(DataPoint::MinLatency) == Rgba{255, 0, 0, 255});
  CHECK(escaped.heading == "a&b=c+d");
  CHECK(escaped.subHeading == "x=y"); /* split at the first '=' only */
  /* empty query parts, unknown keys and bad values are ignored */
  const GraphOptions lenient = parsed("/cqm/circuit.png", "&&Q=1&unknown&L=-5&T=7&").options;
  CHECK_FALSE(lenient.left);
  CHECK(lenient.top == 7);
  /* UTF-8 text passes through */
  CHECK(parsed("/cqm/circuit.png", "C=caf%C3%A9").options.topLeft[0] == "caf\xC3\xA9");
  /* the SVG style sheet keeps its decoded slashes */
  CHECK(parsed("/cqm/circuit.svg", "s=https%3A%2F%2Fexample.org%2Fcqm.css").options.styleSheet ==
        "https://example.org/cqm.css");
}

TEST_CASE("bad URLs get 400 or 404 with a short text") {
  struct Case {
    std::string path;
    std::string query;
    int status;
  };
  const std::string longName(kMaxPathBytes, 'a');
  const Case cases[] = {
      /* bounds and bytes */
      {"/cqm/" + longName + ".png", "", 400},
      {"/cqm/circuit.png", "H=" + std::string(kMaxQueryBytes, 'x'), 400},
      {std::string("/cqm/a\0b.png", 12), "", 400},
      {"/cqm/circuit.png", std::string("H=a\0b", 5), 400},
      {"/cqm/a%00b.png", "", 400},
      {"/cqm/H=%00/circuit.png", "", 400},
      {"/cqm/circuit.png", "H=%00", 400},
      {"/cqm/circuit.png", "%00=1", 400},
      {"/cqm/a%zzb.png", "", 400},
      {"/cqm/a%2.png", "", 400},
      {"/cqm/circuit.png", "H=%", 400},
      {"/cqm/circuit.png", "H=%4", 400},
      {"/cqm/H=%G1/circuit.png", "", 400},
      /* traversal */
      {"/cqm/../etc/passwd.txt", "", 400},
      {"/cqm/./circuit.png", "", 400},
      {"/cqm/%2e%2e/circuit.png", "", 400},
      {"/cqm/%2E/circuit.png", "", 400},
      {"/cqm/..", "", 400},
      {"/cqm/%2e%2e", "", 400},
      {"/cqm/z/../circuit.png", "", 400},
      {"/cqm/..%2Fetc%2Fpasswd.txt", "", 400},
      {"/cqm/a%2Fb.png", "", 400},
      {"/cqm/a%5Cb.png", "", 400},
      {"/cqm/a\\b.png", "", 400},
      /* names */
      {"/cqm/" + std::string(21, 'n') + ".png", "", 400},
      {"/cqm/a+b.png", "", 400},
      {"/cqm/a%20b.png", "", 400},
      {"/cqm/..png", "", 400},
      {"/cqm/*.csv", "", 400},
      {"/cqm/*.png", "", 400},
      /* dates and hours */
      {"/cqm/2026-02-30/circuit.png", "", 400},
      {"/cqm/2026/02/30/circuit.png", "", 400},
      {"/cqm/2026-13-01/circuit.png", "", 400},
      {"/cqm/1969-12-31/circuit.png", "", 400},
      {"/cqm/2026-11/circuit.png", "", 400},
      {"/cqm/2026/circuit.png", "", 400},
      {"/cqm/2026-11-3/circuit.png", "", 400},
      {"/cqm/2026-11-30x/circuit.png", "", 400},
      {"/cqm/2026-11-30/24/circuit.png", "", 400},
      {"/cqm/2026-11-30-24/circuit.png", "", 400},
      {"/cqm/2026-11-30/5/circuit.png", "", 400},
      {"/cqm/2026-11-30/07-05/circuit.png", "", 400},
      {"/cqm/2026-11-30/05-24/circuit.png", "", 400},
      {"/cqm/2026-11-30-05/24/circuit.png", "", 400},
      {"/cqm/2026-11-30-05-07/08/circuit.png", "", 400},
      {"/cqm/2026-11-30/24:00:00/circuit.png", "", 400},
      {"/cqm/2026-11-30/05:60:00/circuit.png", "", 400},
      {"/cqm/2026-11-30/05:00:60/circuit.png", "", 400},
      {"/cqm/2026-11-30/5:00:00/circuit.png", "", 400},
      /* order */
      {"/cqm/z/2026-11-30/circuit.png", "", 400},
      {"/cqm/2026-11-30/" + kSha1 + "/circuit.png", "", 400},
      {"/cqm/2026-11-30/z/05/circuit.png", "", 400},
      /* structure */
      {"/cqm//circuit.png", "", 400},
      {"/cqm/z//circuit.png", "", 400},
      {"/cqm/z//", "", 400},
      /* not found */
      {"/cqm/circuit.gif", "", 404},
      {"/cqm/circuit.PNG", "", 404},
      {"/cqm/circuit", "", 404},
      {"/cqm/circuit.", "", 404},
      {"/cqm", "", 404},
      {"/cqmx/circuit.png", "", 404},
      {"/etc/passwd", "", 404},
      {"", "", 404},
  };
  for (const auto &c : cases) {
    auto result = parseCqmRequest(c.path, c.query);
    CAPTURE(c.path, c.query);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == c.status);
    CHECK_FALSE(result.error().text.empty());
    CHECK(result.error().text.size() < 100);
  }
}

TEST_CASE("extension names round-trip") {
  for (auto e : {Extension::Png, Extension::Svg, Extension::Csv, Extension::Tsv, Extension::Txt, Extension::Xml,
                 Extension::Json})
    CHECK(parseExtension(extensionName(e)) == e);
  CHECK(isImage(Extension::Png));
  CHECK(isImage(Extension::Svg));
  CHECK_FALSE(isImage(Extension::Csv));
  CHECK_FALSE(parseExtension("gif"));
}
