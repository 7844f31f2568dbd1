/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The order in which one read callback hands the engine's results to
 * collectd. collectd's value cache is a tree keyed by name: results in name
 * order make each lookup walk nearly the path of the one before (the write
 * threads spent a third less). But collectd's write threads take values
 * concurrently, so two values of one target next to each other can be
 * handled in the wrong order, and the cache then refuses the later-handled,
 * older one ("Value too old"). So the order is by round, then name: each
 * target's first result of the batch, in name order, then each one's second,
 * and so on; a target's results stay in time order, a whole round apart.
 */
#pragma once

#include <cstdint>
#include <vector>

#include "ping_engine.h"

namespace fbcqm::cqm_ping {

/*
 * Fills order with the indices of results in dispatch order. keys is scratch
 * space; both are kept by the caller between calls, so that no large block
 * is allocated in collectd's read thread (malloc would then consolidate the
 * small blocks collectd's write threads free into that thread's heap).
 * results must hold each target's results in time order, as the engine
 * hands them over.
 */
void dispatchOrder(const std::vector<EchoResult> &results, std::vector<std::uint32_t> &order,
                   std::vector<std::uint64_t> &keys);

} // namespace fbcqm::cqm_ping
