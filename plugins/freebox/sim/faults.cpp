/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "faults.h"

#include <algorithm>

#include "json/json.h"

namespace fbcqm::freebox::sim {

namespace {

struct KindName {
  FaultKind kind;
  const char *name;
};
constexpr KindName kKinds[] = {
    {FaultKind::Slow, "slow"},           {FaultKind::Hang, "hang"},
    {FaultKind::Http500, "http500"},     {FaultKind::Malformed, "malformed"},
    {FaultKind::Truncated, "truncated"}, {FaultKind::AuthRequired, "auth_required"},
    {FaultKind::Revoke, "revoke"},       {FaultKind::ServiceDown, "service_down"},
    {FaultKind::Quirks, "quirks"},       {FaultKind::NoResult, "no_result"},
};

constexpr std::size_t kMaxPathPrefix = 512;
constexpr std::int64_t kMaxDelayMs = 10 * 60 * 1000;

} // namespace

std::optional<FaultKind> parseFaultKind(std::string_view text) {
  for (const auto &k : kKinds)
    if (text == k.name)
      return k.kind;
  return std::nullopt;
}

const char *faultKindName(FaultKind kind) {
  for (const auto &k : kKinds)
    if (k.kind == kind)
      return k.name;
  return "?";
}

fbcqm::Result<Fault, std::string> parseFault(std::string_view body) {
  auto doc = json::Document::parse(body, 16 * 1024);
  if (!doc.ok())
    return fail("fault body: " + doc.error().message());
  const json::Value root = doc.value().root();
  if (!root.isObject())
    return fail(std::string("fault body: expected a JSON object"));
  Fault fault;
  auto kind = root.getString("kind");
  if (!kind.ok())
    return fail("fault body: \"kind\": " + kind.error().message());
  auto parsed = parseFaultKind(kind.value());
  if (!parsed) {
    std::string known;
    for (const auto &k : kKinds)
      known += std::string(known.empty() ? "" : ", ") + k.name;
    return fail("fault body: unknown kind '" + std::string(kind.value().substr(0, 64)) + "' (known: " + known + ")");
  }
  fault.kind = *parsed;
  if (root["path"].present()) {
    auto path = root.getString("path");
    if (!path.ok() || path.value().empty() || path.value().front() != '/' || path.value().size() > kMaxPathPrefix)
      return fail(std::string("fault body: \"path\" must be a path starting with '/' (at most 512 bytes)"));
    fault.pathPrefix = std::string(path.value());
  }
  if (root["delay_ms"].present()) {
    auto delay = root.getInt64("delay_ms");
    if (!delay.ok() || delay.value() < 0 || delay.value() > kMaxDelayMs)
      return fail(std::string("fault body: \"delay_ms\" must be an integer from 0 to 600000"));
    fault.delayMs = static_cast<int>(delay.value());
  }
  if (fault.kind == FaultKind::Slow && fault.delayMs == 0)
    return fail(std::string("fault body: a slow fault needs \"delay_ms\" > 0"));
  if (root["count"].present()) {
    auto count = root.getInt64("count");
    if (!count.ok() || count.value() < 1)
      return fail(std::string("fault body: \"count\" must be a positive integer"));
    fault.remaining = count.value();
  }
  return fault;
}

std::uint64_t FaultSet::add(Fault fault, std::uint64_t sessionsOpenedSoFar) {
  fault.id = nextId_++;
  fault.sessionsBefore = sessionsOpenedSoFar + 1;
  faults_.push_back(std::move(fault));
  return faults_.back().id;
}

bool FaultSet::contains(std::uint64_t id) const {
  return std::any_of(faults_.begin(), faults_.end(), [id](const Fault &f) { return f.id == id; });
}

bool FaultSet::matches(const Fault &fault, const std::string &path) {
  return !fault.exhausted && path.compare(0, fault.pathPrefix.size(), fault.pathPrefix) == 0;
}

void FaultSet::consume(std::size_t index) {
  Fault &fault = faults_[index];
  if (!fault.remaining || --*fault.remaining > 0)
    return;
  if (fault.kind == FaultKind::Hang)
    fault.exhausted = true; /* requests already hung keep waiting for clear */
  else
    faults_.erase(faults_.begin() + static_cast<std::ptrdiff_t>(index));
}

FaultPlan FaultSet::plan(const RequestFacts &request) {
  FaultPlan plan;
  for (std::size_t i = 0; i < faults_.size();) {
    const Fault &fault = faults_[i];
    bool applies = matches(fault, request.path);
    if (applies) {
      switch (fault.kind) {
      case FaultKind::Revoke:
        applies = false; /* handled at login (refuseLogin) */
        break;
      case FaultKind::AuthRequired:
        applies = !plan.terminal && request.authenticated && request.sessionSequence < fault.sessionsBefore;
        break;
      case FaultKind::Slow:
        plan.delayMs = std::max(plan.delayMs, fault.delayMs);
        break;
      case FaultKind::Quirks:
        plan.quirks = true;
        break;
      default:
        applies = !plan.terminal; /* the first terminal fault wins */
        break;
      }
      if (applies && fault.kind != FaultKind::Slow && fault.kind != FaultKind::Quirks) {
        plan.terminal = fault.kind;
        if (fault.kind == FaultKind::Hang)
          plan.hangFault = fault.id;
      }
    }
    const std::size_t before = faults_.size();
    if (applies)
      consume(i);
    if (faults_.size() == before)
      ++i;
  }
  return plan;
}

bool FaultSet::refuseLogin(const std::string &path) {
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    if (faults_[i].kind == FaultKind::Revoke && matches(faults_[i], path)) {
      consume(i);
      return true;
    }
  }
  return false;
}

bool FaultSet::revokeActive() const {
  return std::any_of(faults_.begin(), faults_.end(), [](const Fault &f) { return f.kind == FaultKind::Revoke; });
}

bool FaultSet::quirksFor(const std::string &path) const {
  return std::any_of(faults_.begin(), faults_.end(),
                     [&path](const Fault &f) { return f.kind == FaultKind::Quirks && matches(f, path); });
}

} // namespace fbcqm::freebox::sim
