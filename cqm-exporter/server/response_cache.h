/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finished data answers (csv, tsv, txt, json, xml of one graph), kept so that
 * the same URL is not read and formatted again while the graph is unchanged:
 * FireBrick clients poll the same graphs over and over. An entry is keyed by
 * what decides its bytes - graph, format, sample range - and by the graph's
 * state: its newest sample and the time of its last write. The server only
 * stores an answer when the graph's last write is at least two seconds old
 * (writes are stamped in whole seconds), so a later write always changes the
 * key. Bounded by total bytes; the least recently used entries go first.
 */
#pragma once

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
  explicit ResponseCache(std::size_t maxBytes) : maxBytes_(maxBytes) {}

  std::shared_ptr<const CachedAnswer> find(const std::string &key);
  /* Ignored when one answer alone is larger than the bound. */
  void insert(const std::string &key, std::shared_ptr<const CachedAnswer> answer);

  std::size_t bytes() const;
  std::uint64_t hits() const;

private:
  struct Entry {
    std::shared_ptr<const CachedAnswer> answer;
    std::list<std::string>::iterator position; /* in order_ */
  };
  std::size_t sizeOf(const std::string &key, const CachedAnswer &answer) const {
    return key.size() + answer.body.size() + answer.contentType.size() + 128;
  }

  const std::size_t maxBytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_; /* most recently used first */
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
};

} // namespace fbcqm::exporter
