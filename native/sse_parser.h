// Incremental server-sent-events framing (the WHATWG event-stream format) over raw bytes, so a
// multi-byte UTF-8 character or a line split across network reads is reassembled before anyone
// decodes it. Field values are passed on as bytes; the caller decides how to decode them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace falnative {

class SseParser {
 public:
  // Called once per dispatched event with its data (the data: lines joined by "\n").
  using EventFn = std::function<void(std::string_view data)>;

  explicit SseParser(EventFn onEvent) : onEvent_(std::move(onEvent)) {}

  // Feeds the next bytes of the stream. Returns false when a single line or event grows past
  // `maxEventBytes` (a misbehaving server); the stream should then be dropped.
  bool Feed(const char* data, size_t size);

  static constexpr size_t kMaxEventBytes = size_t{256} << 20;

 private:
  bool ProcessLine(std::string_view line);
  void Dispatch();

  EventFn onEvent_;
  std::string partialLine_;    // bytes of a line whose terminator has not arrived yet
  std::string data_;           // data: lines of the event being assembled
  bool hasData_ = false;
  bool skipLeadingLf_ = false;  // the previous chunk ended in CR; a following LF belongs to it
  bool atStart_ = true;         // a UTF-8 byte order mark is only allowed at the very start
};

}  // namespace falnative
