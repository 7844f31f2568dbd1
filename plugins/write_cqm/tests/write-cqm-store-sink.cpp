/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * write_cqm with the real CQM store: samples read back by StoreReader equal
 * what the aggregator made; an unusable store directory is retried until it
 * works; refusals are dropped; a corrupt graph file is set aside and reported;
 * a store directory removed or replaced under the writer is opened again.
 */
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aggregator.h"
#include "cqm/store/store_reader.h"
#include "store_sink.h"

using namespace fbcqm::write_cqm;
namespace cqm = fbcqm::cqm;
namespace fs = std::filesystem;

namespace {

constexpr double T0 = 1710024900; /* start of sample 17,100,249 */
constexpr std::int64_t I0 = 17100249;

class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "write-cqm-sink-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string path;
};

cqm::StoreOptions storeOptions(const std::string &dir) {
  cqm::StoreOptions options;
  options.dir = dir;
  options.retentionSamples = cqm::kMinRetentionSamples;
  return options;
}

RuleSet pingRules() {
  RuleSet rules;
  rules.add(automaticCqmPingRule());
  return rules;
}

void feedEchoes(Aggregator &agg, const std::string &target, double from, int count, double latencyMs) {
  ValueList list;
  list.id = ValueIdentifier{"h", "cqm_ping", "", "ping", target};
  list.interval = 1;
  DataSourceValue v;
  v.name = "value";
  for (int i = 0; i < count; ++i) {
    list.time = from + i;
    v.gauge = i % 4 == 3 ? NAN : latencyMs + i % 3;
    list.values = {v};
    agg.ingest(list, from);
  }
}

std::vector<cqm::Sample> readBack(const std::string &dir, const std::string &graph) {
  auto reader = cqm::StoreReader::open(dir);
  REQUIRE(reader.ok());
  auto samples = reader.value().read(graph, cqm::SampleRange{I0 - 10, I0 + 10});
  REQUIRE(samples.ok());
  return samples.value();
}

} // namespace

TEST_CASE("samples reach the store exactly", "[write_cqm][store]") {
  TempDir tmp;
  StoreSink sink(storeOptions(tmp.path + "/store"));
  Aggregator agg(pingRules());
  feedEchoes(agg, "gw", T0, 100, 10);
  feedEchoes(agg, "gw", T0 + 100, 40, 20);
  PassOutcome outcome = agg.writeDue(sink, T0 + 1000);
  CHECK(outcome.written == 2);
  CHECK(outcome.failed == 0);

  auto samples = readBack(tmp.path + "/store", "gw");
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].index == I0);
  CHECK(samples[0].pollsSent == 100);
  CHECK(samples[0].pollsFailed == 25);
  CHECK(samples[0].latencyMinNs == 10000000);
  CHECK(samples[0].latencyMaxNs == 12000000);
  CHECK(samples[1].pollsSent == 40);
  CHECK(samples[1].latencyMinNs == 20000000);

  auto reader = cqm::StoreReader::open(tmp.path + "/store");
  REQUIRE(reader.ok());
  auto info = reader.value().info("gw");
  REQUIRE(info.ok());
  CHECK(info.value().kind == cqm::GraphKind::LossLatency);
  CHECK(info.value().retentionSamples == cqm::kMinRetentionSamples);
}

TEST_CASE("an unusable store directory is retried until it works", "[write_cqm][store][errors]") {
  TempDir tmp;
  const std::string blocker = tmp.path + "/blocker";
  std::ofstream(blocker) << "a file where the store's parent directory should be";
  StoreSink sink(storeOptions(blocker + "/store"));
  Aggregator agg(pingRules());
  feedEchoes(agg, "gw", T0, 100, 10);

  std::string error;
  CHECK_FALSE(sink.ensureOpen(error));
  CHECK_FALSE(error.empty());
  PassOutcome failed = agg.writeDue(sink, T0 + 1000);
  CHECK(failed.written == 0);
  CHECK(failed.failed == 1);
  CHECK_FALSE(failed.lastError.empty());

  fs::remove(blocker);
  fs::create_directory(blocker);
  PassOutcome resumed = agg.writeDue(sink, T0 + 1001);
  CHECK(resumed.written == 1);
  CHECK(readBack(blocker + "/store", "gw").at(0).pollsSent == 100);
}

TEST_CASE("a sample older than the ring is refused for good", "[write_cqm][store][errors]") {
  TempDir tmp;
  StoreSink sink(storeOptions(tmp.path + "/store"));
  std::string error;
  cqm::Sample recent;
  recent.index = I0;
  recent.pollsSent = 1;
  CHECK(sink.write("g", cqm::GraphKind::LossLatency, recent, error) == SinkResult::Written);
  cqm::Sample ancient = recent;
  ancient.index = I0 - 5000; /* beyond 1000 samples of retention */
  CHECK(sink.write("g", cqm::GraphKind::LossLatency, ancient, error) == SinkResult::Rejected);
  CHECK_FALSE(error.empty());
}

TEST_CASE("a corrupt graph file is set aside and reported, not overwritten", "[write_cqm][store][errors]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/store";
  {
    StoreSink sink(storeOptions(dir));
    Aggregator agg(pingRules());
    feedEchoes(agg, "gw", T0, 10, 10);
    REQUIRE(agg.writeDue(sink, T0 + 1000).written == 1);
  }
  const std::string file = dir + "/graphs/gw.cqm";
  REQUIRE(fs::exists(file));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.write("GARBAGE!", 8);
  }
  std::vector<std::string> notices;
  StoreSink sink(storeOptions(dir), [&](StoreSink::Notice kind, const std::string &n) {
    CHECK(kind == StoreSink::Notice::CorruptSetAside);
    notices.push_back(n);
  });
  Aggregator agg(pingRules());
  feedEchoes(agg, "gw", T0 + 100, 10, 30);
  PassOutcome outcome = agg.writeDue(sink, T0 + 1000);
  CHECK(outcome.written == 1);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find("set aside") != std::string::npos);
  std::size_t setAside = 0;
  for (const auto &entry : fs::directory_iterator(dir + "/corrupt"))
    setAside += entry.path().filename().string().rfind("gw.cqm", 0) == 0;
  CHECK(setAside == 1);
  auto samples = readBack(dir, "gw");
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].index == I0 + 1);
}

TEST_CASE("a store directory removed or replaced under the writer is opened again", "[write_cqm][store][errors]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/store";
  std::vector<StoreSink::Notice> notices;
  StoreSink sink(storeOptions(dir), [&](StoreSink::Notice kind, const std::string &) { notices.push_back(kind); });
  Aggregator agg(pingRules());
  feedEchoes(agg, "gw", T0, 10, 10);
  REQUIRE(agg.writeDue(sink, T0 + 1000).written == 1);

  SECTION("removed") { fs::remove_all(dir); }
  SECTION("replaced by an empty directory") {
    fs::remove_all(dir);
    fs::create_directory(dir);
  }
  feedEchoes(agg, "gw", T0 + 100, 20, 10);
  feedEchoes(agg, "other", T0 + 100, 30, 10);
  /* The first write sees the old writer's directory gone: the pass stops and the writer is dropped. */
  PassOutcome lost = agg.writeDue(sink, T0 + 1001);
  CHECK(lost.written == 0);
  CHECK(lost.failed == 1);
  CHECK(lost.deferred == 1);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0] == StoreSink::Notice::StoreReplaced);
  /* The next pass opens the store again and writes everything kept. */
  PassOutcome resumed = agg.writeDue(sink, T0 + 1002);
  CHECK(resumed.written == 2);
  CHECK(resumed.failed == 0);
  CHECK(readBack(dir, "gw").at(0).pollsSent == 20);
  CHECK(readBack(dir, "other").at(0).pollsSent == 30);
  std::string error;
  CHECK(sink.flush(error));
  CHECK(notices.size() == 1);
}
