// A unit of work on the I/O thread: one logical request (with retries) or a whole subscription.
// Jobs are sequential: at most one Call in flight per job, plus timers. The job owns its Call.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "call.h"
#include "records.h"
#include "specs.h"
#include "transfer.h"

namespace falnative {

class IoLoop;

class Job {
 public:
  explicit Job(uint64_t id) : id_(id) {}
  virtual ~Job() = default;

  uint64_t id() const { return id_; }

  virtual void Start(IoLoop& loop) = 0;
  virtual void OnCallDone(IoLoop& loop, CallOutcome&& outcome) = 0;
  virtual void OnTimer(IoLoop& loop, int tag) {}
  // JS consumed `bytes` of what this job delivered (streaming back-pressure).
  virtual void OnAcknowledged(IoLoop& loop, int64_t bytes) {}
  // A job that has already handed part of a response to JS must not be retried.
  virtual bool MayRetry() const { return true; }
  // Where a successful response body goes while it arrives; null: collected in memory.
  virtual BodySink MakeBodySink() { return nullptr; }

  // Starts a call of `spec` (which must outlive it), replacing any call in progress.
  void BeginCall(IoLoop& loop, const RequestSpec& spec);
  // Abandons the call in progress (its transfer and backoff), reporting nothing.
  void AbortCall() { call_.reset(); }
  Call* call() const { return call_.get(); }
  // IoLoop: the call reported its outcome; the job may start the next one while handling it.
  std::unique_ptr<Call> TakeCall() { return std::move(call_); }

 private:
  uint64_t id_;
  std::unique_ptr<Call> call_;
};

}  // namespace falnative
