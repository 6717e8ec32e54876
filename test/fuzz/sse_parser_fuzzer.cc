// libFuzzer target for native/sse_parser.cc (the real source, linked in by test/fuzz/build.js).
//
// Input: byte 0 gives how many chunk-length bytes follow (0-7); those bytes are the lengths of the
// chunks the stream is cut into (cycled; 0 means an empty Feed call); the rest is the stream.
// Checks:
//   - feeding the stream whole, byte by byte, and in the chosen chunks gives the same events and
//     the same accept/reject answer (framing must not depend on where the network cut it);
//   - the events equal those of a small independent model of the WHATWG event-stream rules
//     (one leading BOM stripped; lines end in CRLF, LF or CR; "data" lines joined by LF; an
//     event is dispatched on an empty line when it has data; a trailing unterminated event is
//     not dispatched).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sse_parser.h"

namespace {

struct Outcome {
  std::vector<std::string> events;
  bool ok = true;
};

Outcome FeedChunks(std::string_view stream, const std::vector<size_t>& lengths) {
  Outcome out;
  falnative::SseParser parser([&](std::string_view data) { out.events.emplace_back(data); });
  size_t pos = 0, i = 0;
  bool progress = false;  // all-zero lengths would never advance: then the rest goes whole
  for (size_t n : lengths) progress = progress || n > 0;
  while (pos < stream.size() && out.ok) {
    if (!lengths.empty() && !progress && i >= lengths.size()) {
      out.ok = parser.Feed(stream.data() + pos, stream.size() - pos);
      break;
    }
    size_t n = lengths.empty() ? stream.size() : lengths[i++ % lengths.size()];
    if (n > stream.size() - pos) n = stream.size() - pos;
    out.ok = parser.Feed(stream.data() + pos, n);
    pos += n;
  }
  return out;
}

std::vector<std::string> Model(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  std::vector<std::string> events;
  std::string data;
  bool hasData = false;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) break;  // unterminated last line: never processed
    std::string_view line = s.substr(pos, end - pos);
    pos = end + 1;
    if (s[end] == '\r' && pos < s.size() && s[pos] == '\n') pos++;
    if (line.empty()) {
      if (hasData) events.push_back(data);
      data.clear();
      hasData = false;
      continue;
    }
    if (line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (hasData) data += '\n';
      data.append(value);
      hasData = true;
    }
  }
  return events;
}

[[noreturn]] void Fail(const char* what, const Outcome& a, const Outcome& b) {
  std::fprintf(stderr, "sse_parser_fuzzer: %s (ok %d vs %d, events %zu vs %zu)\n", what, a.ok, b.ok, a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size() || i < b.events.size(); i++) {
    if (i < a.events.size() && i < b.events.size() && a.events[i] == b.events[i]) continue;
    std::fprintf(stderr, "  first difference at event %zu: \"%s\" vs \"%s\"\n", i,
                 i < a.events.size() ? a.events[i].c_str() : "<none>", i < b.events.size() ? b.events[i].c_str() : "<none>");
    break;
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t count = data[0] % 8;
  if (size < 1 + count) return 0;
  std::vector<size_t> lengths(data + 1, data + 1 + count);
  std::string_view stream(reinterpret_cast<const char*>(data) + 1 + count, size - 1 - count);

  Outcome whole = FeedChunks(stream, {});
  Outcome bytes = FeedChunks(stream, {1});
  if (whole.ok != bytes.ok || whole.events != bytes.events) Fail("whole vs byte-by-byte", whole, bytes);
  if (count > 0) {
    Outcome chunked = FeedChunks(stream, lengths);
    if (whole.ok != chunked.ok || whole.events != chunked.events) Fail("whole vs chunked", whole, chunked);
  }
  // Lines and events stay far below kMaxEventBytes here, so every feed must be accepted.
  if (!whole.ok) Fail("rejected a small stream", whole, whole);
  Outcome model{Model(stream), true};
  if (whole.events != model.events) Fail("parser vs WHATWG model", whole, model);
  return 0;
}
