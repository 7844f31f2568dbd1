/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <catch2/catch.hpp>

#include "server/response_cache.h"

using namespace fbcqm::exporter;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<const CachedAnswer> answerOf(std::size_t bytes) {
  auto answer = std::make_shared<CachedAnswer>();
  answer->contentType = "text/csv";
  answer->body.assign(bytes, 'x');
  return answer;
}

} // namespace

TEST_CASE("answers are used while their graph state holds, unchecked for at most a second") {
  ResponseCache cache(1 << 20);
  const auto t0 = ResponseCache::Clock::now();
  const auto answer = answerOf(10);
  cache.insert("g/0/1/2", "5/100", answer, t0);
  CHECK(cache.findRecent("g/0/1/2", t0 + 999ms) == answer);
  CHECK(cache.findRecent("g/0/1/2", t0 + 1000ms) == nullptr); /* must be checked again */
  CHECK(cache.findRecent("other", t0) == nullptr);
  CHECK(cache.findState("g/0/1/2", "6/130", t0 + 2s) == nullptr); /* the graph was written since */
  CHECK(cache.findState("g/0/1/2", "5/100", t0 + 2s) == answer);  /* unchanged: checked again now */
  CHECK(cache.findRecent("g/0/1/2", t0 + 2s + 500ms) == answer);
  const auto newer = answerOf(12);
  cache.insert("g/0/1/2", "6/130", newer, t0 + 3s);
  CHECK(cache.findState("g/0/1/2", "6/130", t0 + 3s) == newer);
  CHECK(cache.findState("g/0/1/2", "5/100", t0 + 3s) == nullptr);
}

TEST_CASE("the cache stays within its bytes, least recently used out first") {
  ResponseCache cache(3 * 1200);
  const auto t = ResponseCache::Clock::now();
  cache.insert("a", "s", answerOf(1000), t);
  cache.insert("b", "s", answerOf(1000), t);
  cache.insert("c", "s", answerOf(1000), t);
  CHECK(cache.findRecent("a", t)); /* a is now the most recently used */
  cache.insert("d", "s", answerOf(1000), t);
  CHECK(cache.bytes() <= 3 * 1200);
  CHECK(cache.findRecent("a", t));
  CHECK_FALSE(cache.findRecent("b", t));
  CHECK(cache.findRecent("d", t));
  cache.insert("huge", "s", answerOf(10000), t); /* larger than the whole cache: not kept */
  CHECK_FALSE(cache.findRecent("huge", t));
  CHECK(cache.findRecent("d", t));
  ResponseCache off(0);
  off.insert("a", "s", answerOf(1), t);
  CHECK_FALSE(off.findRecent("a", t));
}
