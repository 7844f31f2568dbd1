/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loopback-only control API of the simulator: /__sim/... */
#include "simulator.h"

#include "json/json.h"
#include "sim_reply.h"

namespace fbcqm::freebox::sim {

using namespace reply;

http::ServerReply Simulator::control(const http::ServerRequest &request) {
  const std::string path = stripSlashes(request.path);
  const bool post = request.method == "POST", get = request.method == "GET";
  const double now = clock_();
  if (path == "/__sim/fault" && post) {
    auto fault = parseFault(request.body);
    if (!fault.ok())
      return invalidRequest(fault.error());
    const std::uint64_t id = faults_.add(fault.value(), auth_.sessionsOpened());
    auth_.setRevoked(faults_.revokeActive());
    return jsonReply(200, okJson("{\"id\":" + std::to_string(id) + "}"));
  }
  if (path == "/__sim/clear" && post) {
    faults_.clear();
    auth_.setRevoked(false);
    wake_.notify_all(); /* releases hung requests */
    return jsonReply(200, R"({"success":true})");
  }
  if ((path == "/__sim/press" || path == "/__sim/deny") && post) {
    const bool done = path == "/__sim/press" ? auth_.press(now) : auth_.deny(now);
    if (!done)
      return apiError(409, "nothing_pending", "no registration is pending");
    return jsonReply(200, R"({"success":true})");
  }
  if (path == "/__sim/expire-sessions" && post) {
    /* No body, {} or {"error_code": ...}: error_code is optional. */
    std::string code = "auth_required";
    if (!request.body.empty()) {
      auto doc = json::Document::parse(request.body, kMaxBodyBytes);
      const bool object = doc.ok() && doc.value().root().isObject();
      const json::Value requested = object ? doc.value().root()["error_code"] : json::Value();
      auto text = requested.toString();
      if (!object || (requested.present() &&
                      (!text.ok() || (text.value() != "auth_required" && text.value() != "invalid_session"))))
        return invalidRequest("body: {} or {\"error_code\": \"auth_required\" | \"invalid_session\"}");
      if (requested.present())
        code = std::string(text.value());
    }
    auth_.expireAll(code);
    return jsonReply(200, R"({"success":true})");
  }
  if (path == "/__sim/register-mode" && post) {
    auto doc = json::Document::parse(request.body, kMaxBodyBytes);
    auto text = doc.ok() ? stringField(doc.value().root(), "mode") : std::nullopt;
    auto mode = text ? parseRegisterMode(*text) : std::nullopt;
    if (!mode)
      return invalidRequest("body: {\"mode\": \"auto|press|deny|timeout|new-apps-denied|external-ip\"}");
    auth_.setMode(*mode);
    box_.setAllowTokenRequest(*mode != RegisterMode::NewAppsDenied);
    return jsonReply(200, R"({"success":true})");
  }
  if (path == "/__sim/wan" && post) {
    auto doc = json::Document::parse(request.body, kMaxBodyBytes);
    auto text = doc.ok() ? stringField(doc.value().root(), "state") : std::nullopt;
    auto state = text ? parseWanState(*text) : std::nullopt;
    if (!state)
      return invalidRequest("body: {\"state\": \"up|down|backup\"}");
    if (!box_.setWanState(*state))
      return apiError(409, "no_backup", "this model has no 4G backup");
    return jsonReply(200, R"({"success":true})");
  }
  if (path == "/__sim/snapshot" && get)
    return snapshot(request);
  if (path == "/__sim/stats" && get)
    return stats();
  if (path == "/__sim/faults" && get) {
    JsonDoc list(rapidjson::kArrayType);
    auto &a = list.GetAllocator();
    for (const auto &f : faults_.list()) {
      JsonValue o(rapidjson::kObjectType);
      o.AddMember("id", f.id, a);
      o.AddMember("kind", JsonValue(faultKindName(f.kind), a), a);
      o.AddMember("path", makeString(f.pathPrefix, a), a);
      o.AddMember("delay_ms", f.delayMs, a);
      if (f.remaining)
        o.AddMember("count", *f.remaining, a);
      list.PushBack(o, a);
    }
    return jsonReply(200, okJson(serialize(list)));
  }
  return apiError(404, "invalid_request", "unknown control request");
}

http::ServerReply Simulator::snapshot(const http::ServerRequest &request) {
  int major = box_.model().apiMajor;
  const std::string wanted = request.queryValue("major");
  if (!wanted.empty()) {
    if (!allDigits(wanted, 3) || std::stoi(wanted) < 1 || std::stoi(wanted) > box_.model().apiMajor)
      return invalidRequest("major must be an API major this box serves");
    major = std::stoi(wanted);
  }
  JsonDoc doc(rapidjson::kObjectType);
  auto &a = doc.GetAllocator();
  const std::string base = "/api/v" + std::to_string(major) + "/";
  for (const auto &path : box_.monitoringPaths()) {
    auto answer = box_.get(path, major, faults_.quirksFor(base + path));
    if (!answer || !answer->success)
      continue;
    JsonValue value; /* null: the endpoint answers without "result" */
    if (answer->hasResult)
      value.CopyFrom(answer->result, a);
    doc.AddMember(makeString(path, a), value, a);
  }
  return jsonReply(200, serialize(doc));
}

http::ServerReply Simulator::stats() {
  JsonDoc doc(rapidjson::kObjectType);
  auto &a = doc.GetAllocator();
  JsonValue requests(rapidjson::kObjectType);
  for (const auto &[path, count] : requests_)
    requests.AddMember(makeString(path, a), JsonValue(count), a);
  doc.AddMember("requests", requests, a);
  doc.AddMember("logins", logins_, a);
  doc.AddMember("login_failures", loginFailures_, a);
  doc.AddMember("sessions_opened", auth_.sessionsOpened(), a);
  doc.AddMember("active_sessions", static_cast<std::uint64_t>(auth_.activeSessions()), a);
  doc.AddMember("registrations", registrations_, a);
  doc.AddMember("pending_registrations", static_cast<std::uint64_t>(auth_.pendingRegistrations(clock_())), a);
  doc.AddMember("connections", connections_ ? connections_() : 0, a);
  doc.AddMember("model", makeString(box_.model().name, a), a);
  return jsonReply(200, serialize(doc));
}

} // namespace fbcqm::freebox::sim
