/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: CPU time of one full poll of one box (every group, 8 switch
 * ports) by the freebox plugin's library, against freebox-sim, over HTTP and
 * HTTPS; side by side with the peer, freebox_monitoring.py's work done by a Python
 * program (tests/bench/freebox_seed_equivalent.py), run once per poll as
 * Telegraf `exec` runs it, and looping in one process.
 *
 *   bench-freebox-poll SIM PEER_SCRIPT PKI_DIR [POLLS]
 *
 * Target: under 2 ms of CPU per full poll.
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "json/json.h"
#include "lib/box_poller.h"

extern char **environ;

namespace {

using namespace fbcqm::freebox;
using Clock = std::chrono::steady_clock;

constexpr const char *kAppId = "fr.freebox-cqm.bench";
constexpr const char *kAppToken = "YmVuY2gtdG9rZW4tZm9yLWZyZWVib3gtY3FtLWJlbmNobWFya3MtMDEyMzQ1Njc4OQ";

double processCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double childrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

pid_t spawn(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const std::string &arg : args)
    argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

int waitFor(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A freebox-sim process with a pre-granted app. */
struct Sim {
  Sim(const std::string &binary, const std::string &pkiDir) {
    char pattern[] = "/tmp/bench-freebox-XXXXXX";
    if (!mkdtemp(pattern))
      throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    const std::string portFile = dir + "/ports.json";
    pid = spawn({binary, "--model", "ultra", "--switch-ports", "8", "--listen", "127.0.0.1:0", "--tls-listen",
                 "127.0.0.1:0", "--tls-cert", pkiDir + "/server.pem", "--tls-key", pkiDir + "/server-key.pem",
                 "--port-file", portFile, "--app-id", kAppId, "--app-token", kAppToken});
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (access(portFile.c_str(), R_OK) != 0) {
      if (Clock::now() > deadline)
        throw std::runtime_error("freebox-sim did not start");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::stringstream text;
    text << std::ifstream(portFile).rdbuf();
    auto ports = fbcqm::json::Document::parse(text.str());
    if (!ports.ok())
      throw std::runtime_error("bad port file");
    httpPort = static_cast<int>(ports.value().root().getInt64("http").valueOr(0));
    httpsPort = static_cast<int>(ports.value().root().getInt64("https").valueOr(0));
  }
  ~Sim() {
    kill(pid, SIGTERM);
    waitFor(pid);
    std::system(("rm -rf '" + dir + "'").c_str());
  }
  std::string dir;
  pid_t pid = 0;
  int httpPort = 0;
  int httpsPort = 0;
};

struct Measure {
  double cpuMs = 0;
  double wallMs = 0;
  std::size_t metrics = 0;
};

Measure measurePolls(const std::string &url, const std::string &caFile, int polls) {
  BoxSettings settings;
  settings.name = "bench";
  settings.rootUrl = url;
  settings.appId = kAppId;
  settings.appToken = kAppToken;
  settings.groups = GroupSet::all();
  settings.timeoutSeconds = 10;
  settings.http.caFile = caFile;
  settings.http.maxResponseBytes = 4 * 1024 * 1024;
  BoxPoller poller(settings);
  std::size_t metrics = 0;
  for (int i = 0; i < 5; ++i) /* discovery, login, connection and TLS session set up */
    metrics = poller.poll().metrics.size();
  const double cpuStart = processCpuSeconds();
  const auto wallStart = Clock::now();
  for (int i = 0; i < polls; ++i) {
    const PollOutcome outcome = poller.poll();
    if (outcome.boxError || outcome.metrics.size() != metrics)
      throw std::runtime_error("poll failed: " + outcome.boxError.value_or("metrics missing"));
  }
  Measure measure;
  measure.cpuMs = (processCpuSeconds() - cpuStart) * 1000.0 / polls;
  measure.wallMs = std::chrono::duration<double, std::milli>(Clock::now() - wallStart).count() / polls;
  measure.metrics = metrics;
  return measure;
}

/* CPU of the peer: runs of the script as separate processes (children's CPU). */
double peerCpuMs(const std::string &script, const std::string &url, int runs, int pollsPerRun) {
  const double before = childrenCpuSeconds();
  for (int i = 0; i < runs; ++i) {
    /* The system interpreter: a pyenv-style shim would add its own start-up cost to the peer. */
    std::vector<std::string> command = {"/usr/bin/python3"};
    if (access(command[0].c_str(), X_OK) != 0)
      command = {"/usr/bin/env", "python3"};
    for (const std::string &arg :
         {script, std::string("--url"), url, std::string("--app-id"), std::string(kAppId), std::string("--app-token"),
          std::string(kAppToken), std::string("--ports"), std::string("8"), std::string("--polls"),
          std::to_string(pollsPerRun), std::string("--quiet")})
      command.push_back(arg);
    const pid_t pid = spawn(command);
    if (waitFor(pid) != 0)
      throw std::runtime_error("peer script failed");
  }
  return (childrenCpuSeconds() - before) * 1000.0 / (runs * pollsPerRun);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s FREEBOX_SIM PEER_SCRIPT PKI_DIR [POLLS]\n", argv[0]);
    return 2;
  }
  try {
    const int polls = argc > 4 ? std::atoi(argv[4]) : 300;
    Sim sim(argv[1], argv[3]);
    const std::string http = "http://127.0.0.1:" + std::to_string(sim.httpPort);
    const std::string https = "https://127.0.0.1:" + std::to_string(sim.httpsPort);
    const Measure plain = measurePolls(http, "", polls);
    const Measure tls = measurePolls(https, std::string(argv[3]) + "/ca.pem", polls);
    const double peerPerProcess = peerCpuMs(argv[2], http, 20, 1);
    const double peerInProcess = peerCpuMs(argv[2], http, 1, 100);

    std::printf("freebox full poll: Ultra model, every group, 8 switch ports, %zu metrics, %d polls each\n",
                plain.metrics, polls);
    std::printf("  %-52s %8.3f ms CPU  %8.3f ms wall\n", "freebox.so library, HTTP keep-alive", plain.cpuMs,
                plain.wallMs);
    std::printf("  %-52s %8.3f ms CPU  %8.3f ms wall\n", "freebox.so library, HTTPS (verified, session reuse)",
                tls.cpuMs, tls.wallMs);
    std::printf("  %-52s %8.3f ms CPU\n", "peer: seed-equivalent Python, one process per poll", peerPerProcess);
    std::printf("  %-52s %8.3f ms CPU\n", "peer: seed-equivalent Python, 100 polls in-process", peerInProcess);
    std::printf("ratio peer/ours (one process per poll, as Telegraf exec): %.1fx\n", peerPerProcess / plain.cpuMs);
    std::printf("ratio peer/ours (peer looping in-process):                %.1fx\n", peerInProcess / plain.cpuMs);
    std::printf("target < 2 ms CPU per full poll: %s (HTTP %.3f ms, HTTPS %.3f ms)\n",
                plain.cpuMs < 2.0 && tls.cpuMs < 2.0 ? "met" : "NOT met", plain.cpuMs, tls.cpuMs);
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "bench-freebox-poll: %s\n", e.what());
    return 1;
  }
}
