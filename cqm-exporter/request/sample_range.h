/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which 100-second samples a /cqm/ request covers. Local dates and hours
 * follow the process time zone (TZ); the server sets it from its config.
 * "now" is Unix seconds; a sample is complete when it ended at or before now,
 * so the latest complete sample is sampleIndex(now) - 1.
 *
 *  dated, no hours      every sample starting in that local day: 864, or
 *                       828 / 900 on a 23 / 25-hour day (cqm::samplesOfLocalDay)
 *  dated, HH..HH        samples starting in those local hours, end hour included
 *  dated, HH:MM:SS      one hour (36 samples) from the first sample starting at
 *                       or after that local time; a time the clock shows twice
 *                       (autumn) means the first; a time it skips (spring) is 404
 *  undated image        from the start of the local hour 24 hours before the
 *                       current one, to the latest complete sample: 24 to 25
 *                       hours, 864 to 900 samples, as a FireBrick draws
 *  undated data         the latest 1000 complete samples (all a FireBrick holds:
 *                       27 h 46 min)
 *
 * Dated ranges are not cut at "now": future samples are simply empty.
 */
#pragma once

#include <cstdint>

#include "cqm/cqm_time.h"
#include "request/cqm_request.h"
#include "util/result.h"

namespace fbcqm::exporter {

constexpr std::int64_t kUndatedDataSamples = 1000;

/* The samples of a dated selection (no "now" needed). */
fbcqm::Result<cqm::SampleRange, RequestError> samplesOfDate(const DateSelection &date);

/* Undated: image = latest 24-25 hours, data = latest 1000 samples. */
cqm::SampleRange undatedImageSamples(std::int64_t now);
cqm::SampleRange undatedDataSamples(std::int64_t now);

/*
 * The samples a request covers: its date if any, else undated by its
 * extension (an index or list counts as data).
 */
fbcqm::Result<cqm::SampleRange, RequestError> samplesOfRequest(const CqmRequest &request, std::int64_t now);

/* The local date a URL hash is made with: the request's date, else today's. */
cqm::LocalDate hashDateOf(const CqmRequest &request, std::int64_t now);

} // namespace fbcqm::exporter
