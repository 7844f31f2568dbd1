/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "simulator.h"

#include <chrono>
#include <cstdio>

#include "json/json.h"
#include "sim_reply.h"

namespace fbcqm::freebox::sim {

using namespace reply;

double steadySeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

/* Where a request goes, decided before faults and delays. */
struct Simulator::Classified {
  enum class Kind { Control, Discovery, Login, Monitoring, BadVersion, NotFound } kind = Kind::NotFound;
  int major = 0;
  std::string rel; /* path under /api/vN/ without trailing slashes */
  Auth::SessionCheck session{Auth::SessionState::Missing, 0, ""};
};

fbcqm::Result<std::unique_ptr<Simulator>, std::string> Simulator::create(ModelSpec model, SimConfig config,
                                                                         Clock clock) {
  if (config.apiVersion) {
    const int major = apiMajorOf(*config.apiVersion);
    if (major <= 0)
      return fail("invalid API version '" + *config.apiVersion + "' (expected MAJOR.MINOR, e.g. 8.0)");
    model.apiVersion = *config.apiVersion;
    model.apiMajor = major;
  }
  for (const auto &[id, token] : config.grantedApps)
    if (id.empty() || token.empty() || id.size() > kMaxFieldBytes || token.size() > kMaxFieldBytes)
      return fail(std::string("--app-id and --app-token must be non-empty and at most 256 bytes"));
  try {
    return std::unique_ptr<Simulator>(new Simulator(std::move(model), std::move(config), std::move(clock)));
  } catch (const std::exception &e) {
    return fail(std::string(e.what()));
  }
}

Simulator::Simulator(ModelSpec model, SimConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)), box_(std::move(model), config_.box), auth_(config_.auth) {
  for (const auto &[id, token] : config_.grantedApps)
    auth_.addGrantedApp(id, token);
  lastAdvance_ = clock_();
  box_.setHttps(false, static_cast<int>(intMember(box_.model().part("discovery"), "https_port")));
  box_.setAllowTokenRequest(config_.auth.mode != RegisterMode::NewAppsDenied);
}

void Simulator::setHttpsPort(int port) {
  std::lock_guard<std::mutex> lock(mutex_);
  httpsPort_ = port;
  box_.setHttps(true, port);
}

void Simulator::setConnectionCounter(std::function<std::uint64_t()> counter) {
  std::lock_guard<std::mutex> lock(mutex_);
  connections_ = std::move(counter);
}

void Simulator::shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
}

void Simulator::advanceLocked() {
  const double now = clock_();
  box_.advance(now - lastAdvance_);
  lastAdvance_ = now;
}

void Simulator::countRequest(const std::string &path) {
  auto it = requests_.find(path);
  if (it != requests_.end())
    ++it->second;
  else if (requests_.size() < kMaxStatsPaths)
    requests_[path] = 1;
  else
    ++requests_["(other)"];
}

std::string Simulator::uid() const {
  return config_.uid ? *config_.uid : stringMember(box_.model().part("discovery"), "uid");
}

Simulator::Classified Simulator::classify(const http::ServerRequest &request) {
  Classified route;
  const std::string &path = request.path;
  if (path.rfind("/__sim/", 0) == 0) {
    route.kind = Classified::Kind::Control;
    return route;
  }
  if (stripSlashes(path) == "/api_version") {
    route.kind = Classified::Kind::Discovery;
    return route;
  }
  if (path.rfind("/api/", 0) != 0)
    return route;
  const std::size_t slash = path.find('/', 5);
  const std::string version = path.substr(5, slash == std::string::npos ? std::string::npos : slash - 5);
  route.rel = slash == std::string::npos ? "" : stripSlashes(path.substr(slash + 1));
  if (version == "latest") {
    route.major = box_.model().apiMajor;
  } else if (version.size() >= 2 && version[0] == 'v' && allDigits(version.substr(1), 3)) {
    route.major = std::stoi(version.substr(1));
  }
  if (route.major < 1 || route.major > box_.model().apiMajor) {
    route.kind = Classified::Kind::BadVersion;
    return route;
  }
  route.kind = route.rel == "login" || route.rel.rfind("login/", 0) == 0 ? Classified::Kind::Login
                                                                         : Classified::Kind::Monitoring;
  route.session = auth_.checkSession(request.header("X-Fbx-App-Auth"), clock_());
  return route;
}

http::ServerReply Simulator::handle(const http::ServerRequest &request) {
  if (request.path.size() > kMaxPathBytes)
    return invalidRequest("Chemin trop long");
  if (request.body.size() > kMaxBodyBytes)
    return jsonReply(413, R"({"success":false,"error_code":"invalid_request","msg":"Requête trop grande"})");

  std::unique_lock<std::mutex> lock(mutex_);
  advanceLocked();
  const Classified route = classify(request);
  if (route.kind != Classified::Kind::Control)
    countRequest(request.path);
  if (route.kind == Classified::Kind::Control) {
    if (!isLoopback(request.peerAddress))
      return apiError(403, "forbidden", "control API is only for loopback peers");
    return control(request);
  }

  RequestFacts facts;
  facts.path = request.path;
  facts.authenticated = route.kind == Classified::Kind::Monitoring && route.session.state == Auth::SessionState::Valid;
  facts.sessionSequence = route.session.sequence;
  const FaultPlan plan = faults_.plan(facts);
  auth_.setRevoked(faults_.revokeActive());

  if (plan.delayMs > 0) {
    wake_.wait_for(lock, std::chrono::milliseconds(plan.delayMs), [this] { return stopping_; });
  }
  if (plan.terminal == FaultKind::Hang) {
    const std::uint64_t id = plan.hangFault;
    wake_.wait(lock, [this, id] { return stopping_ || !faults_.contains(id); });
  }
  if (stopping_)
    return http::ServerReply{503, "text/plain; charset=utf-8", "freebox-sim is shutting down\n", {}};
  if (plan.delayMs > 0 || plan.terminal == FaultKind::Hang)
    advanceLocked(); /* the answer reflects the time it is sent */

  http::ServerReply reply = answer(request, route, plan);
  if (config_.verbose)
    std::fprintf(stderr, "freebox-sim: %s %s -> %d\n", request.method.c_str(), request.path.c_str(), reply.status);
  return reply;
}

http::ServerReply Simulator::answer(const http::ServerRequest &request, const Classified &route,
                                    const FaultPlan &plan) {
  if (plan.terminal) {
    switch (*plan.terminal) {
    case FaultKind::Http500:
      return http::ServerReply{500, "text/html", "<html><body><h1>500 Internal Server Error</h1></body></html>\n", {}};
    case FaultKind::Malformed:
      return jsonReply(200, "<html>\x01\x02 not json {\"success\":tru");
    case FaultKind::ServiceDown:
      return apiError(200, "service_down", "Ce service n'est pas disponible actuellement");
    case FaultKind::AuthRequired:
      auth_.expireSession(request.header("X-Fbx-App-Auth"), "auth_required");
      return authError(AuthError{403, "auth_required",
                                 "Vous devez vous connecter pour acc\xC3\xA9"
                                 "der \xC3\xA0 cette fonction"});
    default:
      break;
    }
  }

  http::ServerReply reply;
  switch (route.kind) {
  case Classified::Kind::Discovery:
    reply = discovery();
    break;
  case Classified::Kind::Login:
    reply = login(request, route);
    break;
  case Classified::Kind::Monitoring:
    reply = monitoring(request, route, plan.quirks);
    break;
  case Classified::Kind::BadVersion:
    reply = apiError(404, "invalid_api_version", "Version d'API invalide");
    break;
  default:
    reply = apiError(404, "invalid_request", "Requ\xC3\xAAte invalide");
    break;
  }

  if (plan.terminal == FaultKind::NoResult && reply.status == 200 && reply.body.rfind("{\"success\":true", 0) == 0)
    reply.body = "{\"success\":true}";
  if (plan.terminal == FaultKind::Truncated)
    reply.body.resize(reply.body.size() / 2);
  return reply;
}

http::ServerReply Simulator::authError(const AuthError &error) {
  /* Login-family refusals also carry the box uid and a fresh challenge (as real boxes answer). */
  JsonDoc doc(rapidjson::kObjectType);
  auto &a = doc.GetAllocator();
  doc.AddMember("msg", makeString(error.msg, a), a);
  doc.AddMember("success", false, a);
  doc.AddMember("uid", makeString(uid(), a), a);
  doc.AddMember("error_code", makeString(error.code, a), a);
  JsonValue result(rapidjson::kObjectType);
  result.AddMember("challenge", makeString(auth_.challenge(clock_()), a), a);
  doc.AddMember("result", result, a);
  return jsonReply(error.httpStatus, serialize(doc));
}

http::ServerReply Simulator::discovery() {
  const JsonValue &model = box_.model().part("discovery");
  JsonDoc doc;
  doc.CopyFrom(model, doc.GetAllocator());
  auto &a = doc.GetAllocator();
  setMember(doc, "api_version", makeString(box_.model().apiVersion, a), a);
  setMember(doc, "uid", makeString(uid(), a), a);
  if (config_.apiDomain)
    setMember(doc, "api_domain", makeString(*config_.apiDomain, a), a);
  setMember(doc, "https_available", JsonValue(httpsPort_ > 0), a);
  if (httpsPort_ > 0)
    setMember(doc, "https_port", JsonValue(httpsPort_), a);
  return jsonReply(200, serialize(doc));
}

http::ServerReply Simulator::login(const http::ServerRequest &request, const Classified &route) {
  const double now = clock_();
  const std::string &rel = route.rel;
  if (rel == "login" && request.method == "GET") {
    JsonDoc result(rapidjson::kObjectType);
    auto &a = result.GetAllocator();
    result.AddMember("logged_in", route.session.state == Auth::SessionState::Valid, a);
    result.AddMember("challenge", makeString(auth_.challenge(now), a), a);
    return jsonReply(200, okJson(serialize(result)));
  }
  if (rel == "login/authorize" && request.method == "POST") {
    auto doc = json::Document::parse(request.body, kMaxBodyBytes);
    if (!doc.ok() || !doc.value().root().isObject())
      return invalidRequest("Corps de requ\xC3\xAAte invalide (JSON attendu)");
    const json::Value root = doc.value().root();
    auto appId = stringField(root, "app_id");
    if (!appId || appId->empty() || !stringField(root, "app_name") || !stringField(root, "app_version") ||
        !stringField(root, "device_name"))
      return invalidRequest("app_id, app_name, app_version et device_name sont requis (256 octets au plus)");
    ++registrations_;
    auto granted = auth_.authorize(*appId, now);
    if (!granted.ok())
      return authError(granted.error());
    JsonDoc result(rapidjson::kObjectType);
    auto &a = result.GetAllocator();
    result.AddMember("app_token", makeString(granted.value().appToken, a), a);
    result.AddMember("track_id", granted.value().trackId, a);
    return jsonReply(200, okJson(serialize(result)));
  }
  if (rel.rfind("login/authorize/", 0) == 0 && request.method == "GET") {
    const std::string id = rel.substr(std::string("login/authorize/").size());
    if (!allDigits(id, 18))
      return invalidRequest("Identifiant de suivi invalide");
    const TrackStatus status = auth_.trackStatus(std::stoull(id), now);
    JsonDoc result(rapidjson::kObjectType);
    auto &a = result.GetAllocator();
    result.AddMember("status", JsonValue(trackStatusName(status), a), a);
    result.AddMember("challenge", makeString(auth_.currentChallenge(now), a), a);
    return jsonReply(200, okJson(serialize(result)));
  }
  if (rel == "login/session" && request.method == "POST") {
    ++logins_;
    auto doc = json::Document::parse(request.body, kMaxBodyBytes);
    if (!doc.ok() || !doc.value().root().isObject())
      return invalidRequest("Corps de requ\xC3\xAAte invalide (JSON attendu)");
    auto appId = stringField(doc.value().root(), "app_id");
    auto password = stringField(doc.value().root(), "password");
    if (!appId || !password)
      return invalidRequest("app_id et password sont requis");
    const bool refused = faults_.refuseLogin(request.path);
    auth_.setRevoked(faults_.revokeActive() || refused);
    auto session = auth_.openSession(*appId, *password, now);
    auth_.setRevoked(faults_.revokeActive());
    if (!session.ok()) {
      ++loginFailures_;
      return authError(session.error());
    }
    JsonDoc result(rapidjson::kObjectType);
    auto &a = result.GetAllocator();
    result.AddMember("session_token", makeString(session.value().token, a), a);
    result.AddMember("challenge", makeString(auth_.currentChallenge(now), a), a);
    JsonValue permissions(rapidjson::kObjectType);
    for (const auto &[name, granted] : session.value().permissions)
      permissions.AddMember(makeString(name, a), JsonValue(granted), a);
    result.AddMember("permissions", permissions, a);
    return jsonReply(200, okJson(serialize(result)));
  }
  if (rel == "login/logout" && request.method == "POST") {
    auth_.logout(request.header("X-Fbx-App-Auth"));
    return jsonReply(200, R"({"success":true})");
  }
  if (rel == "login/perms" && request.method == "GET") {
    if (route.session.state != Auth::SessionState::Valid)
      return authError(AuthError{403, "auth_required",
                                 "Vous devez vous connecter pour acc\xC3\xA9"
                                 "der \xC3\xA0 cette fonction"});
    JsonDoc result(rapidjson::kObjectType);
    auto &a = result.GetAllocator();
    for (const auto &[name, granted] : defaultPermissions()) {
      JsonValue perm(rapidjson::kObjectType);
      perm.AddMember("granted", granted, a);
      perm.AddMember("desc", makeString(name, a), a);
      result.AddMember(makeString(name, a), perm, a);
    }
    return jsonReply(200, okJson(serialize(result)));
  }
  return apiError(404, "invalid_request", "Requ\xC3\xAAte invalide");
}

http::ServerReply Simulator::monitoring(const http::ServerRequest &request, const Classified &route, bool quirks) {
  switch (route.session.state) {
  case Auth::SessionState::Missing:
    return authError(AuthError{403, "auth_required",
                               "Vous devez vous connecter pour acc\xC3\xA9"
                               "der \xC3\xA0 cette fonction"});
  case Auth::SessionState::Expired:
    return authError(AuthError{403, route.session.expiredCode,
                               route.session.expiredCode == "invalid_session"
                                   ? "Session invalide"
                                   : "Vous devez vous connecter pour acc\xC3\xA9"
                                     "der \xC3\xA0 cette fonction"});
  case Auth::SessionState::Unknown:
    return authError(AuthError{403, "invalid_session", "Session invalide"});
  case Auth::SessionState::Valid:
    break;
  }
  if (request.method != "GET")
    return apiError(405, "invalid_request",
                    "M\xC3\xA9thode non support\xC3\xA9"
                    "e");
  auto answer = box_.get(route.rel, route.major, quirks);
  if (!answer)
    return apiError(404, "invalid_request", "Requ\xC3\xAAte invalide");
  return apiReply(*answer);
}

} // namespace fbcqm::freebox::sim
