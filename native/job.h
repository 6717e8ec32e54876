// A unit of work on the I/O thread: one logical request (with retries) or a whole subscription.
// Jobs are sequential: at most one HTTP call in flight per job, plus timers.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <string>

#include "records.h"
#include "specs.h"
#include "transfer.h"

namespace falnative {

class IoLoop;

// The end of one logical call after the loop applied the retry policy.
struct CallOutcome {
  bool gotResponse = false;  // false: transport failure
  HttpResponse response;
  CURLcode curlCode = CURLE_OK;
  std::string errorCode;  // set for failures outside curl (e.g. ENOENT opening a body file)
  std::string errorText;
  std::string url;
  std::string method;
  int attempts = 0;
};

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

  // Bookkeeping owned by IoLoop: the call in progress.
  const RequestSpec* callSpec = nullptr;
  int callAttempts = 0;
  Transfer* transfer = nullptr;

 private:
  uint64_t id_;
};

}  // namespace falnative
