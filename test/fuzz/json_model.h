// A small, independent model of what JavaScript accepts: fetch's response.json() as the official
// client uses it, i.e. JSON.parse applied to the body after it became a JS string minus a leading
// BOM (Napi::String::New decodes UTF-8, replacing invalid bytes with U+FFFD). So
// any byte >= 0x20 other than '"' and '\' may appear inside a string, lone surrogate escapes are
// fine, numbers of any size are fine (1e400 is Infinity), and there is no nesting limit.
// Also extracts a top-level string field the way JSON.parse(body)[key] sees it (last one wins).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fuzzmodel {

class JsonModel {
 public:
  explicit JsonModel(std::string_view text) : s_(text) {}

  // True when JSON.parse would accept the text. With `key`, also records the last top-level
  // member named `key` whose value is a string (`found`, `value`), and whether any later member of
  // that name was not a string (then JSON.parse(body)[key] is not a string: `found` is false).
  bool Parse(const char* key = nullptr) {
    key_ = key;
    pos_ = 0;
    // fetch's response.json() (the official client) decodes with a leading BOM stripped; simdjson
    // skips it too. (JSON.parse itself would refuse U+FEFF: JS must strip it before parsing.)
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    SkipSpace();
    if (!Value(0)) return false;
    SkipSpace();
    return pos_ == s_.size();
  }

  bool found = false;
  std::string value;
  int keyCount = 0;  // how many top-level members are named `key`
  size_t maxDepth = 0;

 private:
  bool Eof() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }
  void SkipSpace() {
    while (!Eof() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) pos_++;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Value(size_t depth) {
    if (depth > maxDepth) maxDepth = depth;
    if (Eof()) return false;
    switch (Peek()) {
      case '{': return Object(depth);
      case '[': return Array(depth);
      case '"': return String(nullptr);
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }

  bool Object(size_t depth) {
    pos_++;
    SkipSpace();
    if (!Eof() && Peek() == '}') { pos_++; return true; }
    for (;;) {
      SkipSpace();
      std::string name;
      if (Eof() || Peek() != '"' || !String(&name)) return false;
      SkipSpace();
      if (Eof() || Peek() != ':') return false;
      pos_++;
      SkipSpace();
      bool mine = depth == 0 && key_ && name == key_;
      if (mine) keyCount++;
      if (mine && !Eof() && Peek() == '"') {
        std::string v;
        if (!String(&v)) return false;
        found = true;
        value = std::move(v);
      } else {
        if (mine) found = false;
        if (!Value(depth + 1)) return false;
      }
      SkipSpace();
      if (Eof()) return false;
      if (Peek() == '}') { pos_++; return true; }
      if (Peek() != ',') return false;
      pos_++;
    }
  }

  bool Array(size_t depth) {
    pos_++;
    SkipSpace();
    if (!Eof() && Peek() == ']') { pos_++; return true; }
    for (;;) {
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Eof()) return false;
      if (Peek() == ']') { pos_++; return true; }
      if (Peek() != ',') return false;
      pos_++;
    }
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) { *out += static_cast<char>(cp); return; }
    if (cp < 0x800) { *out += static_cast<char>(0xC0 | (cp >> 6)); }
    else if (cp < 0x10000) { *out += static_cast<char>(0xE0 | (cp >> 12)); *out += static_cast<char>(0x80 | ((cp >> 6) & 63)); }
    else { *out += static_cast<char>(0xF0 | (cp >> 18)); *out += static_cast<char>(0x80 | ((cp >> 12) & 63)); *out += static_cast<char>(0x80 | ((cp >> 6) & 63)); }
    *out += static_cast<char>(0x80 | (cp & 63));
  }

  bool Hex4(uint32_t* cp) {
    if (s_.size() - pos_ < 4) return false;
    *cp = 0;
    for (int i = 0; i < 4; i++) {
      char c = s_[pos_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      *cp = *cp * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  // With `out`, the decoded bytes (only compared when the body is valid UTF-8 and has no lone
  // surrogates, so a plain UTF-8 encoding of each code point is exact).
  bool String(std::string* out) {
    pos_++;
    for (;;) {
      if (Eof()) return false;
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') { if (out) *out += static_cast<char>(c); continue; }
      if (Eof()) return false;
      char e = s_[pos_++];
      const char* simple = "\"\\/bfnrt";
      const char* decoded = "\"\\/\b\f\n\r\t";
      bool done = false;
      for (int i = 0; simple[i]; i++) {
        if (e == simple[i]) { if (out) *out += decoded[i]; done = true; break; }
      }
      if (done) continue;
      if (e != 'u') return false;
      uint32_t cp;
      if (!Hex4(&cp)) return false;
      if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
        size_t save = pos_;
        pos_ += 2;
        uint32_t low;
        if (Hex4(&low) && low >= 0xDC00 && low < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        else pos_ = save;
      }
      if (out) AppendUtf8(out, cp);
    }
  }

  bool Digits() {
    size_t start = pos_;
    while (!Eof() && Peek() >= '0' && Peek() <= '9') pos_++;
    return pos_ > start;
  }

  bool Number() {
    if (!Eof() && Peek() == '-') pos_++;
    if (Eof()) return false;
    if (Peek() == '0') pos_++;
    else if (!Digits()) return false;
    if (!Eof() && Peek() == '.') { pos_++; if (!Digits()) return false; }
    if (!Eof() && (Peek() == 'e' || Peek() == 'E')) {
      pos_++;
      if (!Eof() && (Peek() == '+' || Peek() == '-')) pos_++;
      if (!Digits()) return false;
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  const char* key_ = nullptr;
};

// Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
inline bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; k++) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace fuzzmodel
