/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CQM store verification (cqm-store fsck): what is broken, what is not, and setting broken files aside. */
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "cqm/store/store_check.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "temp_store.h"

using namespace fbcqm::cqm;
using namespace fbcqm::cqm::testing;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kBase = 1710028800 / kSampleSeconds;

void poke(const std::string &path, off_t offset, unsigned char value) {
  const int fd = open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(pwrite(fd, &value, 1, offset) == 1);
  close(fd);
}

std::unique_ptr<StoreWriter> filledStore(const std::string &dir) {
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = kMinRetentionSamples;
  auto writer = StoreWriter::open(options);
  REQUIRE(writer.ok());
  for (const char *name : {"good", "badheader", "badslot", "interrupted"})
    for (std::int64_t i = 0; i < 20; ++i)
      REQUIRE(writer.value()->write(name, GraphKind::Both, derivedSample(kBase + i)).ok());
  return std::move(writer.value());
}

} // namespace

TEST_CASE("fsck passes a healthy store and counts its samples", "[cqm-store][fsck]") {
  TempDir tmp;
  filledStore(tmp.store()).reset();
  std::vector<std::string> seen;
  CheckOptions options;
  options.onFile = [&](const GraphCheck &check) { seen.push_back(check.name); };
  auto report = checkStore(tmp.store(), options);
  REQUIRE(report.ok());
  CHECK(report.value().clean());
  CHECK(report.value().files == 4);
  CHECK(report.value().graphsOk == 4);
  CHECK(report.value().samples == 80);
  CHECK(seen.size() == 4);
  CHECK_FALSE(report.value().writerRunning);
}

TEST_CASE("fsck finds corrupt headers, damaged samples and stray files; an interrupted write is not damage",
          "[cqm-store][fsck]") {
  TempDir tmp;
  filledStore(tmp.store()).reset();
  const std::string graphs = tmp.store() + "/graphs/";
  poke(graphs + "badheader.cqm", 3, 'x');
  poke(graphs + "badslot.cqm", 128 + 40 * ((kBase + 4) % kMinRetentionSamples) + 12, 0xee);
  poke(graphs + "interrupted.cqm", 128 + 40 * ((kBase + 7) % kMinRetentionSamples), 0x03); /* odd sequence */
  std::ofstream(graphs + "notes.txt") << "stray";

  auto report = checkStore(tmp.store(), CheckOptions{});
  REQUIRE(report.ok());
  const CheckReport &r = report.value();
  CHECK_FALSE(r.clean());
  CHECK(r.files == 5);
  CHECK(r.graphsOk == 2); /* good, interrupted */
  CHECK(r.interrupted == 1);
  REQUIRE(r.problems.size() == 3);
  std::map<std::string, GraphCheck> byPath;
  for (const GraphCheck &p : r.problems)
    byPath[fs::path(p.path).filename()] = p;
  CHECK(byPath["badheader.cqm"].verdict == GraphCheck::Verdict::Corrupt);
  CHECK(byPath["badheader.cqm"].problem.find("magic") != std::string::npos);
  CHECK(byPath["badslot.cqm"].verdict == GraphCheck::Verdict::Damaged);
  CHECK(byPath["badslot.cqm"].damaged == 1);
  CHECK(byPath["badslot.cqm"].samples == 19);
  CHECK(byPath["notes.txt"].verdict == GraphCheck::Verdict::Stray);
  /* Read-only: nothing moved. */
  CHECK(fs::exists(graphs + "badheader.cqm"));
  CHECK(fs::is_empty(tmp.store() + "/corrupt"));

  SECTION("--set-aside moves corrupt and stray files, empties damaged slots, and leaves a clean store") {
    CheckOptions options;
    options.setAside = true;
    options.nowUnix = 1710030000;
    auto fixed = checkStore(tmp.store(), options);
    REQUIRE(fixed.ok());
    REQUIRE(fixed.value().problems.size() == 3);
    for (const GraphCheck &p : fixed.value().problems) {
      INFO(p.path);
      if (p.verdict == GraphCheck::Verdict::Damaged) {
        CHECK(p.setAsidePath.empty());
        CHECK(p.clearedSlots == 1);
        CHECK(fs::exists(p.path));
      } else {
        CHECK(fs::exists(p.setAsidePath));
        CHECK(p.setAsidePath.find(tmp.store() + "/corrupt/") == 0);
        CHECK(p.clearedSlots == 0);
      }
    }
    CHECK(fs::exists(tmp.store() + "/corrupt/badheader.cqm.1710030000"));
    CHECK_FALSE(fs::exists(graphs + "badheader.cqm"));
    CHECK_FALSE(fs::exists(tmp.store() + "/corrupt/badslot.cqm.1710030000"));
    auto again = checkStore(tmp.store(), CheckOptions{});
    REQUIRE(again.ok());
    CHECK(again.value().clean());
    CHECK(again.value().graphsOk == 3);    /* good, interrupted, badslot */
    CHECK(again.value().interrupted == 1); /* an interrupted write is left for the writer to complete */
    /* The repaired graph lost only the damaged sample; the writer can fill that slot again. */
    auto reader = StoreReader::open(tmp.store());
    REQUIRE(reader.ok());
    auto kept = reader.value().read("badslot", SampleRange{kBase, kBase + 20});
    REQUIRE(kept.ok());
    REQUIRE(kept.value().size() == 19);
    for (const Sample &s : kept.value())
      CHECK((s.index != kBase + 4 && s == derivedSample(s.index)));
    StoreOptions writerOptions;
    writerOptions.dir = tmp.store();
    writerOptions.retentionSamples = kMinRetentionSamples;
    auto writer = StoreWriter::open(writerOptions);
    REQUIRE(writer.ok());
    REQUIRE(writer.value()->write("badslot", GraphKind::Both, derivedSample(kBase + 4)).ok());
    CHECK(reader.value().read("badslot", SampleRange{kBase, kBase + 20}).value().size() == 20);
  }
  SECTION("--set-aside needs the writer stopped") {
    StoreOptions writerOptions;
    writerOptions.dir = tmp.store();
    writerOptions.retentionSamples = kMinRetentionSamples;
    auto writer = StoreWriter::open(writerOptions);
    REQUIRE(writer.ok());
    CheckOptions options;
    options.setAside = true;
    auto refused = checkStore(tmp.store(), options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == StoreErrorKind::Busy);
    auto readOnly = checkStore(tmp.store(), CheckOptions{});
    REQUIRE(readOnly.ok());
    CHECK(readOnly.value().writerRunning);
  }
}

TEST_CASE("fsck of something that is not a store is an error, not a report", "[cqm-store][fsck]") {
  TempDir tmp;
  auto report = checkStore(tmp.path(), CheckOptions{});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().kind == StoreErrorKind::NotAStore);
}
