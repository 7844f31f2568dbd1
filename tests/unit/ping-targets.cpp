/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ping target lines, bulk lists and the wanted-targets record beside a CQM store. */
#include <catch2/catch.hpp>

#include <unistd.h>
#include <sys/stat.h>

#include <fstream>

#include "cqm-store/temp_store.h"
#include "cqm/ping_targets.h"
#include "cqm/store/store_check.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"

using namespace fbcqm::cqm;
using fbcqm::cqm::testing::TempDir;

namespace {

void writeText(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

} // namespace

TEST_CASE("a target line in the FireBrick bulk-list syntax") {
  auto plain = parseTargetLine("line1,192.0.2.1");
  REQUIRE(plain.ok());
  CHECK(plain.value() == PingTarget{"line1", "192.0.2.1", 0, kDefaultPingSize});

  auto full = parseTargetLine("  adsl-2 , 2001:db8::1#12+100 \r");
  REQUIRE(full.ok());
  CHECK(full.value() == PingTarget{"adsl-2", "2001:db8::1", 12, 100});

  auto sizeOnly = parseTargetLine("x,host.example.net+1400");
  REQUIRE(sizeOnly.ok());
  CHECK(sizeOnly.value().table == 0);
  CHECK(sizeOnly.value().size == 1400);

  SECTION("graph names follow the CQM rule") {
    auto renamed = parseTargetLine("my line!,192.0.2.1");
    REQUIRE(renamed.ok());
    CHECK(renamed.value().graph == "myline");
  }
  SECTION("formatting gives the line back") {
    CHECK(formatTargetLine(full.value()) == "adsl-2,2001:db8::1#12+100");
    CHECK(formatTargetLine(plain.value()) == "line1,192.0.2.1");
    CHECK(parseTargetLine(formatTargetLine(full.value())).value() == full.value());
  }
}

TEST_CASE("bad target lines are refused with a reason") {
  const char *bad[][2] = {
      {"line1", "no ','"},
      {",192.0.2.1", "no graph name"},
      {"!!!,192.0.2.1", "no letter or digit"},
      {"a,", "no address"},
      {"a,192.0.2.1#", "'#' without a table"},
      {"a,192.0.2.1+", "'+' without a size"},
      {"a,192.0.2.1#x", "is not a number"},
      {"a,192.0.2.1#99999999999", "is not a number"},
      {"a,192.0.2.1#2147483648", "outside"},
      {"a,192.0.2.1+8", "outside 16"},
      {"a,192.0.2.1+9001", "outside 16"},
      {"a,host name", "character other than"},
      {"a,-oops", "starts with '-'"},
      {"a,/etc/passwd", "character other than"},
  };
  for (const auto &row : bad) {
    INFO(row[0]);
    auto parsed = parseTargetLine(row[0]);
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error(), Catch::Contains(row[1]));
  }
  CHECK_FALSE(parseTargetLine("a," + std::string(300, 'h')).ok());
  CHECK_THAT(parseTargetLine("a," + std::string(600, 'h')).error(), Catch::Contains("longer than"));
}

TEST_CASE("a bulk list: comments, bad lines reported and skipped, one target per graph") {
  const ParsedTargetList list = parseTargetList("# my lines\r\n"
                                                "a,192.0.2.1\r\n"
                                                "\n"
                                                "broken line\n"
                                                "b,192.0.2.2#3+64\n"
                                                "a,192.0.2.9\n");
  REQUIRE(list.targets.size() == 2);
  CHECK(list.targets[0] == PingTarget{"a", "192.0.2.9", 0, kDefaultPingSize});
  CHECK(list.targets[1] == PingTarget{"b", "192.0.2.2", 3, 64});
  REQUIRE(list.problems.size() == 2);
  CHECK(list.problems[0].lineNumber == 4);
  CHECK(list.problems[1].lineNumber == 6);
  CHECK_THAT(list.problems[1].message, Catch::Contains("replaces"));
}

TEST_CASE("the record: written atomically, read back, missing means empty") {
  TempDir tmp;
  const std::string dir = tmp.store();
  auto missing = readPingTargets(dir);
  REQUIRE(missing.ok());
  CHECK(missing.value().targets.empty());
  CHECK(statPingTargets(dir).inode == 0);

  const std::vector<PingTarget> targets = {{"a", "192.0.2.1", 0, 56}, {"b", "::1", 7, 100}};
  REQUIRE(writePingTargets(dir, targets).ok());
  auto back = readPingTargets(dir);
  REQUIRE(back.ok());
  CHECK(back.value().targets == targets);
  CHECK(back.value().inode == statPingTargets(dir).inode);

  /* A rewrite is a new file (rename), so a reader can tell versions apart by identity. */
  const PingTargetsRecord before = statPingTargets(dir);
  REQUIRE(writePingTargets(dir, {targets[1]}).ok());
  const PingTargetsRecord after = statPingTargets(dir);
  CHECK((after.inode != before.inode || after.size != before.size || after.mtimeNs != before.mtimeNs));
  CHECK(readPingTargets(dir).value().targets.size() == 1);

  /* No temporary file is left behind. */
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("a damaged or foreign record is an error as a whole") {
  TempDir tmp;
  const std::string dir = tmp.store();
  REQUIRE(writePingTargets(dir, {{"a", "192.0.2.1", 0, 56}}).ok());
  const std::string path = dir + "/" + kPingTargetsFile;

  writeText(path, "a,192.0.2.1\n");
  CHECK_THAT(readPingTargets(dir).error(), Catch::Contains("does not start with"));

  writeText(path, std::string(kPingTargetsHeader) + "\na,192.0.2.1\nbad line\n");
  CHECK_THAT(readPingTargets(dir).error(), Catch::Contains("line 3"));

  REQUIRE(truncate(path.c_str(), static_cast<off_t>(kMaxTargetListBytes) + 1) == 0);
  CHECK_THAT(readPingTargets(dir).error(), Catch::Contains("larger than"));

  REQUIRE(unlink(path.c_str()) == 0);
  REQUIRE(mkdir(path.c_str(), 0755) == 0);
  CHECK_FALSE(readPingTargets(dir).ok());
}

TEST_CASE("the record lives beside a store without disturbing it") {
  TempDir tmp;
  const std::string dir = tmp.store();
  /* The exporter may write the record before collectd ever opened the store. */
  REQUIRE(writePingTargets(dir, {{"a", "192.0.2.1", 0, 56}}).ok());
  {
    auto lock = PingTargetsLock::take(dir);
    REQUIRE(lock.ok());
  }
  StoreOptions options;
  options.dir = dir;
  auto writer = StoreWriter::open(options);
  REQUIRE(writer.ok());
  auto reader = StoreReader::open(dir);
  REQUIRE(reader.ok());
  CHECK(reader.value().listGraphs().value().empty());
  auto check = checkStore(dir, CheckOptions{});
  REQUIRE(check.ok());
  CHECK(check.value().clean());
  CHECK(check.value().files == 0);
  CHECK(readPingTargets(dir).value().targets.size() == 1);

  CHECK(isPingTargetsFileName("ping-targets"));
  CHECK(isPingTargetsFileName("ping-targets.123.tmp"));
  CHECK(isPingTargetsFileName("ping-targets.lock"));
  CHECK_FALSE(isPingTargetsFileName("ping-targetsx"));
  CHECK_FALSE(isPingTargetsFileName("notes.txt"));
}
