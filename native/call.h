// One logical HTTP request on the I/O thread: its transfer (one attempt at a time), attempt count,
// backoff timer, retry decision and deadlines. A Job owns its Call; the Call borrows the job's
// RequestSpec (the spec outlives the call) and reports its end to the loop, which hands it to the
// job from the top of the loop, never from inside the Call.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "specs.h"
#include "transfer.h"

namespace falnative {

class IoLoop;
class Job;

// The end of one logical call after the retry policy was applied.
struct CallOutcome {
  bool gotResponse = false;  // false: the call failed (fields below say how)
  HttpResponse response;
  CURLcode curlCode = CURLE_OK;
  std::string errorCode;  // Node-style code for failures outside curl (ENOENT, ETIMEDOUT, ...)
  std::string reason;     // NativeErrorReason when it failed ("" : derived from curlCode / errorCode)
  std::string errorText;
  std::string url;
  std::string method;
  int attempts = 0;
  int64_t timeoutMs = 0;  // the deadline that expired, if one did
};

// Deadlines (defaults in specs.h): the whole-call `timeoutMs` (a timer from Start() to the
// outcome; on expiry the attempt in flight is dropped and the call fails with ETIMEDOUT, reason
// "timeout"); per attempt, curl's connect timeout (reason "connect") and a stall check run on a
// timer every `stallTimeoutMs` (reason "stall"). Connect and stall failures are retried like any
// other timed-out attempt.
class Call {
 public:
  Call(IoLoop& loop, Job& job, const RequestSpec& spec);
  ~Call();  // abandons the attempt in flight and every timer; reports nothing
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  void Start();
  // IoLoop: curl finished the current attempt.
  void OnTransferDone(CURLcode code);
  // IoLoop: curl refused the transfer when its host's queue let it go.
  void OnAdmitFailed(const std::string& failure);

  Transfer* transfer() const { return transfer_.get(); }
  int attempts() const { return attempts_; }
  uint64_t serial() const { return serial_; }
  const RequestSpec& spec() const { return spec_; }

 private:
  void StartAttempt();
  void RetryLater();
  void DropTransfer();
  void CheckStall();
  void OnDeadline();
  void Complete(CallOutcome&& outcome);

  IoLoop& loop_;
  Job& job_;
  const RequestSpec& spec_;
  uint64_t serial_;
  std::unique_ptr<Transfer> transfer_;
  int attempts_ = 0;
  uint64_t retryTimer_ = 0;
  uint64_t deadlineTimer_ = 0;
  uint64_t stallTimer_ = 0;
  int64_t stallMark_ = -1;  // bytes moved at the last stall check; -1: not in a progress phase
  bool stalled_ = false;
  bool done_ = false;
};

}  // namespace falnative
