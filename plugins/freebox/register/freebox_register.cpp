/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freebox-register: gets an app token from a Freebox (the user confirms on
 * the box) and saves it for the collectd plugin; --status checks a saved one.
 * The token is never printed in full and never logged.
 */
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "cli/command_line.h"
#include "json/json_writer.h"
#include "lib/api_client.h"
#include "lib/credentials.h"
#include "lib/discovery.h"
#include "lib/root_cas.h"
#include "register/register_options.h"

namespace {

using namespace fbcqm::freebox;
using namespace fbcqm::freebox::cli;
namespace http = fbcqm::http;
namespace json = fbcqm::json;
using Clock = std::chrono::steady_clock;

void say(const std::string &line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

int failWith(int code, const std::string &message) {
  std::fputs(("freebox-register: " + message + "\n").c_str(), stderr);
  return code;
}

http::ClientOptions clientOptions(const Options &options) {
  http::ClientOptions http;
  if (!options.caCertificate.empty())
    http.caFile = options.caCertificate;
  else
    http.caPem = freeboxRootCasPem();
  http.connectTimeout = std::chrono::milliseconds(5000);
  http.totalTimeout = std::chrono::milliseconds(10000);
  http.userAgent = "freebox-register";
  return http;
}

/* Exit code and message for a failed call to the box. */
int boxFailure(const std::string &what, const std::string &url, const ApiError &error) {
  if (error.kind == ApiErrorKind::Transport || error.kind == ApiErrorKind::HttpStatus)
    return failWith(kUnreachable, "cannot reach the box at " + url + " (" + what + "): " + error.describe());
  if (error.kind == ApiErrorKind::Api && error.code == "new_apps_denied")
    return failWith(kNewAppsDenied, "the box refuses new app requests (new_apps_denied). Allow them in Freebox OS: "
                                    "Parametres de la Freebox > Gestion des acces > Parametres.");
  if (error.kind == ApiErrorKind::Api && error.code == "denied_from_external_ip")
    return failWith(kExternalIp, "the box only accepts app requests from its own network "
                                 "(denied_from_external_ip): run freebox-register on a machine of the box's LAN.");
  return failWith(kBoxError, what + ": " + error.describe());
}

std::string hostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
    return "collectd";
  return printable(name, 64);
}

int doRegister(const Options &options) {
  const std::string url = options.url.empty() ? kDefaultBoxUrl : options.url;
  /* Fail before bothering the user at the box if the result cannot be saved. */
  auto writable = checkWritable(options.credentials);
  if (!writable.ok())
    return failWith(kUnwritable, "cannot write the credentials file: " + writable.error());

  ApiClient client(url, clientOptions(options));
  auto discovery = client.discover();
  if (!discovery.ok()) {
    if (discovery.error().kind == ApiErrorKind::Malformed)
      return failWith(kUnreachable, "no Freebox API at " + url + ": " + discovery.error().describe());
    return boxFailure("discovery", url, discovery.error());
  }
  const Discovery &box = discovery.value();
  say("Found " + (box.boxModelName.empty() ? std::string("a Freebox") : box.boxModelName) + " at " + url + " (API " +
      box.apiVersion + ").");

  const std::string body =
      json::ObjectWriter()
          .add("app_id", options.appId)
          .add("app_name", options.appName)
          .add("app_version", options.appVersion.empty() ? fbcqm::cli::version() : options.appVersion)
          .add("device_name", options.deviceName.empty() ? hostName() : options.deviceName)
          .finish();
  auto authorization = client.postPublic("login/authorize/", body);
  if (!authorization.ok())
    return boxFailure("authorization request", url, authorization.error());
  const json::Value result = authorization.value().result();
  auto token = result.getString("app_token");
  auto trackId = result.getInt64("track_id");
  if (!token.ok() || !validAppToken(token.value()) || !trackId.ok() || trackId.value() < 0)
    return failWith(kBoxError, "authorization request: the box sent no usable app_token/track_id");
  const std::string appToken(token.value());
  const std::string trackPath = "login/authorize/" + std::to_string(trackId.value());

  say("Now press the \">\" (right arrow) key on the Freebox Server's front panel to allow \"" + options.appName +
      "\" (answer \"Oui\").");
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.timeoutSeconds));
  auto lastNotice = Clock::now() - std::chrono::hours(1);
  for (;;) {
    auto tracking = client.getPublic(trackPath);
    if (!tracking.ok())
      return boxFailure("authorization tracking", url, tracking.error());
    const std::string status(tracking.value().result().getString("status").valueOr("unknown"));
    if (status == "granted")
      break;
    if (status == "denied")
      return failWith(kDenied, "the request was denied on the box.");
    if (status == "timeout")
      return failWith(kTimeout, "nobody confirmed on the box in time (the box timed the request out). Run "
                                "freebox-register again and press the key when asked.");
    if (status != "pending")
      return failWith(kBoxError, "the box lost the request (status \"" + printable(status, 32) + "\").");
    const auto now = Clock::now();
    if (now >= deadline)
      return failWith(kTimeout, "gave up waiting for the key press after " +
                                    std::to_string(static_cast<int>(options.timeoutSeconds)) + " s.");
    if (now - lastNotice >= std::chrono::seconds(5)) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count();
      say("Waiting for the key press on the box: " + std::to_string(left) + " s left.");
      lastNotice = now;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(options.pollSeconds));
  }

  Credentials credentials;
  credentials.appId = options.appId;
  credentials.appToken = appToken;
  credentials.boxUid = box.uid;
  credentials.apiDomain = box.apiDomain;
  credentials.httpsPort = box.httpsPort;
  credentials.boxModel = box.boxModel;
  credentials.boxModelName = box.boxModelName;
  credentials.apiVersion = box.apiVersion;
  credentials.baseUrl = url;
  auto saved = saveCredentials(options.credentials, credentials);
  if (!saved.ok())
    return failWith(kUnwritable, "access granted, but the credentials file cannot be written: " + saved.error() +
                                     ". Remove the app in Freebox OS and register again.");
  say("Access granted. Saved to " + options.credentials + " (mode 0600):");
  say("  app_id:    " + credentials.appId);
  say("  app_token: " + maskToken(credentials.appToken));
  say("  box:       " + credentials.boxModel + " uid " + credentials.boxUid);
  return kOk;
}

int doStatus(const Options &options) {
  auto loaded = loadCredentials(options.credentials);
  if (!loaded.ok())
    return failWith(kNoCredentials, loaded.error());
  const Credentials &c = loaded.value().credentials;
  const std::string url = !options.url.empty() ? options.url : !c.baseUrl.empty() ? c.baseUrl : kDefaultBoxUrl;
  say("Credentials file " + options.credentials + ":");
  say("  app_id:         " + c.appId);
  say("  app_token:      " + maskToken(c.appToken));
  say("  box uid:        " + c.boxUid);
  say("  box model:      " + c.boxModel + (c.boxModelName.empty() ? "" : " (" + c.boxModelName + ")"));
  say("  API version:    " + c.apiVersion);
  say("  base URL:       " + c.baseUrl);
  say("  api_domain:     " + c.apiDomain + (c.httpsPort > 0 ? ":" + std::to_string(c.httpsPort) : ""));
  if (loaded.value().readableByOthers)
    say("  warning:        the file is readable by other users; chmod 600 it");

  ApiClient client(url, clientOptions(options));
  client.setCredentials(AppCredentials{c.appId, c.appToken});
  auto discovery = client.discover();
  if (!discovery.ok())
    return boxFailure("discovery", url, discovery.error());
  if (!c.boxUid.empty() && !discovery.value().uid.empty() && discovery.value().uid != c.boxUid)
    say("  warning:        the box at " + url + " has uid " + discovery.value().uid +
        ", not the one this token was issued by");

  auto session = client.login();
  if (!session.ok()) {
    const ApiError &error = session.error();
    if (error.kind == ApiErrorKind::Api && error.code == "pending_token")
      return failWith(kTokenRejected, "the box has not validated this token yet (pending_token): the key was "
                                      "never pressed. Register again.");
    if (error.kind == ApiErrorKind::Api && (error.code == "invalid_token" || error.code == "auth_required"))
      return failWith(kTokenRejected, "the box rejects this token (" + error.code +
                                          "): it was revoked or never granted. Run freebox-register again.");
    return boxFailure("login", url, error);
  }
  say("The box at " + url + " accepts the token (session opened).");
  std::string granted;
  std::string refused;
  for (const auto &[permission, allowed] : session.value().permissions) {
    std::string &list = allowed ? granted : refused;
    list += list.empty() ? permission : ", " + permission;
  }
  say("  granted permissions: " + (granted.empty() ? std::string("none") : granted));
  if (!refused.empty())
    say("  not granted:         " + refused);
  client.logout();
  return kOk;
}

} // namespace

int main(int argc, char **argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto options = parseOptions(args);
    if (!options.ok())
      return fbcqm::cli::usageError(stderr, "freebox-register", options.error());
    if (options.value().help) {
      std::fputs(usage().c_str(), stdout);
      return kOk;
    }
    if (options.value().version) {
      fbcqm::cli::printVersion(stdout, "freebox-register");
      return kOk;
    }
    return options.value().status ? doStatus(options.value()) : doRegister(options.value());
  } catch (const std::exception &e) {
    return failWith(kBoxError, std::string("internal error: ") + e.what());
  }
}
