/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing the simulator's HTTP answers and reading its request bodies (shared by simulator*.cpp). */
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "box.h"
#include "http/http_server.h"
#include "json/json.h"

namespace fbcqm::freebox::sim::reply {

constexpr std::size_t kMaxPathBytes = 1024;
constexpr std::size_t kMaxStatsPaths = 256;
constexpr std::size_t kMaxBodyBytes = 16 * 1024;
constexpr std::size_t kMaxFieldBytes = 256;

http::ServerReply jsonReply(int status, std::string body);
/* {"success":true,"result":...} or {"success":false,"error_code","msg"} */
std::string envelope(const ApiAnswer &answer);
http::ServerReply apiReply(const ApiAnswer &answer);
http::ServerReply apiError(int status, const std::string &code, const std::string &msg);
http::ServerReply invalidRequest(const std::string &msg);
std::string okJson(const std::string &resultJson);

bool isLoopback(const std::string &peer);
std::string stripSlashes(std::string path);
bool allDigits(const std::string &text, std::size_t maxLength);
/* A bounded string member of a request body; nullopt if absent, wrong type or too long. */
std::optional<std::string> stringField(const json::Value &root, const char *key);

} // namespace fbcqm::freebox::sim::reply
