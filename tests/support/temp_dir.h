/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test support: a fresh directory under $TMPDIR (or /tmp), removed afterwards. */
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace fbcqm::test {

class TempDir {
public:
  explicit TempDir(const std::string &prefix = "fbcqm-test") {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }

private:
  std::string path_;
};

} // namespace fbcqm::test
