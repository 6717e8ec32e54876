// ASCII case rules for protocol text (header names, content types, URL schemes): HTTP compares
// these without regard to case, and only ASCII letters fold.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace falnative {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string AsciiLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) { return AsciiLower(c); });
  return text;
}

// `text` equals `lower` (already lower-case) ignoring ASCII case.
inline bool EqualsIgnoringAsciiCase(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) { return AsciiLower(a) == b; });
}

}  // namespace falnative
