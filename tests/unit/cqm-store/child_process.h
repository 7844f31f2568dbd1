/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test support: run a function in a forked child, and report failures from there without Catch2. */
#pragma once

#include <poll.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace fbcqm::cqm::testing {

/* In a child: print why and leave with status 99 (never returns). */
[[noreturn]] inline void childFail(const char *what, const std::string &detail = {}) {
  std::fprintf(stderr, "child %d: %s %s\n", static_cast<int>(getpid()), what, detail.c_str());
  std::fflush(stderr);
  _exit(99);
}

inline void childCheck(bool ok, const char *what, const std::string &detail = {}) {
  if (!ok)
    childFail(what, detail);
}

/* Forks; the child runs body and _exit()s with its return value (or 98 on an exception). */
inline pid_t forkChild(const std::function<int()> &body) {
  const pid_t pid = fork();
  if (pid == 0) {
    int status = 98;
    try {
      status = body();
    } catch (...) {
    }
    std::fflush(nullptr);
    _exit(status);
  }
  return pid;
}

/* Waits for the child; returns its raw wait status. */
inline int waitChild(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

} // namespace fbcqm::cqm::testing
