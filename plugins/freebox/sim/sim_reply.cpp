/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim_reply.h"

namespace fbcqm::freebox::sim::reply {

namespace {
constexpr const char *kJsonType = "application/json; charset=utf-8";
} // namespace

http::ServerReply jsonReply(int status, std::string body) {
  return http::ServerReply{status, kJsonType, std::move(body), {}};
}

std::string envelope(const ApiAnswer &answer) {
  JsonDoc doc(rapidjson::kObjectType);
  auto &a = doc.GetAllocator();
  doc.AddMember("success", answer.success, a);
  if (answer.success && answer.hasResult)
    doc.AddMember("result", JsonValue(answer.result, a), a);
  if (!answer.success) {
    doc.AddMember("error_code", makeString(answer.errorCode, a), a);
    doc.AddMember("msg", makeString(answer.msg, a), a);
  }
  return serialize(doc);
}

http::ServerReply apiReply(const ApiAnswer &answer) { return jsonReply(answer.httpStatus, envelope(answer)); }

http::ServerReply apiError(int status, const std::string &code, const std::string &msg) {
  return apiReply(ApiAnswer::error(status, code, msg));
}

http::ServerReply invalidRequest(const std::string &msg) { return apiError(400, "invalid_request", msg); }

bool isLoopback(const std::string &peer) { return peer.rfind("127.", 0) == 0 || peer == "::1"; }

std::string stripSlashes(std::string path) {
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  return path;
}

bool allDigits(const std::string &text, std::size_t maxLength) {
  if (text.empty() || text.size() > maxLength)
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  return true;
}

std::optional<std::string> stringField(const json::Value &root, const char *key) {
  auto value = root.getString(key);
  if (!value.ok() || value.value().size() > kMaxFieldBytes)
    return std::nullopt;
  return std::string(value.value());
}

std::string okJson(const std::string &resultJson) { return "{\"success\":true,\"result\":" + resultJson + "}"; }

} // namespace fbcqm::freebox::sim::reply
