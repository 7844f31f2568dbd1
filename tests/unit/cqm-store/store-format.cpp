/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CQM store, single process: slot encoding, round trip, ring wrap-around, past days, names, stale graphs, corruption.
 */
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "cqm/store/graph_file.h"
#include "cqm/store/slot_codec.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "temp_store.h"

using namespace fbcqm::cqm;
using namespace fbcqm::cqm::store_detail;
using fbcqm::cqm::testing::derivedSample;
using fbcqm::cqm::testing::TempDir;
namespace fs = std::filesystem;

namespace {

/* 2024-03-10 00:00:00 UTC, a multiple of 100 s. */
constexpr std::int64_t kDay0 = 1710028800 / kSampleSeconds;

std::unique_ptr<StoreWriter> openWriter(const std::string &dir, std::uint32_t retention = kDefaultRetentionSamples,
                                        std::function<std::int64_t()> clock = {}) {
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = retention;
  options.clock = std::move(clock);
  auto writer = StoreWriter::open(options);
  if (!writer.ok())
    FAIL(writer.error().message);
  return std::move(writer.value());
}

StoreReader openReader(const std::string &dir) {
  auto reader = StoreReader::open(dir);
  if (!reader.ok())
    FAIL(reader.error().message);
  return reader.value();
}

void mustWrite(StoreWriter &writer, const std::string &name, const Sample &sample, GraphKind kind = GraphKind::Both) {
  auto written = writer.write(name, kind, sample);
  if (!written.ok())
    FAIL(written.error().message);
}

std::string graphPath(const TempDir &tmp, const std::string &name) { return tmp.store() + "/graphs/" + name + ".cqm"; }

void patchFile(const std::string &path, off_t offset, const void *bytes, std::size_t n) {
  const int fd = open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(pwrite(fd, bytes, n, offset) == static_cast<ssize_t>(n));
  close(fd);
}

} // namespace

TEST_CASE("a slot holds every field in 40 bytes and detects damage", "[cqm-store][slot]") {
  STATIC_REQUIRE(kSlotBytes == kStoredSampleBytes);
  STATIC_REQUIRE(kStoredSampleBytes <= 40);
  std::uint8_t image[kSlotBytes] = {};
  Sample decoded;
  CHECK(decodeSlot(image, decoded) == SlotState::Empty);

  const Sample original = derivedSample(kDay0 + 5, 17);
  encodeSlot(original, image);
  REQUIRE(decodeSlot(image, decoded) == SlotState::Present);
  CHECK(decoded == original);

  SECTION("saturated fields") {
    Sample big = original;
    big.pollsSent = 200000;
    big.pollsFailed = 100000;
    big.latencyMaxNs = ~std::uint64_t{0};
    big.hasRates = true;
    big.rxBitsPerSecond = 5'000'000'000'000ull;
    encodeSlot(big, image);
    REQUIRE(decodeSlot(image, decoded) == SlotState::Present);
    CHECK(decoded.pollsSent == kMaxStoredPolls);
    CHECK(decoded.pollsFailed == kMaxStoredPolls / 2); /* loss ratio kept */
    CHECK(decoded.latencyMaxNs == kMaxStoredNanoseconds);
    CHECK(decoded.rxBitsPerSecond == kMaxStoredBitsPerSecond);
  }
  SECTION("a flipped bit is damage") {
    for (std::size_t byte = 2; byte < kSlotBytes; ++byte) {
      std::uint8_t copy[kSlotBytes];
      std::memcpy(copy, image, sizeof copy);
      copy[byte] ^= 0x10;
      CHECK(decodeSlot(copy, decoded) == SlotState::Damaged);
    }
  }
  SECTION("an odd sequence is a write in progress") {
    image[0] = 1;
    CHECK(decodeSlot(image, decoded) == SlotState::Interrupted);
    CHECK(loadSlot(image, decoded) == SlotState::Interrupted); /* bounded wait, then gives up */
  }
  SECTION("publishing advances the sequence to the next even value") {
    std::uint8_t shared[kSlotBytes] = {};
    publishSlot(shared, image);
    CHECK(slotSequence(shared) == 2);
    publishSlot(shared, image);
    CHECK(slotSequence(shared) == 4);
    shared[0] = 5; /* left odd by a crashed writer */
    publishSlot(shared, image);
    CHECK(slotSequence(shared) == 6);
    REQUIRE(loadSlot(shared, decoded) == SlotState::Present);
    CHECK(decoded == original);
  }
}

TEST_CASE("samples round-trip through the store with graph metadata", "[cqm-store]") {
  TempDir tmp;
  std::int64_t clock = 1710030000;
  auto writer = openWriter(tmp.store(), kDefaultRetentionSamples, [&] { return clock; });
  auto first = writer->write("line-1@isp.net", GraphKind::LossLatency, derivedSample(kDay0 + 3));
  REQUIRE(first.ok());
  CHECK(first.value().createdGraph);
  CHECK_FALSE(first.value().replacedSample);
  clock += 500;
  mustWrite(*writer, "line-1@isp.net", derivedSample(kDay0 + 1), GraphKind::Both);
  mustWrite(*writer, "line-1@isp.net", derivedSample(kDay0 + 7), GraphKind::Both);
  auto again = writer->write("line-1@isp.net", GraphKind::Both, derivedSample(kDay0 + 7, 9));
  REQUIRE(again.ok());
  CHECK(again.value().replacedSample);
  CHECK_FALSE(again.value().createdGraph);

  auto reader = openReader(tmp.store());
  auto info = reader.info("line-1@isp.net");
  REQUIRE(info.ok());
  CHECK(info.value().name == "line-1@isp.net");
  CHECK(info.value().kind == GraphKind::Both);
  CHECK(info.value().retentionSamples == kDefaultRetentionSamples);
  CHECK(info.value().createdUnix == 1710030000);
  CHECK(info.value().lastUpdateUnix == 1710030500);
  CHECK(info.value().firstIndex == kDay0 + 1);
  CHECK(info.value().lastIndex == kDay0 + 7);

  auto samples = reader.read("line-1@isp.net", SampleRange{kDay0, kDay0 + 100});
  REQUIRE(samples.ok());
  REQUIRE(samples.value().size() == 3);
  CHECK(samples.value()[0] == derivedSample(kDay0 + 1));
  CHECK(samples.value()[1] == derivedSample(kDay0 + 3));
  CHECK(samples.value()[2] == derivedSample(kDay0 + 7, 9));

  auto partial = reader.read("line-1@isp.net", SampleRange{kDay0 + 2, kDay0 + 7});
  REQUIRE(partial.ok());
  REQUIRE(partial.value().size() == 1);
  CHECK(partial.value()[0].index == kDay0 + 3);

  /* On disk: one header plus 40 bytes per sample of retention. */
  CHECK(fs::file_size(graphPath(tmp, "line-1@isp.net")) == 128 + 40u * kDefaultRetentionSamples);

  auto list = reader.listGraphs();
  REQUIRE(list.ok());
  REQUIRE(list.value().size() == 1);
  CHECK(list.value()[0].name == "line-1@isp.net");
  CHECK(writer->flush().ok());
}

TEST_CASE("the ring wraps at the retention boundary", "[cqm-store]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store(), kMinRetentionSamples);
  const std::int64_t base = kDay0;
  for (std::int64_t i = 0; i < 2500; ++i)
    mustWrite(*writer, "wrap", derivedSample(base + i));
  const std::int64_t last = base + 2499;
  auto reader = openReader(tmp.store());
  auto info = reader.info("wrap");
  REQUIRE(info.ok());
  CHECK(info.value().lastIndex == last);
  CHECK(info.value().firstIndex == last - kMinRetentionSamples + 1);

  auto all = reader.read("wrap", SampleRange{0, last + 1000});
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == kMinRetentionSamples);
  for (std::size_t k = 0; k < all.value().size(); ++k)
    CHECK(all.value()[k] == derivedSample(last - kMinRetentionSamples + 1 + static_cast<std::int64_t>(k)));

  /* The oldest sample still held can be replaced; one older is refused, not written over a newer one. */
  CHECK(writer->write("wrap", GraphKind::Both, derivedSample(last - 999, 3)).ok());
  auto tooOld = writer->write("wrap", GraphKind::Both, derivedSample(last - 1000));
  REQUIRE_FALSE(tooOld.ok());
  CHECK(tooOld.error().kind == StoreErrorKind::OutOfRetention);
  auto newest = reader.read("wrap", SampleRange{last, last + 1});
  REQUIRE(newest.ok());
  REQUIRE(newest.value().size() == 1);
  CHECK(newest.value()[0] == derivedSample(last));

  /* A jump forward of more than the ring leaves only the new sample readable (no older lap leaks out). */
  mustWrite(*writer, "wrap", derivedSample(last + 5000));
  auto afterJump = reader.read("wrap", SampleRange{0, last + 6000});
  REQUIRE(afterJump.ok());
  REQUIRE(afterJump.value().size() == 1);
  CHECK(afterJump.value()[0].index == last + 5000);
}

TEST_CASE("any day inside the retention reads back whole", "[cqm-store]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store(), 10 * kSamplesPerDay);
  const LocalDate firstDay = localDateOf(sampleStart(kDay0)); /* TZ=UTC in the test environment */
  const SampleRange days{samplesOfLocalDay(firstDay).first, samplesOfLocalDay(firstDay.next().next().next()).end};
  for (std::int64_t i = days.first; i < days.end; ++i)
    if (i % 10 != 3) /* a gap every 10 samples */
      mustWrite(*writer, "daily", derivedSample(i));
  auto reader = openReader(tmp.store());
  const LocalDate pastDay = firstDay.next();
  const SampleRange range = samplesOfLocalDay(pastDay);
  auto samples = reader.read("daily", range);
  REQUIRE(samples.ok());
  std::size_t expected = 0;
  for (std::int64_t i = range.first; i < range.end; ++i)
    expected += i % 10 != 3;
  REQUIRE(samples.value().size() == expected);
  std::int64_t previous = 0;
  for (const Sample &s : samples.value()) {
    CHECK(range.contains(s.index));
    CHECK(s.index % 10 != 3);
    CHECK(s.index > previous);
    CHECK(s == derivedSample(s.index));
    previous = s.index;
  }
}

TEST_CASE("graph names obey the rule and never escape the store", "[cqm-store][names]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  auto reader = openReader(tmp.store());
  for (const std::string &bad :
       std::vector<std::string>{"", "..", ".", "../escape", "a/b", "x y", "abcdefghij0123456789X", "tab\there",
                                std::string("nul\0x", 5), "caf\xc3\xa9"}) {
    auto w = writer->write(bad, GraphKind::Both, derivedSample(kDay0));
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().kind == StoreErrorKind::InvalidName);
    CHECK(reader.info(bad).error().kind == StoreErrorKind::InvalidName);
    CHECK(reader.read(bad, SampleRange{0, kDay0}).error().kind == StoreErrorKind::InvalidName);
    CHECK(writer->remove(bad).error().kind == StoreErrorKind::InvalidName);
  }
  CHECK_FALSE(fs::exists(tmp.path() + "/escape.cqm"));
  CHECK(fs::is_empty(tmp.store() + "/graphs"));
  /* Unusual but valid names work, including one that looks like a file suffix. */
  for (const std::string &good : std::vector<std::string>{"x.cqm", "...a", "@-.", "abcdefghij0123456789"}) {
    mustWrite(*writer, good, derivedSample(kDay0));
    auto back = reader.read(good, SampleRange{kDay0, kDay0 + 1});
    REQUIRE(back.ok());
    CHECK(back.value().size() == 1);
  }
  CHECK(reader.listGraphs().value().size() == 4);
  /* Names are quoted and bounded in messages. */
  auto w = writer->write(std::string(500, '/'), GraphKind::Both, derivedSample(kDay0));
  CHECK(w.error().message.size() < 200);
}

TEST_CASE("invalid samples and options are refused", "[cqm-store]") {
  TempDir tmp;
  StoreOptions options;
  options.dir = tmp.store();
  options.retentionSamples = kMinRetentionSamples - 1;
  CHECK(StoreWriter::open(options).error().kind == StoreErrorKind::InvalidArgument);
  options.retentionSamples = kMaxRetentionSamples + 1;
  CHECK(StoreWriter::open(options).error().kind == StoreErrorKind::InvalidArgument);
  auto writer = openWriter(tmp.store());
  Sample s = derivedSample(kDay0);
  s.index = 0;
  CHECK(writer->write("g", GraphKind::Both, s).error().kind == StoreErrorKind::InvalidArgument);
  s.index = kMaxStoredIndex + 1;
  CHECK(writer->write("g", GraphKind::Both, s).error().kind == StoreErrorKind::InvalidArgument);
  s = derivedSample(kDay0);
  s.pollsFailed = s.pollsSent + 1;
  CHECK(writer->write("g", GraphKind::Both, s).error().kind == StoreErrorKind::InvalidArgument);
  s = derivedSample(kDay0);
  s.offlineSeconds = 101;
  CHECK(writer->write("g", GraphKind::Both, s).error().kind == StoreErrorKind::InvalidArgument);
  CHECK(writer->write("g", static_cast<GraphKind>(0), derivedSample(kDay0)).error().kind ==
        StoreErrorKind::InvalidArgument);
  CHECK_FALSE(fs::exists(graphPath(tmp, "g")));
}

TEST_CASE("a sample from the future is refused and does not block later samples", "[cqm-store][future]") {
  TempDir tmp;
  const std::int64_t now = sampleStart(kDay0) + 30; /* 30 s into sample kDay0 */
  auto writer = openWriter(tmp.store(), kDefaultRetentionSamples, [&] { return now; });
  const std::int64_t threeYears = 3 * 366 * kSamplesPerDay;
  auto refused = writer->write("g", GraphKind::Both, derivedSample(kDay0 + threeYears));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == StoreErrorKind::InvalidArgument);
  CHECK(refused.error().message.find("future") != std::string::npos);
  CHECK(writer->write("g", GraphKind::Both, derivedSample(kDay0 + 2)).error().kind == StoreErrorKind::InvalidArgument);
  /* The sample under way and the next one (clock skew allowance) are accepted; so is the past. */
  mustWrite(*writer, "g", derivedSample(kDay0 - 5));
  mustWrite(*writer, "g", derivedSample(kDay0));
  mustWrite(*writer, "g", derivedSample(kDay0 + kMaxSamplesAhead));
  const auto samples = openReader(tmp.store()).read("g", SampleRange{kDay0 - 5, kDay0 + threeYears + 1});
  REQUIRE(samples.ok());
  REQUIRE(samples.value().size() == 3);
  CHECK(samples.value()[0] == derivedSample(kDay0 - 5));
  CHECK(samples.value()[2] == derivedSample(kDay0 + 1));
  CHECK(openReader(tmp.store()).info("g").value().lastIndex == kDay0 + 1);
}

TEST_CASE("graphs not updated for longer than their retention are removed", "[cqm-store][stale]") {
  TempDir tmp;
  std::int64_t clock = 1710030000;
  auto writer = openWriter(tmp.store(), kMinRetentionSamples, [&] { return clock; });
  const std::int64_t retentionSeconds = kMinRetentionSamples * kSampleSeconds;
  mustWrite(*writer, "old", derivedSample(kDay0));
  mustWrite(*writer, "kept", derivedSample(kDay0));
  clock += retentionSeconds - 50;
  mustWrite(*writer, "kept", derivedSample(kDay0 + 1));

  auto none = writer->removeStale(1710030000 + retentionSeconds); /* exactly at the limit: still kept */
  REQUIRE(none.ok());
  CHECK(none.value() == 0);
  auto one = writer->removeStale(1710030000 + retentionSeconds + 1);
  REQUIRE(one.ok());
  CHECK(one.value() == 1);
  CHECK_FALSE(fs::exists(graphPath(tmp, "old")));
  CHECK(fs::exists(graphPath(tmp, "kept")));
  /* The writer forgot the removed graph: writing it again creates a fresh file. */
  auto again = writer->write("old", GraphKind::Both, derivedSample(kDay0 + 2));
  REQUIRE(again.ok());
  CHECK(again.value().createdGraph);

  /* A graph closed by another writer session is judged from its file. */
  writer.reset();
  writer = openWriter(tmp.store(), kMinRetentionSamples, [&] { return clock; });
  auto later = writer->removeStale(clock + retentionSeconds + 1);
  REQUIRE(later.ok());
  CHECK(later.value() == 2);
  CHECK(fs::is_empty(tmp.store() + "/graphs"));
}

TEST_CASE("remove deletes one graph", "[cqm-store]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  mustWrite(*writer, "a", derivedSample(kDay0));
  mustWrite(*writer, "b", derivedSample(kDay0));
  CHECK(writer->remove("a").ok());
  CHECK(writer->remove("a").error().kind == StoreErrorKind::NotFound);
  auto reader = openReader(tmp.store());
  CHECK(reader.info("a").error().kind == StoreErrorKind::NotFound);
  CHECK(reader.info("b").ok());
}

TEST_CASE("a corrupt graph file is set aside, never overwritten", "[cqm-store][corrupt]") {
  TempDir tmp;
  std::int64_t clock = 1710030000;
  auto writer = openWriter(tmp.store(), kDefaultRetentionSamples, [&] { return clock; });
  mustWrite(*writer, "victim", derivedSample(kDay0));
  mustWrite(*writer, "healthy", derivedSample(kDay0));
  writer.reset();

  SECTION("bad header") { patchFile(graphPath(tmp, "victim"), 0, "XXXX", 4); }
  SECTION("wrong size") { fs::resize_file(graphPath(tmp, "victim"), 1000); }
  SECTION("another graph's file") {
    fs::copy_file(graphPath(tmp, "healthy"), graphPath(tmp, "victim"), fs::copy_options::overwrite_existing);
  }
  SECTION("header checksum") {
    const char twelve = 12;
    patchFile(graphPath(tmp, "victim"), 25, &twelve, 1); /* first name byte */
  }

  const auto damaged = fs::file_size(graphPath(tmp, "victim"));
  std::ifstream in(graphPath(tmp, "victim"), std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  auto reader = openReader(tmp.store());
  auto info = reader.info("victim");
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().kind == StoreErrorKind::Corrupt);
  CHECK(info.error().message.find("victim.cqm") != std::string::npos);
  std::vector<std::string> corrupt;
  auto list = reader.forEachGraph([](const GraphInfo &) { return true; },
                                  [&](const StoreError &e) { corrupt.push_back(e.message); });
  REQUIRE(list.ok());
  CHECK(corrupt.size() == 1);
  CHECK(reader.listGraphs().value().size() == 1);

  writer = openWriter(tmp.store(), kDefaultRetentionSamples, [&] { return clock; });
  auto written = writer->write("victim", GraphKind::Both, derivedSample(kDay0 + 1));
  REQUIRE(written.ok());
  CHECK(written.value().createdGraph);
  REQUIRE_FALSE(written.value().setAsidePath.empty());
  CHECK(written.value().setAsidePath == tmp.store() + "/corrupt/victim.cqm.1710030000");
  REQUIRE(fs::exists(written.value().setAsidePath));
  CHECK(fs::file_size(written.value().setAsidePath) == damaged);
  std::ifstream aside(written.value().setAsidePath, std::ios::binary);
  CHECK(std::string((std::istreambuf_iterator<char>(aside)), std::istreambuf_iterator<char>()) == original);
  auto fresh = reader.read("victim", SampleRange{0, kDay0 + 10});
  REQUIRE(fresh.ok());
  REQUIRE(fresh.value().size() == 1);
  CHECK(fresh.value()[0] == derivedSample(kDay0 + 1));
}

TEST_CASE("a damaged or interrupted sample is skipped, its neighbours are read", "[cqm-store][corrupt]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store(), kMinRetentionSamples);
  for (std::int64_t i = 0; i < 10; ++i)
    mustWrite(*writer, "g", derivedSample(kDay0 + i));
  const off_t slot3 = 128 + 40 * ((kDay0 + 3) % kMinRetentionSamples);
  const off_t slot5 = 128 + 40 * ((kDay0 + 5) % kMinRetentionSamples);
  const unsigned char junk = 0x5a, odd = 7;
  patchFile(graphPath(tmp, "g"), slot3 + 20, &junk, 1);
  patchFile(graphPath(tmp, "g"), slot5, &odd, 1);
  auto reader = openReader(tmp.store());
  auto samples = reader.read("g", SampleRange{kDay0, kDay0 + 10});
  REQUIRE(samples.ok());
  CHECK(samples.value().size() == 8);
  for (const Sample &s : samples.value())
    CHECK(s == derivedSample(s.index));
  /* The writer rewrites both slots normally. */
  mustWrite(*writer, "g", derivedSample(kDay0 + 3));
  mustWrite(*writer, "g", derivedSample(kDay0 + 5));
  CHECK(reader.read("g", SampleRange{kDay0, kDay0 + 10}).value().size() == 10);
}

TEST_CASE("a store removed under an open writer fails with NotAStore until it is reopened", "[cqm-store][gone]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  mustWrite(*writer, "mapped", derivedSample(kDay0));
  fs::remove_all(tmp.store());

  auto kept = writer->write("mapped", GraphKind::Both, derivedSample(kDay0 + 1)); /* its file is still mapped */
  REQUIRE_FALSE(kept.ok());
  CHECK(kept.error().kind == StoreErrorKind::NotAStore);
  CHECK(kept.error().message.find("reopened") != std::string::npos);
  CHECK(writer->write("fresh", GraphKind::Both, derivedSample(kDay0)).error().kind == StoreErrorKind::NotAStore);
  CHECK(writer->flush().error().kind == StoreErrorKind::NotAStore);
  CHECK(writer->remove("mapped").error().kind == StoreErrorKind::NotAStore);
  CHECK(writer->removeStale(sampleStart(kDay0)).error().kind == StoreErrorKind::NotAStore);
  CHECK_FALSE(fs::exists(tmp.store())); /* the old writer re-created nothing */

  auto reopened = openWriter(tmp.store()); /* re-creates the directory */
  mustWrite(*reopened, "mapped", derivedSample(kDay0 + 1));
  REQUIRE(reopened->flush().ok());
  auto samples = openReader(tmp.store()).read("mapped", SampleRange{kDay0, kDay0 + 2});
  REQUIRE(samples.ok());
  REQUIRE(samples.value().size() == 1);
  CHECK(samples.value()[0] == derivedSample(kDay0 + 1));
}

TEST_CASE("a store replaced under an open writer fails with NotAStore; the new store is not written",
          "[cqm-store][gone]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  mustWrite(*writer, "g", derivedSample(kDay0));
  fs::rename(tmp.store(), tmp.path() + "/store.old"); /* e.g. a backup restored in its place */
  auto replacement = openWriter(tmp.store());
  mustWrite(*replacement, "other", derivedSample(kDay0));

  auto refused = writer->write("g", GraphKind::Both, derivedSample(kDay0 + 1));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == StoreErrorKind::NotAStore);
  CHECK(refused.error().message.find("replaced") != std::string::npos);
  CHECK(openReader(tmp.store()).info("g").error().kind == StoreErrorKind::NotFound);
  CHECK(openReader(tmp.path() + "/store.old").info("g").value().lastIndex == kDay0);

  /* A layout directory removed inside a store that is still there counts too. */
  fs::remove_all(tmp.store() + "/tmp");
  CHECK(replacement->write("new", GraphKind::Both, derivedSample(kDay0)).error().kind == StoreErrorKind::NotAStore);
  replacement.reset();
  mustWrite(*openWriter(tmp.store()), "new", derivedSample(kDay0)); /* reopening re-creates tmp/ */
}

TEST_CASE("one writer process at a time; readers need a store", "[cqm-store]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  StoreOptions options;
  options.dir = tmp.store();
  auto second = StoreWriter::open(options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().kind == StoreErrorKind::Busy);
  CHECK(second.error().message.find(std::to_string(getpid())) != std::string::npos);
  writer.reset();
  CHECK(StoreWriter::open(options).ok());

  CHECK(StoreReader::open(tmp.path() + "/missing").error().kind == StoreErrorKind::NotAStore);
  fs::create_directories(tmp.path() + "/other");
  std::ofstream(tmp.path() + "/other/precious.txt") << "keep me";
  CHECK(StoreReader::open(tmp.path() + "/other").error().kind == StoreErrorKind::NotAStore);
  options.dir = tmp.path() + "/other";
  auto refused = StoreWriter::open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == StoreErrorKind::NotAStore);
  CHECK_FALSE(fs::exists(tmp.path() + "/other/graphs"));
}

TEST_CASE("files left in tmp/ by a crashed writer are cleared", "[cqm-store]") {
  TempDir tmp;
  openWriter(tmp.store()).reset();
  std::ofstream(tmp.store() + "/tmp/g.cqm.123.1") << "half a graph";
  auto writer = openWriter(tmp.store());
  CHECK(fs::is_empty(tmp.store() + "/tmp"));
}

TEST_CASE("a larger retention grows a graph on its next write; a smaller one never shrinks it", "[cqm-store]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store(), 2000);
  for (std::int64_t i = 0; i < 1500; ++i)
    mustWrite(*writer, "g", derivedSample(kDay0 + i));
  writer.reset();

  SECTION("a tool that must not resize keeps the file") {
    StoreOptions options;
    options.dir = tmp.store();
    options.retentionSamples = 5000;
    options.resizeExisting = false;
    auto keeping = StoreWriter::open(options);
    REQUIRE(keeping.ok());
    REQUIRE(keeping.value()->write("g", GraphKind::Both, derivedSample(kDay0 + 1500)).ok());
    CHECK(fs::file_size(graphPath(tmp, "g")) == 128 + 40 * 2000);
    CHECK(openReader(tmp.store()).read("g", SampleRange{0, kDay0 + 5000}).value().size() == 1501);
  }
  SECTION("a smaller configured retention keeps every sample") {
    writer = openWriter(tmp.store(), 1000);
    mustWrite(*writer, "g", derivedSample(kDay0 + 1500));
    CHECK(fs::file_size(graphPath(tmp, "g")) == 128 + 40 * 2000);
    auto samples = openReader(tmp.store()).read("g", SampleRange{0, kDay0 + 5000});
    REQUIRE(samples.ok());
    CHECK(samples.value().size() == 1501);
    CHECK(openReader(tmp.store()).info("g").value().retentionSamples == 2000);
  }
  SECTION("an explicit resize shrinks, keeping the newest samples") {
    writer = openWriter(tmp.store(), 1000);
    auto resized = writer->resize("g", 1000);
    REQUIRE(resized.ok());
    CHECK(resized.value().retentionSamples == 1000);
    CHECK(resized.value().firstIndex == kDay0 + 500);
    CHECK(fs::file_size(graphPath(tmp, "g")) == 128 + 40 * 1000);
    auto samples = openReader(tmp.store()).read("g", SampleRange{0, kDay0 + 5000});
    REQUIRE(samples.ok());
    REQUIRE(samples.value().size() == 1000);
    CHECK(samples.value().front().index == kDay0 + 500);
    for (const Sample &s : samples.value())
      CHECK(s == derivedSample(s.index));
    /* The writer keeps working on the resized file (its own retention is 1000: no growing back). */
    mustWrite(*writer, "g", derivedSample(kDay0 + 1500));
    CHECK(openReader(tmp.store()).read("g", SampleRange{0, kDay0 + 5000}).value().size() == 1000);
  }
  SECTION("an explicit resize of a missing graph or to a bad size changes nothing") {
    writer = openWriter(tmp.store(), 2000);
    CHECK(writer->resize("nothere", 1000).error().kind == StoreErrorKind::NotFound);
    CHECK(writer->resize("g", 999).error().kind == StoreErrorKind::InvalidArgument);
    CHECK(writer->resize("../g", 1000).error().kind == StoreErrorKind::InvalidName);
    CHECK(fs::file_size(graphPath(tmp, "g")) == 128 + 40 * 2000);
  }
  SECTION("growing keeps everything") {
    writer = openWriter(tmp.store(), 5000);
    mustWrite(*writer, "g", derivedSample(kDay0 + 1500));
    CHECK(fs::file_size(graphPath(tmp, "g")) == 128 + 40 * 5000);
    auto reader = openReader(tmp.store());
    CHECK(reader.read("g", SampleRange{0, kDay0 + 5000}).value().size() == 1501);
    CHECK(reader.info("g").value().firstIndex == kDay0);
  }
  CHECK(fs::is_empty(tmp.store() + "/tmp"));
}

TEST_CASE("many graphs through a small set of open files", "[cqm-store]") {
  TempDir tmp;
  StoreOptions options;
  options.dir = tmp.store();
  options.retentionSamples = kMinRetentionSamples;
  options.maxOpenGraphs = 1; /* one per shard: almost every write reopens its file */
  auto writer = StoreWriter::open(options);
  REQUIRE(writer.ok());
  for (std::int64_t round = 0; round < 3; ++round)
    for (int g = 0; g < 300; ++g)
      REQUIRE(writer.value()->write("g" + std::to_string(g), GraphKind::Both, derivedSample(kDay0 + round, g)).ok());
  REQUIRE(writer.value()->flush().ok());
  auto reader = openReader(tmp.store());
  for (int g = 0; g < 300; ++g) {
    auto samples = reader.read("g" + std::to_string(g), SampleRange{kDay0, kDay0 + 3});
    REQUIRE(samples.ok());
    REQUIRE(samples.value().size() == 3);
    for (std::int64_t round = 0; round < 3; ++round)
      CHECK(samples.value()[static_cast<std::size_t>(round)] == derivedSample(kDay0 + round, g));
  }
}

TEST_CASE("something else than a regular file in a graph's place is set aside too", "[cqm-store][corrupt]") {
  TempDir tmp;
  auto writer = openWriter(tmp.store());
  fs::create_directory(graphPath(tmp, "dir"));
  fs::create_symlink("/etc/passwd", graphPath(tmp, "link"));
  auto reader = openReader(tmp.store());
  CHECK(reader.info("dir").error().kind == StoreErrorKind::Corrupt);
  CHECK(reader.info("link").error().kind == StoreErrorKind::Corrupt);
  for (const char *name : {"dir", "link"}) {
    auto written = writer->write(name, GraphKind::Both, derivedSample(kDay0));
    REQUIRE(written.ok());
    CHECK_FALSE(written.value().setAsidePath.empty());
    CHECK(reader.read(name, SampleRange{kDay0, kDay0 + 1}).value().size() == 1);
  }
  int directories = 0, links = 0;
  for (const auto &entry : fs::directory_iterator(tmp.store() + "/corrupt")) {
    const std::string file = entry.path().filename();
    directories += file.rfind("dir.cqm.", 0) == 0 && entry.is_directory();
    links += file.rfind("link.cqm.", 0) == 0 && entry.is_symlink();
  }
  CHECK(directories == 1);
  CHECK(links == 1);
  CHECK(fs::exists("/etc/passwd"));
}
