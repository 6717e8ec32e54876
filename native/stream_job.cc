#include "stream_job.h"

#include <algorithm>

#include "ascii.h"
#include "io_loop.h"
#include "jobs.h"
#include "json.h"

namespace falnative {
namespace {

bool IsEventStream(const std::string& contentType) {
  std::string type = AsciiLower(contentType.substr(0, contentType.find(';')));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return type == "text/event-stream";
}

}  // namespace

StreamJob::StreamJob(uint64_t id, StreamSpec spec)
    : Job(id), spec_(std::move(spec)), parser_([this](std::string_view data) { OnEvent(data); }) {}

void StreamJob::Start(IoLoop& loop) {
  loop_ = &loop;
  lastActivity_ = Clock::now();
  if (spec_.idleTimeoutMs > 0) ArmIdleTimer(loop, std::chrono::milliseconds(spec_.idleTimeoutMs));
  BeginCall(loop, spec_.request);
}

BodySink StreamJob::MakeBodySink() {
  return [this](const char* data, size_t size) { return OnBody(*loop_, data, size); };
}

size_t StreamJob::OnBody(IoLoop& loop, const char* data, size_t size) {
  if (failed_) return 0;
  if (!headSent_) SendHead(loop, call()->transfer()->Head());
  // Checked before reading anything: curl offers the same bytes again after the unpause.
  if (unacknowledged_ >= spec_.highWaterMark) {
    paused_ = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  lastActivity_ = Clock::now();
  if (!eventStream_) {
    Record chunk;
    chunk.id = id();
    chunk.type = Record::Type::StreamChunk;
    chunk.response.bodyIsText = false;
    chunk.response.body.assign(data, size);
    chunk.bytes = static_cast<int64_t>(size);
    unacknowledged_ += chunk.bytes;
    loop.Emit(std::move(chunk));
    return size;
  }
  bool framed = parser_.Feed(data, size);
  FlushEvents(loop);
  if (!framed && !failed_) {
    failed_ = true;
    failure_ = Failure("FAL_STREAM_EVENT_TOO_LARGE", "a stream event is larger than " +
                                                         std::to_string(SseParser::kMaxEventBytes >> 20) + " MiB");
  }
  return failed_ ? 0 : size;  // 0 makes curl stop the transfer
}

void StreamJob::OnEvent(std::string_view data) {
  if (failed_) return;
  scratch_.assign(data.data(), data.size());
  std::string error = ValidateJson(scratch_);
  if (!error.empty()) {
    failed_ = true;
    failure_ = Failure("FAL_STREAM_BAD_EVENT", "a stream event's data is not JSON: " + error);
    failure_.detail.assign(data.data(), data.size());
    return;
  }
  batch_ += batchCount_ == 0 ? '[' : ',';
  batch_.append(data.data(), data.size());
  batchCount_++;
  batchBytes_ += static_cast<int64_t>(data.size());
}

void StreamJob::FlushEvents(IoLoop& loop) {
  if (batchCount_ == 0) return;
  batch_ += ']';
  Record events;
  events.id = id();
  events.type = Record::Type::StreamEvents;
  events.body = std::move(batch_);
  events.count = batchCount_;
  events.bytes = std::max<int64_t>(batchBytes_, 1);
  unacknowledged_ += events.bytes;
  loop.Emit(std::move(events));
  batch_.clear();
  batchCount_ = 0;
  batchBytes_ = 0;
}

void StreamJob::SendHead(IoLoop& loop, HttpResponse head) {
  headSent_ = true;
  eventStream_ = IsEventStream(head.contentType);
  Record record;
  record.id = id();
  record.type = Record::Type::StreamHead;
  record.response = std::move(head);
  loop.Emit(std::move(record));
}

void StreamJob::OnAcknowledged(IoLoop& loop, int64_t bytes) {
  unacknowledged_ = std::max<int64_t>(0, unacknowledged_ - bytes);
  Transfer* transfer = call() ? call()->transfer() : nullptr;
  if (paused_ && unacknowledged_ < spec_.highWaterMark && transfer) {
    paused_ = false;
    lastActivity_ = Clock::now();  // the server was waiting for us, not the other way round
    // May run the sink right away with the bytes curl held back.
    curl_easy_pause(transfer->easy(), CURLPAUSE_CONT);
  }
}

void StreamJob::ArmIdleTimer(IoLoop& loop, Clock::duration delay) {
  double ms = std::chrono::duration<double, std::milli>(delay).count();
  loop.SetTimer(*this, kIdleTimer, (std::max)(ms, 1.0));  // parenthesized: <windows.h> max macro
}

void StreamJob::OnTimer(IoLoop& loop, int tag) {
  if (tag != kIdleTimer) return;
  auto limit = std::chrono::milliseconds(spec_.idleTimeoutMs);
  auto quiet = Clock::now() - lastActivity_;
  if (paused_ || quiet < limit) {
    // Activity moved the deadline (checked lazily, so a busy stream costs no timer churn), or
    // JS is the slow side.
    ArmIdleTimer(loop, paused_ ? limit : limit - quiet);
    return;
  }
  Record failure = Failure("FAL_STREAM_IDLE_TIMEOUT", "no data for " + std::to_string(spec_.idleTimeoutMs) + " ms");
  failure.timeoutMs = spec_.idleTimeoutMs;
  AbortCall();
  loop.Emit(std::move(failure));
  loop.Finish(*this);
}

Record StreamJob::Failure(const std::string& code, const std::string& message) const {
  Record record;
  record.id = id();
  record.type = Record::Type::Error;
  record.code = code;
  record.reason = "stream";
  record.message = message;
  record.method = spec_.request.method;
  record.url = spec_.request.url;
  record.attempts = call() ? call()->attempts() + 1 : 1;
  return record;
}

void StreamJob::OnCallDone(IoLoop& loop, CallOutcome&& outcome) {
  if (failed_) {
    loop.Emit(std::move(failure_));
  } else if (outcome.gotResponse && outcome.response.status >= 200 && outcome.response.status < 300) {
    // A 2xx whose body was empty never reached the sink: its head is still owed. An event
    // without its closing blank line is dropped, as EventSource does.
    if (!headSent_) {
      outcome.response.body.clear();
      SendHead(loop, std::move(outcome.response));
    }
    Record end;
    end.id = id();
    end.type = Record::Type::StreamEnd;
    loop.Emit(std::move(end));
  } else {
    // An HTTP error before the stream (whole body, for ApiError), or a transport failure.
    loop.Emit(FinalRecord(id(), std::move(outcome)));
  }
  loop.Finish(*this);
}

}  // namespace falnative
