/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CQM store on a full disk: creating a graph fails with a NoSpace error value
 * (never a crash or SIGBUS), leaves no half file behind, existing graphs stay
 * writable (their space is preallocated), and creation works again once
 * space is back. Runs in forked children because it changes process limits
 * or mounts.
 */
#include <catch2/catch.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "child_process.h"
#include "cqm/store/store_reader.h"
#include "cqm/store/store_writer.h"
#include "temp_store.h"

using namespace fbcqm::cqm;
using namespace fbcqm::cqm::testing;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kBase = 1710028800 / kSampleSeconds;
constexpr int kSkipped = 77;

std::unique_ptr<StoreWriter> childWriter(const std::string &dir) {
  StoreOptions options;
  options.dir = dir;
  options.retentionSamples = kMinRetentionSamples; /* 40,128-byte graph files */
  auto writer = StoreWriter::open(options);
  childCheck(writer.ok(), "open writer", writer.ok() ? "" : writer.error().message);
  return std::move(writer.value());
}

void expectNoSpace(StoreWriter &writer, const std::string &name, const std::string &dir) {
  auto refused = writer.write(name, GraphKind::Both, derivedSample(kBase));
  childCheck(!refused.ok(), "creation should fail on a full disk");
  childCheck(refused.error().kind == StoreErrorKind::NoSpace, "kind should be NoSpace:", refused.error().message);
  childCheck(refused.error().message.find(name) != std::string::npos, "message should name the file",
             refused.error().message);
  childCheck(!fs::exists(dir + "/graphs/" + name + ".cqm"), "no graph file may appear");
  childCheck(fs::is_empty(dir + "/tmp"), "no half-built file may stay in tmp/");
}

/* Mounts a small private tmpfs on mountPoint (in a new mount namespace): false when not permitted here. */
bool mountSmallTmpfs(const std::string &mountPoint) {
  /* Needs root (CAP_SYS_ADMIN) in a private mount namespace; otherwise the case is skipped. */
  return unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
         mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, "size=256k") == 0;
}

/* Fills the file system holding dir with one file until ENOSPC; returns the file's path. */
std::string fillDisk(const std::string &dir) {
  const std::string path = dir + "/filler";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  childCheck(fd >= 0, "create filler");
  const std::vector<char> block(4096, 'x');
  while (write(fd, block.data(), block.size()) > 0) {
  }
  childCheck(errno == ENOSPC, "the filler should end on ENOSPC");
  close(fd);
  return path;
}

/*
 * Replaces graphs/NAME.cqm by a sparse copy, as cp --sparse=always, rsync -S
 * or a backup restore make it: pages holding only zeros become holes.
 */
void makeSparse(const std::string &dir, const std::string &name) {
  const std::string path = dir + "/graphs/" + name + ".cqm";
  const std::string copy = dir + "/sparse-copy";
  const int in = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  childCheck(in >= 0 && out >= 0, "open graph file and its copy");
  std::vector<char> page(4096);
  off_t offset = 0;
  for (ssize_t got; (got = pread(in, page.data(), page.size(), offset)) > 0; offset += got)
    if (std::any_of(page.begin(), page.begin() + got, [](char c) { return c != 0; }))
      childCheck(pwrite(out, page.data(), static_cast<std::size_t>(got), offset) == got, "write sparse copy");
  childCheck(ftruncate(out, offset) == 0, "size the sparse copy");
  close(in);
  close(out);
  fs::rename(copy, path);
}

int runChild(const std::function<int()> &body) {
  const pid_t pid = forkChild(body);
  REQUIRE(pid > 0);
  const int status = waitChild(pid);
  INFO("child wait status " << status << (WIFSIGNALED(status) ? " (killed by a signal)" : ""));
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

/*
 * Runs body(mountPoint) in a child with a 256 KiB tmpfs mounted on a fresh
 * directory, and checks it returned 0. Skipped (with a warning) where mounts
 * are not permitted.
 */
void onSmallDisk(const TempDir &tmp, const char *caseName, const std::function<int(const std::string &)> &body) {
  const std::string mountPoint = tmp.path() + "/small-disk";
  fs::create_directories(mountPoint);
  const int status = runChild([&] { return mountSmallTmpfs(mountPoint) ? body(mountPoint) : kSkipped; });
  if (status == kSkipped) {
    WARN("cannot mount a tmpfs here (needs root in a mount namespace): " << caseName << " skipped");
    return;
  }
  CHECK(status == 0);
}

} // namespace

TEST_CASE("a file-size limit (EFBIG) is a NoSpace error and nothing is half-created", "[cqm-store][nospace]") {
  TempDir tmp;
  const int status = runChild([&] {
    signal(SIGXFSZ, SIG_IGN); /* else the kernel kills the process that exceeds the limit */
    auto writer = childWriter(tmp.store());
    childCheck(writer->write("before", GraphKind::Both, derivedSample(kBase)).ok(), "write before the limit");
    rlimit limit;
    getrlimit(RLIMIT_FSIZE, &limit);
    const rlim_t unlimited = limit.rlim_cur;
    limit.rlim_cur = 20000;
    childCheck(setrlimit(RLIMIT_FSIZE, &limit) == 0, "setrlimit");
    expectNoSpace(*writer, "after", tmp.store());
    childCheck(writer->write("before", GraphKind::Both, derivedSample(kBase + 1)).ok(),
               "an existing graph needs no new space");
    limit.rlim_cur = unlimited;
    childCheck(setrlimit(RLIMIT_FSIZE, &limit) == 0, "setrlimit");
    childCheck(writer->write("after", GraphKind::Both, derivedSample(kBase)).ok(),
               "creation after the limit is lifted");
    return 0;
  });
  CHECK(status == 0);
  auto reader = StoreReader::open(tmp.store());
  REQUIRE(reader.ok());
  CHECK(reader.value().read("before", SampleRange{kBase, kBase + 2}).value().size() == 2);
  CHECK(reader.value().read("after", SampleRange{kBase, kBase + 2}).value().size() == 1);
}

TEST_CASE("a full tmpfs is a NoSpace error; writing resumes when space is freed", "[cqm-store][nospace]") {
  TempDir tmp;
  onSmallDisk(tmp, "full-tmpfs case", [&](const std::string &mountPoint) {
    const std::string dir = mountPoint + "/store";
    auto writer = childWriter(dir);
    int created = 0;
    for (; created < 100; ++created) {
      auto written = writer->write("g" + std::to_string(created), GraphKind::Both, derivedSample(kBase));
      if (!written.ok())
        break;
    }
    childCheck(created >= 2 && created < 100, "some graphs fit, then the disk is full");
    expectNoSpace(*writer, "g" + std::to_string(created), dir);
    expectNoSpace(*writer, "g" + std::to_string(created), dir); /* again: same clean error */
    for (int g = 0; g < created; ++g)
      childCheck(writer->write("g" + std::to_string(g), GraphKind::Both, derivedSample(kBase + 1)).ok(),
                 "existing graphs stay writable on a full disk");
    childCheck(writer->remove("g0").ok(), "remove");
    childCheck(writer->write("g" + std::to_string(created), GraphKind::Both, derivedSample(kBase)).ok(),
               "creation resumes once space is freed");
    auto reader = StoreReader::open(dir);
    childCheck(reader.ok(), "reader");
    for (int g = 1; g < created; ++g) {
      auto samples = reader.value().read("g" + std::to_string(g), SampleRange{kBase, kBase + 2});
      childCheck(samples.ok() && samples.value().size() == 2 && samples.value()[0] == derivedSample(kBase) &&
                     samples.value()[1] == derivedSample(kBase + 1),
                 "earlier samples intact");
    }
    return 0;
  });
}

TEST_CASE("a sparse graph file on a full disk is a NoSpace error, not a SIGBUS", "[cqm-store][nospace]") {
  TempDir tmp;
  const std::int64_t farSlot = kBase + 700; /* its slot lies in a page of zeros, a hole in the sparse copy */
  onSmallDisk(tmp, "sparse-file case", [&](const std::string &mountPoint) {
    const std::string dir = mountPoint + "/store";
    {
      auto writer = childWriter(dir);
      childCheck(writer->write("restored", GraphKind::Both, derivedSample(kBase)).ok(), "first write");
    }
    makeSparse(dir, "restored");
    const std::string filler = fillDisk(mountPoint);
    auto writer = childWriter(dir);
    auto refused = writer->write("restored", GraphKind::Both, derivedSample(farSlot));
    childCheck(!refused.ok(), "writing into a hole on a full disk should fail");
    childCheck(refused.error().kind == StoreErrorKind::NoSpace, "kind should be NoSpace:", refused.error().message);
    childCheck(fs::remove(filler), "free the space");
    childCheck(writer->write("restored", GraphKind::Both, derivedSample(farSlot)).ok(),
               "writing resumes once space is freed");
    auto reader = StoreReader::open(dir);
    childCheck(reader.ok(), "reader");
    auto samples = reader.value().read("restored", SampleRange{kBase, farSlot + 1});
    childCheck(samples.ok() && samples.value().size() == 2 && samples.value()[0] == derivedSample(kBase) &&
                   samples.value()[1] == derivedSample(farSlot),
               "the first sample survives the sparse copy, the new one is stored");
    return 0;
  });
}
