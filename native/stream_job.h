// A streaming request: the response body is framed on the I/O thread (SSE events validated as
// JSON, or raw chunks) and handed to JS in batches while it arrives. JS acknowledges what it has
// consumed; past the high-water mark the transfer is paused, so a slow consumer slows the server
// down instead of growing a buffer. An idle timeout ends a stream that stops sending.
#pragma once

#include <chrono>
#include <string>

#include "job.h"
#include "sse_parser.h"

namespace falnative {

class StreamJob : public Job {
 public:
  StreamJob(uint64_t id, StreamSpec spec);

  void Start(IoLoop& loop) override;
  void OnCallDone(IoLoop& loop, CallOutcome&& outcome) override;
  void OnTimer(IoLoop& loop, int tag) override;
  void OnAcknowledged(IoLoop& loop, int64_t bytes) override;
  bool MayRetry() const override { return !headSent_; }
  BodySink MakeBodySink() override;

 private:
  using Clock = std::chrono::steady_clock;
  enum Timer { kIdleTimer = 1 };

  size_t OnBody(IoLoop& loop, const char* data, size_t size);
  void OnEvent(std::string_view data);
  void SendHead(IoLoop& loop, HttpResponse head);
  void FlushEvents(IoLoop& loop);
  void ArmIdleTimer(IoLoop& loop, Clock::duration delay);
  Record Failure(const std::string& code, const std::string& message) const;

  StreamSpec spec_;
  IoLoop* loop_ = nullptr;  // set in Start; the sink runs inside that loop
  SseParser parser_;
  bool headSent_ = false;
  bool eventStream_ = false;  // text/event-stream: frame events; otherwise raw chunks
  bool paused_ = false;
  int64_t unacknowledged_ = 0;
  Clock::time_point lastActivity_;
  std::string batch_;        // "[e1,e2,..." for the events framed from the current read
  int64_t batchCount_ = 0;
  int64_t batchBytes_ = 0;
  std::string scratch_;      // one event's data, padded for simdjson
  bool failed_ = false;      // a final Error record is pending (malformed event, oversized line)
  Record failure_;
};

}  // namespace falnative
