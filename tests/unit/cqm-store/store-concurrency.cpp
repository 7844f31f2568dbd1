/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CQM store across processes: a multi-threaded writer racing a reader
 * process (no torn sample may ever be read), and a writer process killed with
 * SIGKILL at random points, over and over, after which every acknowledged
 * sample must be intact and fsck clean.
 */
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "child_process.h"
#include "cqm/store/store_check.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "temp_store.h"

using namespace fbcqm::cqm;
using namespace fbcqm::cqm::testing;

namespace {

constexpr std::int64_t kBase = 1710028800 / kSampleSeconds;

bool readFully(int fd, void *buffer, std::size_t n) {
  auto *p = static_cast<char *>(buffer);
  while (n > 0) {
    const ssize_t got = read(fd, p, n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

bool writeFully(int fd, const void *buffer, std::size_t n) {
  const auto *p = static_cast<const char *>(buffer);
  while (n > 0) {
    const ssize_t put = write(fd, p, n);
    if (put < 0 && errno == EINTR)
      continue;
    if (put <= 0)
      return false;
    p += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

struct RaceTally {
  std::uint64_t reads = 0;
  std::uint64_t samples = 0;
  std::uint64_t torn = 0;    /* a sample whose fields do not belong together */
  std::uint64_t missing = 0; /* a sample of the window absent from a read */
};

} // namespace

TEST_CASE("a reader process racing a multi-threaded writer never sees a torn sample", "[cqm-store][concurrency]") {
  TempDir tmp;
  constexpr int kGraphs = 3;
  constexpr std::int64_t kWindow = 64; /* indexes rewritten over and over */
  StoreOptions options;
  options.dir = tmp.store();
  options.retentionSamples = kMinRetentionSamples;
  auto opened = StoreWriter::open(options);
  REQUIRE(opened.ok());
  StoreWriter &writer = *opened.value();
  for (int g = 0; g < kGraphs; ++g)
    for (std::int64_t i = 0; i < kWindow; ++i)
      REQUIRE(writer.write("race" + std::to_string(g), GraphKind::Both, derivedSample(kBase + i)).ok());

  int stopPipe[2], resultPipe[2];
  REQUIRE(pipe(stopPipe) == 0);
  REQUIRE(pipe(resultPipe) == 0);
  /* Fork before any thread exists: the child only reads, through its own StoreReader. */
  const pid_t reader = forkChild([&] {
    close(stopPipe[1]);
    close(resultPipe[0]);
    auto store = StoreReader::open(tmp.store());
    childCheck(store.ok(), "open reader");
    RaceTally tally;
    pollfd stop = {stopPipe[0], POLLIN, 0};
    while (poll(&stop, 1, 0) == 0) {
      for (int g = 0; g < kGraphs; ++g) {
        auto samples = store.value().read("race" + std::to_string(g), SampleRange{kBase, kBase + kWindow});
        childCheck(samples.ok(), "read", samples.ok() ? "" : samples.error().message);
        ++tally.reads;
        tally.samples += samples.value().size();
        tally.missing += static_cast<std::uint64_t>(kWindow) - samples.value().size();
        for (const Sample &s : samples.value())
          tally.torn += !isDerivedSample(s);
      }
    }
    childCheck(writeFully(resultPipe[1], &tally, sizeof tally), "report");
    return 0;
  });
  REQUIRE(reader > 0);
  close(stopPipe[0]);
  close(resultPipe[1]);

  std::atomic<std::uint64_t> writes{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      while (std::chrono::steady_clock::now() < deadline && !failed) {
        for (int k = 0; k < 100; ++k) {
          const int g = static_cast<int>(random() % kGraphs);
          const std::int64_t index = kBase + static_cast<std::int64_t>(random() % kWindow);
          const std::uint32_t salt = static_cast<std::uint32_t>(random() % 50000);
          if (!writer.write("race" + std::to_string(g), GraphKind::Both, derivedSample(index, salt)).ok())
            failed = true;
          ++writes;
        }
      }
    });
  }
  for (auto &thread : threads)
    thread.join();
  close(stopPipe[1]);
  RaceTally tally;
  REQUIRE(readFully(resultPipe[0], &tally, sizeof tally));
  close(resultPipe[0]);
  const int status = waitChild(reader);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(failed);
  INFO("writes " << writes << ", reads " << tally.reads << ", samples " << tally.samples << ", missing "
                 << tally.missing);
  CHECK(writes > 10000);
  CHECK(tally.reads > 100);
  CHECK(tally.torn == 0);
  /* Retries make a sample being rewritten still readable: nearly nothing may be missing. */
  CHECK(tally.missing * 1000 <= tally.samples);
}

namespace {

struct Ack {
  std::int32_t graph;
  std::uint32_t salt;
  std::int64_t index;
};

constexpr int kCrashGraphs = 12;

std::string crashGraphName(int g) { return "crash" + std::to_string(g); }

/*
 * The child: writes consecutive indexes to every graph (each (graph, index)
 * once), a fresh graph now and then, with a ring size that
 * changes every run (so graphs get resized), and acknowledges each write on
 * the pipe only after write() returned.
 */
int crashingWriter(const std::string &dir, std::uint32_t retention, std::int64_t next, std::uint32_t run, int ackFd) {
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = retention;
  options.maxOpenGraphs = 64 * 4; /* small: graphs are unmapped and reopened while writing */
  auto writer = StoreWriter::open(options);
  childCheck(writer.ok(), "open writer", writer.ok() ? "" : writer.error().message);
  for (std::int64_t index = next;; ++index) {
    for (int g = 0; g < kCrashGraphs; ++g) {
      auto written = writer.value()->write(crashGraphName(g), GraphKind::Both, derivedSample(index, run));
      childCheck(written.ok(), "write", written.ok() ? "" : written.error().message);
      const Ack ack{g, run, index};
      childCheck(writeFully(ackFd, &ack, sizeof ack), "ack");
    }
    if (index % 997 == 0) { /* a graph creation to interrupt too */
      auto created =
          writer.value()->write("fresh" + std::to_string(index), GraphKind::LossLatency, derivedSample(index, run));
      childCheck(created.ok(), "create", created.ok() ? "" : created.error().message);
    }
  }
}

/* Checks the acknowledged samples ((graph, index) -> salt) still inside their graph's ring. */
void verifyAcknowledged(const std::string &dir, const std::map<std::pair<int, std::int64_t>, std::uint32_t> &acks,
                        std::uint64_t &verified, std::uint64_t &lost) {
  auto reader = StoreReader::open(dir);
  REQUIRE(reader.ok());
  for (int g = 0; g < kCrashGraphs; ++g) {
    auto info = reader.value().info(crashGraphName(g));
    if (!info.ok() && info.error().kind == StoreErrorKind::NotFound)
      continue;
    REQUIRE(info.ok());
    auto samples = reader.value().read(crashGraphName(g), SampleRange{0, info.value().lastIndex + 1});
    REQUIRE(samples.ok());
    std::map<std::int64_t, Sample> byIndex;
    std::uint64_t wrong = 0;
    for (const Sample &s : samples.value()) {
      wrong += !isDerivedSample(s);
      byIndex[s.index] = s;
    }
    for (auto it = acks.lower_bound({g, info.value().firstIndex}); it != acks.end() && it->first.first == g; ++it) {
      const auto found = byIndex.find(it->first.second);
      if (found == byIndex.end()) {
        ++lost;
        continue;
      }
      wrong += found->second != derivedSample(it->first.second, it->second);
      ++verified;
    }
    REQUIRE(wrong == 0); /* (counted, not checked one by one: 100,000 samples) */
  }
}

} // namespace

TEST_CASE("a writer killed at random points leaves a clean store", "[cqm-store][crash]") {
  TempDir tmp;
  std::mt19937 random(20240310);
  std::int64_t next = kBase;
  std::uint64_t verified = 0, lost = 0, totalAcked = 0;
  int neverInitialised = 0;
  int killed = 0;
  constexpr int kRuns = 110;
  for (std::uint32_t run = 0; run < kRuns; ++run) {
    const std::uint32_t retention = run % 2 == 0 ? 1000 : 1100;
    int ackPipe[2];
    REQUIRE(pipe(ackPipe) == 0);
    const pid_t child = forkChild([&] {
      close(ackPipe[0]);
      return crashingWriter(tmp.store(), retention, next, run, ackPipe[1]);
    });
    REQUIRE(child > 0);
    close(ackPipe[1]);
    /* Collect acknowledgements until a random instant, then SIGKILL wherever the child is. */
    const auto killAt = std::chrono::steady_clock::now() + std::chrono::microseconds(random() % 12000);
    std::vector<Ack> acks;
    auto drain = [&](int timeoutMs) {
      pollfd in = {ackPipe[0], POLLIN, 0};
      if (poll(&in, 1, timeoutMs) <= 0)
        return false;
      Ack buffer[256];
      const ssize_t got = read(ackPipe[0], buffer, sizeof buffer);
      if (got <= 0)
        return false;
      REQUIRE(got % static_cast<ssize_t>(sizeof(Ack)) == 0); /* 16-byte pipe writes are atomic */
      acks.insert(acks.end(), buffer, buffer + got / static_cast<ssize_t>(sizeof(Ack)));
      return true;
    };
    while (std::chrono::steady_clock::now() < killAt)
      drain(1);
    kill(child, SIGKILL);
    const int status = waitChild(child);
    while (drain(0)) {
    }
    close(ackPipe[0]);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      ++killed;
    else
      FAIL("writer child ended otherwise than by SIGKILL, status " << status);
    for (const Ack &ack : acks)
      next = std::max(next, ack.index + 1);

    /* After every kill: fsck finds nothing broken (an interrupted slot is a lost sample, not damage). */
    auto report = checkStore(tmp.store(), CheckOptions{});
    if (!report.ok() && report.error().kind == StoreErrorKind::NotAStore && totalAcked == 0 && acks.empty()) {
      ++neverInitialised; /* killed before the very first store.meta existed: there is no store yet */
      continue;
    }
    if (!report.ok())
      FAIL("fsck after kill " << run << ": " << report.error().message);
    if (!report.value().clean())
      FAIL("fsck after kill " << run << ": " << report.value().problems.front().path << ": "
                              << report.value().problems.front().problem);
    /* Each kill interrupts at most the one slot being written; a graph keeps that slot until it is written
       again, and a later run killed before reaching that graph leaves it there: at most one per run so far. */
    CHECK(report.value().interrupted <= run + 1);

    /* Every sample acknowledged in this run and still inside its graph's ring is there, exact. */
    std::map<std::pair<int, std::int64_t>, std::uint32_t> runAcks;
    for (const Ack &ack : acks)
      runAcks[{ack.graph, ack.index}] = ack.salt;
    totalAcked += runAcks.size();
    verifyAcknowledged(tmp.store(), runAcks, verified, lost);
  }
  CHECK(killed == kRuns);
  CHECK(neverInitialised < 10);

  INFO("verified " << verified << " of " << totalAcked << " acknowledged samples");
  CHECK(lost == 0);
  CHECK(verified * 10 >= totalAcked * 9); /* nearly all were still inside the ring when checked */
  CHECK(totalAcked > 1000);
}
