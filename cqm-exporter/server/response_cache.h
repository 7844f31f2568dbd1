/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finished answers of one graph (csv, tsv, txt, json, xml, png, svg), kept so
 * that the same URL is not read, formatted or drawn again while the graph is
 * unchanged: FireBrick clients poll the same graphs over and over, and people
 * mirror every graph's images nightly.
 *
 * An entry is found by what decides its bytes - graph, format, sample range,
 * and for an image the URL with its display options -
 * and holds the graph's state it was made from (newest sample, time of the
 * last write). It is used when that state is still the graph's, checked by
 * reading the graph's header; at most once a second (maxUncheckedAge), so
 * an answer is at most that much older than the store. The server only
 * stores an answer when the graph's last write is at least two seconds old
 * (writes are stamped in whole seconds), so a later write always changes the
 * state. Bounded by total bytes; the least recently used entries go first.
 */
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fbcqm::exporter {

struct CachedAnswer {
  std::string contentType;
  std::string body;
  std::optional<std::int64_t> lastModified;
};

class ResponseCache {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kMaxUncheckedAge{1000};

  explicit ResponseCache(std::size_t maxBytes) : maxBytes_(maxBytes) {}

  /* The answer for key if its state was checked less than kMaxUncheckedAge ago. */
  std::shared_ptr<const CachedAnswer> findRecent(const std::string &key, Clock::time_point now);
  /* The answer for key if it was made from this state; counts as checked now. */
  std::shared_ptr<const CachedAnswer> findState(const std::string &key, const std::string &state,
                                                Clock::time_point now);
  /* Replaces any answer for key. Ignored when one answer alone is larger than the bound. */
  void insert(const std::string &key, const std::string &state, std::shared_ptr<const CachedAnswer> answer,
              Clock::time_point now);

  std::size_t bytes() const;

private:
  struct Entry {
    std::shared_ptr<const CachedAnswer> answer;
    std::string state;
    Clock::time_point checked;
    std::list<std::string>::iterator position; /* in order_ */
  };
  static std::size_t sizeOf(const std::string &key, const Entry &entry) {
    return key.size() + entry.state.size() + entry.answer->body.size() + entry.answer->contentType.size() + 128;
  }
  void touch(Entry &entry) { order_.splice(order_.begin(), order_, entry.position); }
  void eraseLocked(std::unordered_map<std::string, Entry>::iterator entry);

  const std::size_t maxBytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_; /* most recently used first */
  std::size_t bytes_ = 0;
};

} // namespace fbcqm::exporter
