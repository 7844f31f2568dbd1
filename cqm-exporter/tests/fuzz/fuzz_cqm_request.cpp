/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the /cqm/ URL grammar and the display options. The input
 * is a request target "PATH[?QUERY]" ("/cqm/" is put in front when missing,
 * so the fuzzer spends its time past the prefix). Besides crashes and
 * sanitizer reports, it aborts when a parsed request breaks a promise the
 * server relies on: a safe graph name, a real date, hours in range, bounded
 * option values, a sample range of sane size.
 */
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cqm/graph_name.h"
#include "request/cqm_request.h"
#include "request/sample_range.h"

using namespace fbcqm::exporter;

namespace {

void require(bool condition) {
  if (!condition)
    std::abort();
}

void checkOptions(const GraphOptions &options) {
  for (const auto &line : options.topLeft)
    require(!line || line->size() <= kMaxTextBytes);
  require(!options.heading || options.heading->size() <= kMaxTextBytes);
  require(!options.subHeading || options.subHeading->size() <= kMaxTextBytes);
  for (const auto &spacing : {options.left, options.right, options.top, options.bottom})
    require(!spacing || (*spacing >= 0 && *spacing <= kMaxSpacingPixels));
  require(options.dataPoints.size() <= 8);
}

void checkRequest(const CqmRequest &request) {
  const std::string &name = request.name;
  require(name.find('/') == std::string::npos && name.find('\\') == std::string::npos);
  require(name.find('\0') == std::string::npos);
  require(name.empty() || name == "*" || fbcqm::cqm::isValidGraphName(name));
  require(name != "*" || request.extension == Extension::Xml);
  require(request.extension || name.empty());
  if (request.auth) {
    require(request.auth->hex.size() == (request.auth->algorithm == HashAlgorithm::Sha1 ? 40u : 32u));
    for (char c : request.auth->hex)
      require((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (request.date) {
    const auto &d = *request.date;
    require(fbcqm::cqm::isValidDate(d.date.year, d.date.month, d.date.day));
    require(!(d.hours && d.startTime));
    if (d.hours)
      require(d.hours->first >= 0 && d.hours->first <= d.hours->last && d.hours->last <= 23);
    if (d.startTime)
      require(d.startTime->hour <= 23 && d.startTime->minute <= 59 && d.startTime->second <= 59);
  }
  checkOptions(request.options);

  const auto range = samplesOfRequest(request, 1'795'000'000); /* late November 2026 */
  if (range)
    require(range->count() >= 0 && range->count() <= 1000);
  else
    require(range.error().status == 404);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string target(reinterpret_cast<const char *>(data), size);
  if (target.compare(0, 5, "/cqm/") != 0)
    target.insert(0, "/cqm/");
  const std::size_t question = target.find('?');
  const std::string_view path = std::string_view(target).substr(0, question);
  const std::string_view query =
      question == std::string::npos ? std::string_view() : std::string_view(target).substr(question + 1);

  const auto parsed = parseCqmRequest(path, query);
  if (parsed) {
    checkRequest(*parsed);
  } else {
    require(parsed.error().status == 400 || parsed.error().status == 404);
    require(!parsed.error().text.empty() && parsed.error().text.size() < 100);
  }
  return 0;
}
