/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault bodies are checked; each request runs into the right faults, counts are used up. */
#include <catch2/catch.hpp>

#include "faults.h"

using namespace fbcqm::freebox::sim;

namespace {

Fault fault(const std::string &body) {
  auto parsed = parseFault(body);
  if (!parsed.ok())
    throw std::runtime_error(parsed.error());
  return parsed.value();
}

RequestFacts request(const std::string &path, bool authenticated = true, std::uint64_t sequence = 1) {
  RequestFacts facts;
  facts.path = path;
  facts.authenticated = authenticated;
  facts.sessionSequence = sequence;
  return facts;
}

} // namespace

TEST_CASE("fault bodies", "[freebox-sim]") {
  const Fault slow = fault(R"({"kind":"slow","delay_ms":250,"path":"/api/v8/connection/","count":2})");
  CHECK(slow.kind == FaultKind::Slow);
  CHECK(slow.delayMs == 250);
  CHECK(slow.pathPrefix == "/api/v8/connection/");
  CHECK(slow.remaining == 2);
  const Fault all = fault(R"({"kind":"http500"})");
  CHECK(all.pathPrefix == "/api/");
  CHECK_FALSE(all.remaining);
  for (const char *kind : {"slow", "hang", "http500", "malformed", "truncated", "auth_required", "revoke",
                           "service_down", "quirks", "no_result"})
    CHECK(parseFaultKind(kind));

  const char *bad[] = {
      "",                                     /* not JSON */
      "[]",                                   /* not an object */
      R"({"path":"/api/"})",                  /* no kind */
      R"({"kind":"explode"})",                /* unknown kind */
      R"({"kind":5})",                        /* wrong type */
      R"({"kind":"slow"})",                   /* slow without a delay */
      R"({"kind":"slow","delay_ms":-1})",     /* negative */
      R"({"kind":"slow","delay_ms":600001})", /* too long */
      R"({"kind":"http500","count":0})",      /* count must be positive */
      R"({"kind":"http500","count":"2"})",    /* wrong type */
      R"({"kind":"http500","path":"api/"})",  /* not a path */
      R"({"kind":"http500","path":""})",      /* empty */
  };
  for (const char *body : bad) {
    INFO(body);
    CHECK_FALSE(parseFault(body).ok());
  }
  CHECK(parseFault(R"({"kind":"explode"})").error().find("known: slow") != std::string::npos);
  CHECK_FALSE(parseFault(R"({"kind":"http500","path":"/)" + std::string(600, 'a') + "\"}").ok());
}

TEST_CASE("a fault applies to paths under its prefix only", "[freebox-sim]") {
  FaultSet faults;
  faults.add(fault(R"({"kind":"service_down","path":"/api/v8/connection/xdsl"})"), 0);
  CHECK(faults.plan(request("/api/v8/connection/xdsl/")).terminal == FaultKind::ServiceDown);
  CHECK_FALSE(faults.plan(request("/api/v8/connection/")).terminal);
  CHECK_FALSE(faults.plan(request("/api_version")).terminal);

  FaultSet everything;
  everything.add(fault(R"({"kind":"http500"})"), 0);
  CHECK(everything.plan(request("/api/v8/login/")).terminal == FaultKind::Http500);
  CHECK_FALSE(everything.plan(request("/api_version")).terminal); /* only when named */
}

TEST_CASE("counts are used up; clear removes everything", "[freebox-sim]") {
  FaultSet faults;
  faults.add(fault(R"({"kind":"malformed","count":2})"), 0);
  CHECK(faults.plan(request("/api/v8/system/")).terminal == FaultKind::Malformed);
  CHECK(faults.plan(request("/api/v8/system/")).terminal == FaultKind::Malformed);
  CHECK_FALSE(faults.plan(request("/api/v8/system/")).terminal);
  CHECK(faults.empty());
  faults.add(fault(R"({"kind":"truncated"})"), 0);
  for (int i = 0; i < 5; ++i)
    CHECK(faults.plan(request("/api/v8/system/")).terminal == FaultKind::Truncated);
  faults.clear();
  CHECK_FALSE(faults.plan(request("/api/v8/system/")).terminal);
}

TEST_CASE("slow and quirks combine; the first other fault decides", "[freebox-sim]") {
  FaultSet faults;
  faults.add(fault(R"({"kind":"slow","delay_ms":100})"), 0);
  faults.add(fault(R"({"kind":"slow","delay_ms":300})"), 0);
  faults.add(fault(R"({"kind":"quirks"})"), 0);
  faults.add(fault(R"({"kind":"no_result","count":1})"), 0);
  faults.add(fault(R"({"kind":"service_down","count":1})"), 0);
  FaultPlan plan = faults.plan(request("/api/v8/system/"));
  CHECK(plan.delayMs == 300);
  CHECK(plan.quirks);
  CHECK(plan.terminal == FaultKind::NoResult);
  /* The service_down fault was not used by that request. */
  CHECK(faults.plan(request("/api/v8/system/")).terminal == FaultKind::ServiceDown);
  CHECK_FALSE(faults.plan(request("/api/v8/system/")).terminal);
  CHECK(faults.quirksFor("/api/v8/system/"));
  CHECK_FALSE(faults.quirksFor("/api_version"));
}

TEST_CASE("auth_required hits sessions opened before the fault, once", "[freebox-sim]") {
  FaultSet faults;
  faults.add(fault(R"({"kind":"auth_required"})"), 3); /* sessions 1..3 exist */
  CHECK(faults.plan(request("/api/v8/system/", true, 3)).terminal == FaultKind::AuthRequired);
  CHECK_FALSE(faults.plan(request("/api/v8/system/", true, 4)).terminal); /* the re-login's session */
  CHECK_FALSE(faults.plan(request("/api/v8/login/", false, 0)).terminal); /* not an authenticated call */
}

TEST_CASE("hang: the counted victims wait for clear", "[freebox-sim]") {
  FaultSet faults;
  const std::uint64_t id = faults.add(fault(R"({"kind":"hang","count":1})"), 0);
  const FaultPlan first = faults.plan(request("/api/v8/system/"));
  CHECK(first.terminal == FaultKind::Hang);
  CHECK(first.hangFault == id);
  CHECK_FALSE(faults.plan(request("/api/v8/system/")).terminal);
  CHECK(faults.contains(id)); /* the first request still hangs */
  faults.clear();
  CHECK_FALSE(faults.contains(id));
}

TEST_CASE("revoke refuses logins, counted", "[freebox-sim]") {
  FaultSet faults;
  faults.add(fault(R"({"kind":"revoke","count":1})"), 0);
  CHECK(faults.revokeActive());
  CHECK_FALSE(faults.plan(request("/api/v8/login/session/", false)).terminal);
  CHECK(faults.refuseLogin("/api/v8/login/session/"));
  CHECK_FALSE(faults.revokeActive());
  CHECK_FALSE(faults.refuseLogin("/api/v8/login/session/"));
}
