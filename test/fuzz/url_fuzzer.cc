// libFuzzer target for URL building: RequestIdSegment (native/request_path.cc), which puts a
// server-sent request_id into the status/result/cancel paths.
//
// Input: the whole input is a request id. Checks: an id that is empty or only dots is refused
// (""), and every other id gives a segment that is not empty, never contains '/', '?', '#', '\',
// '%' other than as %XX, control bytes, spaces or non-ASCII; is never a dot segment ("." / "..",
// nor their percent-encoded forms, which URL parsers also resolve); and decodes back to the id.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_url_api.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& id, const std::string& encoded) {
  std::fprintf(stderr, "url_fuzzer: %s\n  id: \"%s\" (%zu bytes)\n  encoded: \"%s\"\n", what, id.c_str(), id.size(), encoded.c_str());
  std::abort();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string id(reinterpret_cast<const char*>(data), size);
  const std::string encoded = FalFuzzRequestIdSegment(id);
  const bool onlyDots = id.find_first_not_of('.') == std::string::npos;  // the empty id too
  if (onlyDots) {
    if (!encoded.empty()) Fail("an empty or all-dots id must be refused", id, encoded);
    return 0;
  }
  if (encoded.empty()) Fail("a usable id was refused", id, encoded);

  std::string decoded;
  for (size_t i = 0; i < encoded.size(); i++) {
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (c == '/' || c == '?' || c == '#' || c == '\\') Fail("delimiter in the encoded segment", id, encoded);
    if (c <= 0x20 || c >= 0x7f) Fail("control, space or non-ASCII byte in the encoded segment", id, encoded);
    if (c == '%') {
      int hi = i + 2 < encoded.size() + 0 ? HexValue(encoded[i + 1]) : -1;
      int lo = i + 2 < encoded.size() + 0 ? HexValue(encoded[i + 2]) : -1;
      if (i + 2 >= encoded.size() || hi < 0 || lo < 0) Fail("'%' not followed by two hex digits", id, encoded);
      decoded += static_cast<char>(hi * 16 + lo);
      i += 2;
      continue;
    }
    decoded += static_cast<char>(c);
  }
  if (decoded != id) Fail("the encoded segment does not decode back to the id", id, encoded);
  if (encoded == "." || encoded == "..") Fail("the encoded segment is a dot segment (curl resolves it: the polled path changes)", id, encoded);
  // WHATWG URL also treats %2e as a dot (new URL("http://h/a/%2E%2E/b").pathname is "/b"), and so
  // do servers and proxies that normalize percent-encoding: an all-dots id must not be sent at all.
  const std::string lower = Lower(encoded);
  for (const char* dots : {"%2e", ".%2e", "%2e.", "%2e%2e"}) {
    if (lower == dots) Fail("the encoded segment is a percent-encoded dot segment (WHATWG URL and normalizing servers resolve it)", id, encoded);
  }
  return 0;
}
