/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection: what the control API installs (POST /__sim/fault) and
 * which faults a given request runs into. Not thread-safe (the Simulator
 * serializes access).
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace fbcqm::freebox::sim {

enum class FaultKind {
  Slow,         /* sleep delay_ms, then answer normally */
  Hang,         /* no answer until the fault is cleared or the simulator stops */
  Http500,      /* HTTP 500 with a non-JSON body */
  Malformed,    /* HTTP 200, garbage that is not JSON */
  Truncated,    /* HTTP 200, the real answer cut in the middle */
  AuthRequired, /* 403 auth_required once per session opened before the fault */
  Revoke,       /* every app token is refused (invalid_token) while the fault is set */
  ServiceDown,  /* HTTP 200 {"success":false,"error_code":"service_down"} */
  Quirks,       /* odd-but-real values: mac_list {}, rates -1, counters above 2^32, sensors without value */
  NoResult,     /* {"success":true} without "result" */
};

std::optional<FaultKind> parseFaultKind(std::string_view text);
const char *faultKindName(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::Slow;
  std::string pathPrefix = "/api/"; /* request paths starting with this */
  int delayMs = 0;
  std::optional<std::int64_t> remaining; /* requests still affected; nullopt: until cleared */
  std::uint64_t id = 0;
  std::uint64_t sessionsBefore = 0; /* AuthRequired: hits sessions with a lower sequence number */
  bool exhausted = false;           /* Hang with a count: no new victims, the hung ones wait for clear */
};

/* Parses a control API body {"kind":..., "path":..., "delay_ms":..., "count":...}. */
fbcqm::Result<Fault, std::string> parseFault(std::string_view body);

/* What one request runs into. */
struct FaultPlan {
  int delayMs = 0;
  bool quirks = false;
  std::optional<FaultKind> terminal; /* Hang, Http500, Malformed, Truncated, ServiceDown, NoResult, AuthRequired */
  std::uint64_t hangFault = 0;       /* id of the Hang fault, to wait for its removal */
};

struct RequestFacts {
  std::string path;
  bool authenticated = false;        /* a monitoring endpoint with a valid session */
  std::uint64_t sessionSequence = 0; /* of that session */
  bool login = false;                /* POST login/session/ */
};

class FaultSet {
public:
  /* Installs a fault; returns its id. */
  std::uint64_t add(Fault fault, std::uint64_t sessionsOpenedSoFar);
  void clear() { faults_.clear(); }
  bool empty() const { return faults_.empty(); }
  bool contains(std::uint64_t id) const;
  std::vector<Fault> list() const { return faults_; }

  /* Faults that apply to this request, in installation order; uses up counts. */
  FaultPlan plan(const RequestFacts &request);
  /* Whether a login is refused by a revoke fault (uses up its count). */
  bool refuseLogin(const std::string &path);
  bool revokeActive() const;
  /* Whether quirks apply to a path, without using up counts (for the snapshot). */
  bool quirksFor(const std::string &path) const;

private:
  static bool matches(const Fault &fault, const std::string &path);
  void consume(std::size_t index);

  std::vector<Fault> faults_;
  std::uint64_t nextId_ = 1;
};

} // namespace fbcqm::freebox::sim
