/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "auth.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "crypto/digest.h"

namespace fbcqm::freebox::sim {

namespace {

AuthError invalidToken() { return AuthError{403, "invalid_token", "Erreur d'authentification de l'application"}; }

/* Sessions are filed under the SHA-1 of their token, never the token itself: the time a
 * map lookup takes then says nothing about the secret (the digest of a guess is not a
 * prefix of the real one), and the simulator holds no usable token in memory. */
std::string sessionKey(const std::string &token) { return crypto::sha1Hex(token); }

} // namespace

std::optional<RegisterMode> parseRegisterMode(const std::string &text) {
  if (text == "auto")
    return RegisterMode::Auto;
  if (text == "press")
    return RegisterMode::Press;
  if (text == "deny")
    return RegisterMode::Deny;
  if (text == "timeout")
    return RegisterMode::Timeout;
  if (text == "new-apps-denied")
    return RegisterMode::NewAppsDenied;
  if (text == "external-ip")
    return RegisterMode::ExternalIp;
  return std::nullopt;
}

const char *registerModeName(RegisterMode mode) {
  switch (mode) {
  case RegisterMode::Auto:
    return "auto";
  case RegisterMode::Press:
    return "press";
  case RegisterMode::Deny:
    return "deny";
  case RegisterMode::Timeout:
    return "timeout";
  case RegisterMode::NewAppsDenied:
    return "new-apps-denied";
  case RegisterMode::ExternalIp:
    return "external-ip";
  }
  return "?";
}

const char *trackStatusName(TrackStatus status) {
  switch (status) {
  case TrackStatus::Unknown:
    return "unknown";
  case TrackStatus::Pending:
    return "pending";
  case TrackStatus::Timeout:
    return "timeout";
  case TrackStatus::Granted:
    return "granted";
  case TrackStatus::Denied:
    return "denied";
  }
  return "unknown";
}

std::vector<std::pair<std::string, bool>> defaultPermissions() {
  /* Reading connection/system/switch/lan/wifi/storage needs none of these (Freebox OS API documentation, permissions).
   */
  return {{"settings", false}, {"contacts", false}, {"calls", false},   {"explorer", true}, {"downloader", true},
          {"parental", false}, {"pvr", true},       {"profile", false}, {"tv", true},       {"player", false},
          {"home", false},     {"camera", false},   {"vm", false},      {"wdo", false}};
}

std::string secureRandomText(std::size_t length) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(length, '\0');
  if (length > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), static_cast<int>(length)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  for (char &c : bytes)
    c = alphabet[static_cast<unsigned char>(c) % 64];
  return bytes;
}

Auth::Auth(AuthOptions options, RandomText random) : options_(options), random_(std::move(random)) {
  if (!random_)
    random_ = secureRandomText;
}

void Auth::addGrantedApp(const std::string &appId, const std::string &appToken) {
  App app;
  app.token = appToken;
  app.status = TrackStatus::Granted;
  app.trackId = nextTrackId_++;
  apps_[appId] = app;
}

fbcqm::Result<Auth::Authorization, AuthError> Auth::authorize(const std::string &appId, double now) {
  if (options_.mode == RegisterMode::NewAppsDenied)
    return fail(AuthError{403, "new_apps_denied",
                          "Les nouvelles demandes d'autorisation sont d\xC3\xA9sactiv\xC3\xA9"
                          "es"});
  if (options_.mode == RegisterMode::ExternalIp)
    return fail(
        AuthError{403, "denied_from_external_ip", "Vous ne pouvez pas obtenir d'autorisation depuis une IP externe"});
  if (apps_.size() >= options_.maxApps && apps_.find(appId) == apps_.end())
    return fail(AuthError{403, "ratelimited", "Trop de demandes d'autorisation"});
  App app;
  app.token = random_(64);
  app.trackId = nextTrackId_++;
  app.requestedAt = now;
  app.status = options_.mode == RegisterMode::Auto   ? TrackStatus::Granted
               : options_.mode == RegisterMode::Deny ? TrackStatus::Denied
                                                     : TrackStatus::Pending;
  apps_[appId] = app; /* asking again replaces the earlier token */
  return Authorization{app.token, app.trackId};
}

void Auth::settle(App &app, double now) const {
  if (app.status == TrackStatus::Pending && now - app.requestedAt >= options_.registerTimeoutSeconds)
    app.status = TrackStatus::Timeout;
}

Auth::App *Auth::appByTrack(std::uint64_t trackId) {
  for (auto &[id, app] : apps_)
    if (app.trackId == trackId)
      return &app;
  return nullptr;
}

TrackStatus Auth::trackStatus(std::uint64_t trackId, double now) {
  App *app = appByTrack(trackId);
  if (!app)
    return TrackStatus::Unknown;
  settle(*app, now);
  if (revoked_ && app->status == TrackStatus::Granted)
    return TrackStatus::Unknown;
  return app->status;
}

Auth::App *Auth::oldestPending(double now) {
  App *oldest = nullptr;
  for (auto &[id, app] : apps_) {
    settle(app, now);
    if (app.status == TrackStatus::Pending && (!oldest || app.trackId < oldest->trackId))
      oldest = &app;
  }
  return oldest;
}

bool Auth::press(double now) {
  if (options_.mode == RegisterMode::Timeout)
    return false; /* nobody at the box */
  App *oldest = oldestPending(now);
  if (!oldest)
    return false;
  oldest->status = TrackStatus::Granted;
  return true;
}

bool Auth::deny(double now) {
  App *oldest = oldestPending(now);
  if (!oldest)
    return false;
  oldest->status = TrackStatus::Denied;
  return true;
}

std::size_t Auth::pendingRegistrations(double now) {
  std::size_t pending = 0;
  for (auto &[id, app] : apps_) {
    settle(app, now);
    pending += app.status == TrackStatus::Pending;
  }
  return pending;
}

std::string Auth::challenge(double) {
  challenges_.push_back(random_(32));
  while (challenges_.size() > options_.challengeHistory)
    challenges_.pop_front();
  return challenges_.back();
}

std::string Auth::currentChallenge(double now) { return challenges_.empty() ? challenge(now) : challenges_.back(); }

fbcqm::Result<Auth::Session, AuthError> Auth::openSession(const std::string &appId, const std::string &password,
                                                          double now) {
  auto it = apps_.find(appId);
  if (it == apps_.end() || revoked_)
    return fail(invalidToken());
  App &app = it->second;
  settle(app, now);
  if (app.status == TrackStatus::Pending)
    return fail(AuthError{403, "pending_token",
                          "L'application n'a pas encore \xC3\xA9t\xC3\xA9 valid\xC3\xA9"
                          "e par l'utilisateur"});
  if (app.status != TrackStatus::Granted)
    return fail(invalidToken());
  bool matched = false;
  /* Check every recent challenge in full: the time taken does not tell which one matched. */
  for (const auto &c : challenges_)
    matched |= crypto::constantTimeEqualsIgnoreCase(crypto::hmacSha1Hex(app.token, c), password);
  if (!matched)
    return fail(invalidToken());

  Session session{random_(64), defaultPermissions()};
  const std::string key = sessionKey(session.token);
  sessions_[key] = SessionEntry{appId, now, ++sessionSequence_};
  sessionOrder_.push_back(key);
  while (sessions_.size() > options_.maxSessions && !sessionOrder_.empty()) {
    sessions_.erase(sessionOrder_.front());
    sessionOrder_.pop_front();
  }
  /* Keep the order list bounded too (entries of sessions already gone). */
  while (sessionOrder_.size() > 2 * options_.maxSessions) {
    sessionOrder_.pop_front();
  }
  return session;
}

void Auth::rememberExpired(const std::string &key, const std::string &code) {
  if (expired_.emplace(key, code).second)
    expiredOrder_.push_back(key);
  else
    expired_[key] = code;
  while (expiredOrder_.size() > options_.maxSessions) {
    expired_.erase(expiredOrder_.front());
    expiredOrder_.pop_front();
  }
}

Auth::SessionCheck Auth::checkSession(const std::string &token, double now) {
  if (token.empty())
    return {SessionState::Missing, 0, ""};
  const std::string key = sessionKey(token);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    if (now - it->second.openedAt < options_.sessionTtlSeconds)
      return {SessionState::Valid, it->second.sequence, ""};
    sessions_.erase(it);
    rememberExpired(key, "auth_required");
  }
  auto gone = expired_.find(key);
  if (gone != expired_.end())
    return {SessionState::Expired, 0, gone->second};
  return {SessionState::Unknown, 0, ""};
}

void Auth::expireSession(const std::string &token, const std::string &code) {
  const std::string key = sessionKey(token);
  if (sessions_.erase(key))
    rememberExpired(key, code);
}

void Auth::expireAll(const std::string &code) {
  for (const auto &[key, entry] : sessions_)
    rememberExpired(key, code);
  sessions_.clear();
  sessionOrder_.clear();
}

void Auth::logout(const std::string &token) { sessions_.erase(sessionKey(token)); }

void Auth::setRevoked(bool revoked) {
  if (revoked && !revoked_)
    expireAll("auth_required"); /* revoking an app in Freebox OS also ends its sessions */
  revoked_ = revoked;
}

} // namespace fbcqm::freebox::sim
