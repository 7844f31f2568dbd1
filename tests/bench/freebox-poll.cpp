/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: CPU time of polls of one box by the freebox plugin's library,
 * against freebox-sim (Ultra model, 8 switch ports), over HTTP and verified
 * HTTPS, measured as this process's user and system CPU time (getrusage), not
 * wall time: the machine may be busy with other work.
 *
 *   bench-freebox-poll SIM PEER_SCRIPT PKI_DIR [POLLS]
 *
 * - full poll: every group, 20 requests;
 * - equal work: the endpoints freebox_monitoring.py reads (connection/,
 *   connection/ftth/, system/, switch/status/, 8 x switch/port/N/stats: 12
 *   requests), side by side with the peer doing the same work in Python
 *   (tests/bench/freebox_seed_equivalent.py) in one process (its start-up
 *   subtracted) and one process per poll as Telegraf `exec` runs it;
 * - with group intervals: a 10 s box whose slow groups (lte, system, switch,
 *   wifi, lan, storage) are read every 300 s, averaged over 300 polls;
 * - the floor: one tiny request (GET /api_version, nothing to parse) repeated:
 *   the CPU a request costs whatever the plugin does, most of it the kernel's
 *   loopback TCP (and TLS) path.
 *
 * Targets: < 0.7 ms CPU per full poll over verified HTTPS; >= 3x less CPU than
 * the in-process peer on equal work.
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

#include "http/http_client.h"
#include "json/json.h"
#include "lib/box_poller.h"

extern char **environ;

namespace {

using namespace fbcqm::freebox;
using Clock = std::chrono::steady_clock;

constexpr const char *kAppId = "fr.freebox-cqm.bench";
constexpr const char *kAppToken = "YmVuY2gtdG9rZW4tZm9yLWZyZWVib3gtY3FtLWJlbmNobWFya3MtMDEyMzQ1Njc4OQ";

struct CpuTime {
  double user = 0, system = 0; /* seconds */
};

CpuTime processCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return CpuTime{static_cast<double>(usage.ru_utime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec) / 1e6,
                 static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6};
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
  double userMs = 0, systemMs = 0; /* per poll */
  double requests = 0;             /* per poll */
  std::size_t metrics = 0;         /* of the last poll */
  double cpuMs() const { return userMs + systemMs; }
  double perRequestUs() const { return requests > 0 ? cpuMs() * 1000.0 / requests : 0; }
};

BoxSettings benchSettings(const std::string &url, const std::string &caFile, GroupSet groups) {
  BoxSettings settings;
  settings.name = "bench";
  settings.rootUrl = url;
  settings.appId = kAppId;
  settings.appToken = kAppToken;
  settings.groups = groups;
  settings.intervalSeconds = 10;
  settings.timeoutSeconds = 10;
  settings.http.caFile = caFile;
  settings.http.maxResponseBytes = 4 * 1024 * 1024;
  return settings;
}

/* polls polls, the i-th at a clock 10 s after the previous one (what group intervals see). */
Measure measurePolls(const BoxSettings &settings, int polls) {
  BoxPoller poller(settings);
  const auto t0 = ApiClient::Clock::now();
  for (int i = 0; i < 3; ++i) /* discovery, login, connection and TLS session set up */
    poller.pollAt(t0);
  const std::uint64_t requestsBefore = poller.client().requestCount();
  const CpuTime before = processCpu();
  std::size_t metrics = 0;
  for (int i = 0; i < polls; ++i) {
    const PollOutcome outcome = poller.pollAt(t0 + std::chrono::seconds(10 * (i + 1)));
    if (outcome.boxError || outcome.metrics.empty())
      throw std::runtime_error("poll failed: " + outcome.boxError.value_or("no metrics"));
    metrics = outcome.metrics.size();
  }
  const CpuTime after = processCpu();
  Measure measure;
  measure.userMs = (after.user - before.user) * 1000.0 / polls;
  measure.systemMs = (after.system - before.system) * 1000.0 / polls;
  measure.requests = static_cast<double>(poller.client().requestCount() - requestsBefore) / polls;
  measure.metrics = metrics;
  return measure;
}

/* The floor: a tiny request with nothing to parse, repeated on one kept-alive connection. */
Measure measureFloor(const std::string &url, const std::string &caFile, int requests) {
  fbcqm::http::ClientOptions options;
  options.caFile = caFile;
  fbcqm::http::Client client(options);
  for (int i = 0; i < 3; ++i) /* connection and TLS session set up */
    if (!client.get(url + "/api_version").ok())
      throw std::runtime_error("GET /api_version failed");
  const CpuTime before = processCpu();
  for (int i = 0; i < requests; ++i)
    if (!client.get(url + "/api_version").ok())
      throw std::runtime_error("GET /api_version failed");
  const CpuTime after = processCpu();
  Measure measure;
  measure.userMs = (after.user - before.user) * 1000.0 / requests;
  measure.systemMs = (after.system - before.system) * 1000.0 / requests;
  measure.requests = 1;
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

void printRow(const char *what, const Measure &m) {
  std::printf("  %-50s %7.3f ms CPU (user %.3f, system %.3f)  %4.1f requests  %5.1f us/request\n", what, m.cpuMs(),
              m.userMs, m.systemMs, m.requests, m.perRequestUs());
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
    const std::string ca = std::string(argv[3]) + "/ca.pem";

    GroupSet peerGroups; /* what freebox_monitoring.py reads */
    for (Group group : {Group::Connection, Group::Line, Group::System, Group::Switch, Group::Ports})
      peerGroups.add(group);
    BoxSettings slowEvery300 = benchSettings(https, ca, GroupSet::all());
    for (Group group : {Group::Lte, Group::System, Group::Switch, Group::Wifi, Group::Lan, Group::Storage})
      slowEvery300.groupIntervals[static_cast<std::size_t>(group)] = 300;

    const Measure fullHttp = measurePolls(benchSettings(http, "", GroupSet::all()), polls);
    const Measure fullHttps = measurePolls(benchSettings(https, ca, GroupSet::all()), polls);
    const Measure equalHttp = measurePolls(benchSettings(http, "", peerGroups), polls);
    const Measure equalHttps = measurePolls(benchSettings(https, ca, peerGroups), polls);
    const Measure intervals = measurePolls(slowEvery300, polls);
    const Measure floorHttp = measureFloor(http, "", polls * 10);
    const Measure floorHttps = measureFloor(https, ca, polls * 10);
    /* The peer in one process: 101 polls less 1 poll, so its interpreter start-up and login are not counted. */
    const double peerInProcess = (peerCpuMs(argv[2], http, 1, 101) * 101 - peerCpuMs(argv[2], http, 1, 1)) / 100;
    const double peerPerProcess = peerCpuMs(argv[2], http, 10, 1);

    std::printf("freebox polls: Ultra model, 8 switch ports, %d polls each, CPU time of this process (getrusage)\n",
                polls);
    printRow("full poll, HTTP keep-alive", fullHttp);
    printRow("full poll, HTTPS (verified, session reuse)", fullHttps);
    printRow("equal work (the peer's 12 endpoints), HTTP", equalHttp);
    printRow("equal work, HTTPS", equalHttps);
    printRow("HTTPS, slow groups every 300 s (10 s polls)", intervals);
    printRow("floor: GET /api_version, HTTP", floorHttp);
    printRow("floor: GET /api_version, HTTPS", floorHttps);
    std::printf("  %-50s %7.3f ms CPU\n", "peer: Python, equal work, in one process", peerInProcess);
    std::printf("  %-50s %7.3f ms CPU\n", "peer: Python, one process per poll (Telegraf exec)", peerPerProcess);
    std::printf("full poll metrics: %zu; equal work metrics: %zu\n", fullHttp.metrics, equalHttp.metrics);
    std::printf("ratio peer/ours, equal work, in-process peer (HTTP): %.1fx (target >= 3x: %s)\n",
                peerInProcess / equalHttp.cpuMs(), peerInProcess / equalHttp.cpuMs() >= 3 ? "met" : "NOT met");
    std::printf("ratio peer/ours, equal work, one process per poll:   %.1fx\n", peerPerProcess / equalHttp.cpuMs());
    std::printf("floor share of a full HTTPS poll: %.0f%% (%.1f requests x %.1f us)\n",
                100.0 * fullHttps.requests * floorHttps.cpuMs() / fullHttps.cpuMs(), fullHttps.requests,
                floorHttps.cpuMs() * 1000.0);
    std::printf("target < 0.7 ms CPU per full poll over HTTPS: %s (%.3f ms; %.3f ms with slow groups every 300 s)\n",
                fullHttps.cpuMs() < 0.7 ? "met" : "NOT met", fullHttps.cpuMs(), intervals.cpuMs());
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "bench-freebox-poll: %s\n", e.what());
    return 1;
  }
}
