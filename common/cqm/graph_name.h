/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CQM graph-name rule (FireBrick): keep only letters, digits, '@', '-' and
 * '.'; at most 20 characters; a longer name becomes a stable prefix plus a
 * short hash, so distinct long names stay distinct and the same input always
 * maps to the same graph.
 *
 * A valid graph name is also safe as a file name: it has no '/', and names
 * made only of dots ("." or "..") are rejected.
 */
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fbcqm::cqm {

constexpr std::size_t kMaxGraphNameLength = 20;
/* A hashed name: the first 11 kept characters, a '.', then 8 hash characters. */
constexpr std::size_t kHashedPrefixLength = 11;
constexpr std::size_t kHashLength = 8;

bool isGraphNameChar(char c);

/* True if name already obeys the rule (what makeGraphName returns). */
bool isValidGraphName(std::string_view name);

/*
 * Applies the rule. Returns nullopt when nothing usable is left (empty input,
 * no allowed character, or only dots).
 */
std::optional<std::string> makeGraphName(std::string_view input);

} // namespace fbcqm::cqm
