/* SPDX-License-Identifier: GPL-2.0-or-later */
/* write_cqm's graph index: finds, creates, erases (tombstones) and rehashes without losing an entry. */
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "name_index.h"

using namespace fbcqm::write_cqm;

namespace {
struct Item {
  std::string name;
  int value = 0;
};
} // namespace

TEST_CASE("name index agrees with std::map through inserts, erases and rehashes", "[write_cqm][index]") {
  NameIndex<Item> index;
  std::map<std::string, int> reference;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3000; ++i) {
      const std::string name = "g" + std::to_string((i * 7919 + round * 13) % 5000);
      Item &item = index.findOrCreate(name, nameHash(name));
      CHECK(item.name == name);
      item.value += 1;
      reference[name] += 1;
    }
    /* Erase every third entry. */
    index.forEach([&](Item &item) {
      const bool keep = std::hash<std::string>{}(item.name) % 3 != 0;
      if (!keep)
        reference.erase(item.name);
      return keep;
    });
    REQUIRE(index.size() == reference.size());
    for (const auto &[name, value] : reference) {
      const Item *found = index.find(name, nameHash(name));
      REQUIRE(found != nullptr);
      CHECK(found->value == value);
    }
    CHECK(index.find("absent", nameHash("absent")) == nullptr);
  }
}

TEST_CASE("equal hashes with different names stay apart", "[write_cqm][index]") {
  NameIndex<Item> index;
  index.findOrCreate("a", 42).value = 1;
  index.findOrCreate("b", 42).value = 2;
  CHECK(index.find("a", 42)->value == 1);
  CHECK(index.find("b", 42)->value == 2);
  CHECK(index.find("c", 42) == nullptr);
  CHECK(index.size() == 2);
}
