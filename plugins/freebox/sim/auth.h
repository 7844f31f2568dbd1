/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box's side of Freebox OS authentication (as the Freebox OS API documentation describes it): app
 * registration with its tracking state machine, login challenges, the
 * HMAC-SHA1 session password check and session tokens with expiry.
 * Time is passed in (seconds on any monotonic scale) so tests need no clock;
 * not thread-safe (the Simulator serializes access).
 */
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace fbcqm::freebox::sim {

enum class RegisterMode {
  Auto,          /* granted at once */
  Press,         /* pending until press() (the key on the box), else timeout */
  Deny,          /* denied at once, as if the user answered no */
  Timeout,       /* pending until the registration timeout, whatever happens */
  NewAppsDenied, /* authorize fails: new_apps_denied */
  ExternalIp,    /* authorize fails: denied_from_external_ip */
};

std::optional<RegisterMode> parseRegisterMode(const std::string &text);
const char *registerModeName(RegisterMode mode);

enum class TrackStatus { Unknown, Pending, Timeout, Granted, Denied };
const char *trackStatusName(TrackStatus status);

/* A refusal: HTTP status and Freebox error_code; msg is the box's French text. */
struct AuthError {
  int httpStatus;
  std::string code;
  std::string msg;
};

struct AuthOptions {
  RegisterMode mode = RegisterMode::Press;
  double registerTimeoutSeconds = 30;
  double sessionTtlSeconds = 1800;
  std::size_t maxApps = 256;
  std::size_t maxSessions = 4096;
  std::size_t challengeHistory = 32; /* recent challenges a password may answer */
};

/* The permissions a granted app gets (Freebox OS defaults for a new app). */
std::vector<std::pair<std::string, bool>> defaultPermissions();

class Auth {
public:
  using RandomText = std::function<std::string(std::size_t length)>;

  explicit Auth(AuthOptions options, RandomText random = {});

  void setMode(RegisterMode mode) { options_.mode = mode; }
  RegisterMode mode() const { return options_.mode; }

  /* An app granted beforehand (--app-id/--app-token). */
  void addGrantedApp(const std::string &appId, const std::string &appToken);

  struct Authorization {
    std::string appToken;
    std::uint64_t trackId;
  };
  fbcqm::Result<Authorization, AuthError> authorize(const std::string &appId, double now);
  TrackStatus trackStatus(std::uint64_t trackId, double now);
  /* The key press on the box (or the "no" answer) for the oldest pending request. */
  bool press(double now);
  bool deny(double now);

  /* A fresh challenge for GET login/ (and for error answers). */
  std::string challenge(double now);
  /* The latest challenge without issuing a new one (a new one if none yet). */
  std::string currentChallenge(double now);

  struct Session {
    std::string token;
    std::vector<std::pair<std::string, bool>> permissions;
  };
  fbcqm::Result<Session, AuthError> openSession(const std::string &appId, const std::string &password, double now);

  enum class SessionState { Valid, Missing, Expired, Unknown };
  struct SessionCheck {
    SessionState state;
    std::uint64_t sequence = 0; /* order of opening, for faults that hit older sessions */
    std::string expiredCode;    /* for Expired: auth_required or invalid_session */
  };
  SessionCheck checkSession(const std::string &token, double now);
  /* Drops one session as if it had expired; its next use gets `code`. */
  void expireSession(const std::string &token, const std::string &code);
  void expireAll(const std::string &code);
  void logout(const std::string &token);
  std::uint64_t sessionsOpened() const { return sessionSequence_; }
  std::size_t pendingRegistrations(double now);
  std::size_t activeSessions() const { return sessions_.size(); }

  /* revoke fault: every app token stops working (and comes back when cleared). */
  void setRevoked(bool revoked);
  bool revoked() const { return revoked_; }

private:
  struct App {
    std::string token;
    TrackStatus status = TrackStatus::Pending;
    std::uint64_t trackId = 0;
    double requestedAt = 0;
  };
  struct SessionEntry {
    std::string appId;
    double openedAt = 0;
    std::uint64_t sequence = 0;
  };

  void settle(App &app, double now) const;
  App *appByTrack(std::uint64_t trackId);
  /* The registration the key on the box answers: the oldest still pending. */
  App *oldestPending(double now);
  void rememberExpired(const std::string &key, const std::string &code);

  AuthOptions options_;
  RandomText random_;
  std::map<std::string, App> apps_; /* by app_id */
  std::uint64_t nextTrackId_ = 1;
  std::deque<std::string> challenges_;
  /* Keyed by sessionKey(token) (auth.cpp), never by the token itself. */
  std::map<std::string, SessionEntry> sessions_;
  std::deque<std::string> sessionOrder_;       /* opening order, to evict the oldest */
  std::map<std::string, std::string> expired_; /* session key -> error code of its next use */
  std::deque<std::string> expiredOrder_;
  std::uint64_t sessionSequence_ = 0;
  bool revoked_ = false;
};

/* Random text from OpenSSL's generator: [A-Za-z0-9+/] like the box's tokens. */
std::string secureRandomText(std::size_t length);

} // namespace fbcqm::freebox::sim
