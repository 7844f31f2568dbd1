/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GET /api_version: the unauthenticated discovery answer (a bare object, no
 * success/result envelope) telling where the API lives and which major to
 * use. Also the root-URL handling shared by the plugin and freebox-register.
 */
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace fbcqm::freebox {

constexpr const char *kDefaultBoxUrl = "http://mafreebox.freebox.fr";

struct Discovery {
  std::string apiVersion; /* "16.0" */
  int major = 0;          /* 16 */
  std::string apiBaseUrl; /* "/api/" */
  std::string uid;        /* 32 hex chars; may be absent when called from outside */
  std::string apiDomain;  /* "xxxx.fbxos.fr" */
  int httpsPort = 0;      /* 0 when unknown */
  bool httpsAvailable = false;
  std::string boxModel;     /* "fbxgw9-r1" */
  std::string boxModelName; /* "Freebox v9 (r1)" */
  std::string deviceName;   /* "Freebox Server" */
};

fbcqm::Result<Discovery, std::string> parseDiscovery(std::string_view body);

/*
 * Checks and normalises a box root URL: http:// or https://, no query,
 * fragment, credentials or whitespace, at most 512 characters; trailing
 * slashes removed. The error says what is wrong.
 */
fbcqm::Result<std::string, std::string> normaliseRootUrl(std::string_view url);

/* "<root>/api/v16/": where endpoint paths are appended. */
std::string apiBase(const std::string &rootUrl, const Discovery &discovery);

} // namespace fbcqm::freebox
