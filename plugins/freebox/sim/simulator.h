/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP face of one simulated Freebox: discovery, the login API, the
 * monitoring endpoints with their envelopes and error answers, fault
 * injection and the loopback-only control API (/__sim/...). handle() is the
 * http::Server handler; it is thread-safe and may block (slow and hang
 * faults) until shutdown() is called.
 */
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth.h"
#include "box.h"
#include "faults.h"
#include "http/http_server.h"
#include "model_catalog.h"

namespace fbcqm::freebox::sim {

struct SimConfig {
  BoxOptions box;
  AuthOptions auth;
  std::vector<std::pair<std::string, std::string>> grantedApps; /* app_id, app_token */
  std::optional<std::string> apiVersion;                        /* overrides the model's */
  std::optional<std::string> apiDomain;
  std::optional<std::string> uid;
  bool verbose = false; /* one stderr line per request (never headers or bodies) */
};

/* Seconds on a monotonic scale. */
using Clock = std::function<double()>;
double steadySeconds();

class Simulator {
public:
  /* Fails if the model cannot be set up (e.g. a bad --api-version). */
  static fbcqm::Result<std::unique_ptr<Simulator>, std::string> create(ModelSpec model, SimConfig config,
                                                                       Clock clock = steadySeconds);

  http::ServerReply handle(const http::ServerRequest &request);

  /* The HTTPS listener's port, announced by discovery (https_available). */
  void setHttpsPort(int port);
  /* Source of the "connections" figure of /__sim/stats. */
  void setConnectionCounter(std::function<std::uint64_t()> counter);
  /* Releases every request held by a slow or hang fault; later ones are not held. */
  void shutdown();

  const ModelSpec &model() const { return box_.model(); }

private:
  Simulator(ModelSpec model, SimConfig config, Clock clock);

  struct Classified;
  Classified classify(const http::ServerRequest &request);
  http::ServerReply answer(const http::ServerRequest &request, const Classified &route, const FaultPlan &plan);
  http::ServerReply control(const http::ServerRequest &request);
  http::ServerReply discovery();
  http::ServerReply login(const http::ServerRequest &request, const Classified &route);
  http::ServerReply monitoring(const http::ServerRequest &request, const Classified &route, bool quirks);
  http::ServerReply authError(const AuthError &error);
  http::ServerReply snapshot(const http::ServerRequest &request);
  http::ServerReply stats();
  void advanceLocked();
  void countRequest(const std::string &path);
  std::string uid() const;

  SimConfig config_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Box box_;
  Auth auth_;
  FaultSet faults_;
  double lastAdvance_ = 0;
  int httpsPort_ = 0;
  std::function<std::uint64_t()> connections_;
  std::map<std::string, std::uint64_t> requests_;
  std::uint64_t logins_ = 0, loginFailures_ = 0, registrations_ = 0;
};

} // namespace fbcqm::freebox::sim
