/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CQM graph-name rule: character filter, 20-character limit, stable collision-free hashing. */
#include <catch2/catch.hpp>

#include <string>
#include <unordered_map>

#include "cqm/graph_name.h"

using namespace fbcqm::cqm;

TEST_CASE("allowed characters are kept, others removed", "[graph-name]") {
  CHECK(makeGraphName("BBEU02778114") == std::string("BBEU02778114"));
  CHECK(makeGraphName("user@isp.net") == std::string("user@isp.net"));
  CHECK(makeGraphName("my box / line 1") == std::string("myboxline1"));
  CHECK(makeGraphName("a_b:c!d#e%f") == std::string("abcdef"));
  CHECK(makeGraphName("caf\xc3\xa9-2") == std::string("caf-2")); /* UTF-8 bytes dropped */
  CHECK(makeGraphName("../../etc/passwd") == std::string("....etcpasswd"));
  CHECK_FALSE(makeGraphName("").has_value());
  CHECK_FALSE(makeGraphName("/ _ !").has_value());
  CHECK_FALSE(makeGraphName("..").has_value());
  CHECK_FALSE(makeGraphName("./.").has_value());
}

TEST_CASE("names up to 20 characters are kept whole", "[graph-name]") {
  const std::string twenty = "abcdefghij0123456789";
  CHECK(makeGraphName(twenty) == twenty);
  CHECK(makeGraphName(twenty + "!!") == twenty); /* length counts after filtering */
  const auto hashed = makeGraphName(twenty + "x");
  REQUIRE(hashed.has_value());
  CHECK(hashed->size() == kMaxGraphNameLength);
  CHECK(hashed->substr(0, kHashedPrefixLength) == twenty.substr(0, kHashedPrefixLength));
  CHECK((*hashed)[kHashedPrefixLength] == '.');
  CHECK(isValidGraphName(*hashed));
}

TEST_CASE("long names hash stably", "[graph-name]") {
  const std::string longName = "freebox-delta-living-room.wan";
  const auto first = makeGraphName(longName);
  REQUIRE(first.has_value());
  CHECK(makeGraphName(longName) == first);
  /* Pinned value: the rule must not change between releases, stores depend on it. */
  CHECK(*first == "freebox-del.BSW6j441");
  CHECK(makeGraphName("freebox-delta-living-room.wam") != first);
}

TEST_CASE("100,000 distinct long names give 100,000 distinct graph names", "[graph-name]") {
  std::unordered_map<std::string, std::string> seen;
  seen.reserve(200000);
  for (int i = 0; i < 100000; ++i) {
    /* Same long prefix for all, so only the hash can tell them apart. */
    const std::string input = "lns-circuit-customer-" + std::to_string(i) + "-vlan" + std::to_string(i % 7);
    const auto name = makeGraphName(input);
    REQUIRE(name.has_value());
    REQUIRE(isValidGraphName(*name));
    const auto [it, inserted] = seen.emplace(*name, input);
    if (!inserted)
      FAIL("collision: " << input << " and " << it->second << " -> " << *name);
  }
  CHECK(seen.size() == 100000);
}

TEST_CASE("validity check matches the rule", "[graph-name]") {
  CHECK(isValidGraphName("a"));
  CHECK(isValidGraphName("a.b-c@d"));
  CHECK_FALSE(isValidGraphName(""));
  CHECK_FALSE(isValidGraphName("."));
  CHECK_FALSE(isValidGraphName(".."));
  CHECK_FALSE(isValidGraphName("a/b"));
  CHECK_FALSE(isValidGraphName("a b"));
  CHECK_FALSE(isValidGraphName(std::string(21, 'a')));
}
