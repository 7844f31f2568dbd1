/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freebox-sim: a Freebox OS API simulator for tests and demos. This file only
 * wires the command line, the listeners, the port file and the signals to the
 * Simulator (simulator.h), which does the work.
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "http/http_server.h"
#include "model_catalog.h"
#include "options.h"
#include "simulator.h"

using namespace fbcqm;
using namespace fbcqm::freebox::sim;

namespace {

constexpr std::size_t kMaxPemBytes = 1024 * 1024;

bool readSmallFile(const std::string &path, std::string &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  if (out.size() > kMaxPemBytes) {
    error = path + " is larger than 1 MiB";
    return false;
  }
  return true;
}

/* Written to a temporary name then renamed, so a reader never sees half a file. */
bool writePortFile(const std::string &path, int httpPort, int httpsPort) {
  const std::string temporary = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "{\"http\":" << httpPort << ",\"https\":" << (httpsPort > 0 ? std::to_string(httpsPort) : "null") << "}\n";
    if (!out.flush())
      return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

int run(const std::vector<std::string> &args) {
  auto parsed = parseCommandLine(args);
  if (!parsed.ok())
    return cli::usageError(stderr, "freebox-sim", parsed.error());
  CommandLine cl = parsed.value();
  if (cl.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (cl.version) {
    cli::printVersion(stdout, "freebox-sim");
    return 0;
  }
  auto model = loadModel(cl.model);
  if (!model.ok())
    return cli::usageError(stderr, "freebox-sim", model.error());
  http::ServerOptions tlsOptions;
  if (cl.tlsListen) {
    std::string error;
    if (!readSmallFile(cl.tlsCert, tlsOptions.tlsCertPem, error) ||
        !readSmallFile(cl.tlsKey, tlsOptions.tlsKeyPem, error)) {
      std::fprintf(stderr, "freebox-sim: %s\n", error.c_str());
      return 2;
    }
  }
  auto created = Simulator::create(model.value(), cl.sim);
  if (!created.ok()) {
    std::fprintf(stderr, "freebox-sim: %s\n", created.error().c_str());
    return 2;
  }
  std::shared_ptr<Simulator> sim = std::move(created).value();

  /* Signals are taken by sigwait() below; every server thread inherits this mask. */
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  const auto handler = [sim](const http::ServerRequest &request) { return sim->handle(request); };
  http::ServerOptions httpOptions;
  httpOptions.bindAddress = cl.listen.host;
  httpOptions.port = cl.listen.port;
  httpOptions.maxBodyBytes = 16 * 1024;
  auto http = http::Server::start(httpOptions, handler);
  if (!http.ok()) {
    std::fprintf(stderr, "freebox-sim: HTTP: %s\n", http.error().c_str());
    return 1;
  }
  std::unique_ptr<http::Server> https;
  if (cl.tlsListen) {
    tlsOptions.bindAddress = cl.tlsListen->host;
    tlsOptions.port = cl.tlsListen->port;
    tlsOptions.maxBodyBytes = 16 * 1024;
    auto started = http::Server::start(tlsOptions, handler);
    if (!started.ok()) {
      std::fprintf(stderr, "freebox-sim: HTTPS: %s\n", started.error().c_str());
      return 1;
    }
    https = std::move(started).value();
    sim->setHttpsPort(https->port());
  }
  http::Server *plain = http.value().get();
  http::Server *secure = https.get();
  sim->setConnectionCounter(
      [plain, secure] { return plain->connectionsAccepted() + (secure ? secure->connectionsAccepted() : 0); });

  if (!cl.portFile.empty() && !writePortFile(cl.portFile, plain->port(), secure ? secure->port() : 0)) {
    std::fprintf(stderr, "freebox-sim: cannot write the port file %s\n", cl.portFile.c_str());
    return 1;
  }
  std::fprintf(stderr, "freebox-sim: %s (%s) on %s%s%s\n", sim->model().name.c_str(), sim->model().title.c_str(),
               plain->baseUrl().c_str(), secure ? " and " : "", secure ? secure->baseUrl().c_str() : "");

  int signal = 0;
  sigwait(&stopSignals, &signal);
  std::fprintf(stderr, "freebox-sim: stopping (signal %d)\n", signal);
  sim->shutdown(); /* releases requests held by slow/hang faults, so stop() can join them */
  if (https)
    https->stop();
  plain->stop();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "freebox-sim: %s\n", e.what());
    return 1;
  }
}
