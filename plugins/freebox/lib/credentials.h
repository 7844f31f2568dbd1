/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The credentials file written by freebox-register and read by the plugin:
 * one JSON object per box, mode 0600.
 *
 *   { "app_id": "...", "app_token": "...", "box_uid": "...", "api_domain": "...",
 *     "https_port": 3615, "box_model": "...", "box_model_name": "...",
 *     "api_version": "16.0", "base_url": "http://mafreebox.freebox.fr" }
 *
 * Only app_id and app_token are required to read it; the rest describes the
 * box it was issued by (freebox-register --status shows it).
 */
#pragma once

#include <string>

#include "util/result.h"

namespace fbcqm::freebox {

struct Credentials {
  std::string appId;
  std::string appToken; /* secret */
  std::string boxUid;
  std::string apiDomain;
  int httpsPort = 0;
  std::string boxModel;
  std::string boxModelName;
  std::string apiVersion;
  std::string baseUrl;
};

struct LoadedCredentials {
  Credentials credentials;
  /* Group or others may read the file: the caller should warn. */
  bool readableByOthers = false;
};

/* app_id as the box accepts it: 1-128 of [A-Za-z0-9._-]. */
bool validAppId(std::string_view appId);
/* app_token: 1-512 printable ASCII characters without spaces. */
bool validAppToken(std::string_view appToken);

/* Reads and checks a credentials file (regular file, at most 64 KiB). */
fbcqm::Result<LoadedCredentials, std::string> loadCredentials(const std::string &path);

/*
 * Writes the file atomically: missing directories are created (mode 0700),
 * the content goes to a temporary file (mode 0600) in the same directory,
 * is flushed, then renamed over the target. On error nothing is left behind
 * and an existing file is untouched.
 */
fbcqm::Result<bool, std::string> saveCredentials(const std::string &path, const Credentials &credentials);

/* Creates missing directories for `path` and checks a file can be created there. */
fbcqm::Result<bool, std::string> checkWritable(const std::string &path);

/* "abcd…(64 characters)": enough to recognise a token, useless to steal it. */
std::string maskToken(std::string_view token);

} // namespace fbcqm::freebox
