/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers for tests: read a fixture file, a scratch directory. */
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fbcqm::test {

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string pkiFile(const std::string &name) { return std::string(TEST_PKI_DIR) + "/" + name; }

} // namespace fbcqm::test
