/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The character rules shared by names, ids and tokens: box names, app ids,
 * metric instances, the API base path, app and session tokens, and decimal
 * numbers sent as text. One place, so every check agrees on what is safe.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fbcqm::freebox {

/* An ASCII letter or digit, or one of the characters in `extra`. */
bool isNameChar(char c, std::string_view extra);
/* 1 to maxLength characters, each isNameChar(c, extra). */
bool isName(std::string_view text, std::size_t maxLength, std::string_view extra);
/* A token as boxes issue them (app and session tokens): 1 to maxLength
 * visible ASCII characters - no space, no control, nothing above 0x7e. */
bool isToken(std::string_view text, std::size_t maxLength);
/* 1 to maxDigits decimal digits and nothing else (no sign, no space). */
std::optional<std::uint64_t> parseDigits(std::string_view text, std::size_t maxDigits);

} // namespace fbcqm::freebox
