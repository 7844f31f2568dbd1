/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cqm-exporter: serves a CQM store under /cqm/ as a FireBrick does. This file
 * only wires the parts together (README.md): settings -> access policy ->
 * worker gate -> /cqm/ service -> route table -> one HTTP server per listen
 * address; then waits for SIGTERM or SIGINT and stops cleanly (exit 0).
 */
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "access/access_policy.h"
#include "access/htpasswd.h"
#include "access/logins.h"
#include "cqm/store/store_reader.h"
#include "http/http_server.h"
#include "server/access_log.h"
#include "server/cqm_service.h"
#include "server/exporter_config.h"
#include "server/ping_route.h"
#include "server/router.h"
#include "server/work_gate.h"

#ifndef FBCQM_VERSION
#error "FBCQM_VERSION must be defined by the build"
#endif

namespace {

using namespace fbcqm::exporter;

constexpr int kExitCannotStart = 1;
constexpr int kExitUsage = 2;
/* Request line and headers of one connection; larger ones get 414 or 431 from libmicrohttpd. */
constexpr std::size_t kConnectionMemoryBytes = 128 * 1024;

void complain(const std::string &message) { std::fprintf(stderr, "cqm-exporter: %s\n", message.c_str()); }

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
    return "cqm-exporter";
  return name;
}

bool writePortFile(const std::string &path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush())
      return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

int run(ExporterConfig config) {
  if (!config.timeZone.empty()) {
    ::setenv("TZ", config.timeZone.c_str(), 1);
  }
  ::tzset();
  if (config.systemName.empty())
    config.systemName = hostName();

  auto store = fbcqm::cqm::StoreReader::open(config.storeDir);
  if (!store) {
    complain(store.error().message);
    return kExitCannotStart;
  }

  auto trusted = access::TrustedNetworks::parse(config.trusted);
  if (!trusted) {
    complain(trusted.error());
    return kExitUsage;
  }
  std::unique_ptr<access::Logins> logins;
  if (!config.htpasswdFile.empty()) {
    auto file = access::HtpasswdFile::open(config.htpasswdFile, [](const std::string &warning) { complain(warning); });
    if (!file) {
      complain(file.error());
      return kExitUsage;
    }
    logins = std::make_unique<access::Logins>(std::move(file.value()));
  }
  const access::AccessPolicy policy(access::AccessSettings{config.secret, trusted.value()}, logins.get());

  auto log = AccessLog::open(config.accessLog);
  if (!log) {
    complain(log.error());
    return kExitCannotStart;
  }

  WorkGate gate(WorkGate::Limits{config.workers, config.queuePerClass, std::chrono::milliseconds(config.maxWaitMs)});
  CqmService cqm(std::move(store.value()),
                 CqmServiceSettings{config.systemName, config.scores, std::size_t{config.cacheMegabytes} << 20}, policy,
                 gate, [] { return static_cast<std::int64_t>(std::time(nullptr)); });
  cqm.warmUp(static_cast<std::int64_t>(std::time(nullptr)));
  Router router;
  router.add("/cqm/", [&cqm](const fbcqm::http::ServerRequest &request, RequestNote &note) {
    return cqm.handle(request, note);
  });
  /* /ping writes the wanted-targets record beside the store; cqm_ping follows it (ping/ping_control.h). */
  router.add("/ping", makePingRoute(policy, PingControlOptions{config.storeDir, config.pingMaxTargets},
                                    [] { return static_cast<std::int64_t>(std::time(nullptr)); }));

  /* Signals are taken by sigwait below, never by a handler: block them before any thread starts. */
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::vector<std::unique_ptr<fbcqm::http::Server>> servers;
  AccessLog *accessLog = log.value().get();
  for (const ListenAddress &address : config.listen) {
    fbcqm::http::ServerOptions options;
    options.bindAddress = address.host;
    options.port = address.port;
    options.connectionLimit = config.connectionLimit;
    options.perAddressConnectionLimit = config.connectionsPerAddress;
    options.connectionMemoryLimit = kConnectionMemoryBytes;
    options.maxBodyBytes = 4096;
    auto server = fbcqm::http::Server::start(options, [&router, accessLog](const fbcqm::http::ServerRequest &request) {
      return router.dispatch(request, accessLog);
    });
    if (!server) {
      complain(server.error());
      gate.close();
      return kExitCannotStart;
    }
    std::fprintf(stderr, "cqm-exporter: listening on %s\n", server.value()->baseUrl().c_str());
    servers.push_back(std::move(server.value()));
  }
  if (!config.portFile.empty() && !writePortFile(config.portFile, servers.front()->port())) {
    complain("cannot write the port file " + config.portFile);
    gate.close();
    return kExitCannotStart;
  }

  int signal = 0;
  sigwait(&stopSignals, &signal);
  std::fprintf(stderr, "cqm-exporter: stopping (signal %d)\n", signal);
  gate.close();
  for (auto &server : servers)
    server->stop();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  auto parsed = parseCommandLine(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "cqm-exporter: %s (try --help)\n", parsed.error().message.c_str());
    return kExitUsage;
  }
  switch (parsed->outcome) {
  case ParseOutcome::Help:
    std::fputs(usageText().c_str(), stdout);
    return 0;
  case ParseOutcome::Version:
    std::printf("cqm-exporter %s\n", FBCQM_VERSION);
    return 0;
  case ParseOutcome::Run:
    break;
  }
  try {
    return run(std::move(parsed.value().config));
  } catch (const std::exception &e) {
    complain(std::string("fatal: ") + e.what());
    return kExitCannotStart;
  }
}
