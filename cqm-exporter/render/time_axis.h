/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hour ticks along the time axis, in local time (the process TZ): a tick at
 * the first sample starting at or after each local hour, and at local
 * midnight the date, so days of 23 or 25 hours come out right.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cqm/cqm_time.h"

namespace fbcqm::render {

struct HourTick {
  int column = 0; /* sample offset from the range's first sample */
  int hour = 0;   /* local hour 0..23 */
  bool midnight = false;
  std::string date; /* at midnight: "Mon 2026-11-30" */
};

std::vector<HourTick> hourTicks(const cqm::SampleRange &range);

/* "2026-11-30 14:01:40", local time: tooltips. */
std::string localTimeText(std::int64_t unixSeconds);

} // namespace fbcqm::render
