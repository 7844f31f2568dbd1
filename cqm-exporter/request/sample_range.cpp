/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "request/sample_range.h"

#include <ctime>

namespace fbcqm::exporter {

namespace {

constexpr std::int64_t kSamplesPerHour = 3600 / cqm::kSampleSeconds;

/* Unix time at which the local hour holding now began (also right in 30/45-minute zones). */
std::int64_t startOfLocalHour(std::int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  return now - tm.tm_min * 60 - tm.tm_sec;
}

} // namespace

fbcqm::Result<cqm::SampleRange, RequestError> samplesOfDate(const DateSelection &date) {
  if (date.startTime) {
    const auto &time = *date.startTime;
    const auto instants = cqm::unixTimesOfLocal(date.date, time.hour, time.minute, time.second);
    if (instants.empty())
      return fail(RequestError{404, "that local time does not exist (clock change)"});
    const std::int64_t first = cqm::firstSampleAtOrAfter(instants.front());
    return cqm::SampleRange{first, first + kSamplesPerHour};
  }
  if (date.hours) {
    const auto range = cqm::samplesOfLocalHours(date.date, date.hours->first, date.hours->last);
    if (!range)
      return fail(RequestError{400, "invalid hour range"});
    return *range;
  }
  return cqm::samplesOfLocalDay(date.date);
}

cqm::SampleRange undatedImageSamples(std::int64_t now) {
  const std::int64_t end = cqm::sampleIndex(now); /* exclusive: the sample in progress is not complete */
  return cqm::SampleRange{cqm::firstSampleAtOrAfter(startOfLocalHour(now) - 24 * 3600), end};
}

cqm::SampleRange undatedDataSamples(std::int64_t now) {
  const std::int64_t end = cqm::sampleIndex(now);
  return cqm::SampleRange{end - kUndatedDataSamples, end};
}

fbcqm::Result<cqm::SampleRange, RequestError> samplesOfRequest(const CqmRequest &request, std::int64_t now) {
  if (request.date)
    return samplesOfDate(*request.date);
  if (request.extension && isImage(*request.extension))
    return undatedImageSamples(now);
  return undatedDataSamples(now);
}

cqm::LocalDate hashDateOf(const CqmRequest &request, std::int64_t now) {
  return request.date ? request.date->date : cqm::localDateOf(now);
}

} // namespace fbcqm::exporter
