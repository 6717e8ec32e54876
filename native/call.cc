#include "call.h"

#include <algorithm>

#include "certificate_errors.h"
#include "io_loop.h"
#include "job.h"
#include "retry.h"

namespace falnative {

void Job::BeginCall(IoLoop& loop, const RequestSpec& spec) {
  call_.reset();  // the previous call (if any) is abandoned before the new one starts
  call_ = std::make_unique<Call>(loop, *this, spec);
  call_->Start();
}

Call::Call(IoLoop& loop, Job& job, const RequestSpec& spec)
    : loop_(loop), job_(job), spec_(spec), serial_(loop.NextCallSerial()) {}

Call::~Call() {
  DropTransfer();
  if (retryTimer_) loop_.Unschedule(retryTimer_);
  if (deadlineTimer_) loop_.Unschedule(deadlineTimer_);
}

void Call::Start() {
  if (spec_.timeoutMs > 0) {
    deadlineTimer_ = loop_.Schedule(spec_.timeoutMs, job_.id(), [this] {
      deadlineTimer_ = 0;
      OnDeadline();
    });
  }
  StartAttempt();
}

void Call::DropTransfer() {
  if (stallTimer_) loop_.Unschedule(stallTimer_);
  stallTimer_ = 0;
  if (!transfer_) return;
  loop_.RemoveTransfer(*transfer_);
  transfer_.reset();
}

void Call::OnDeadline() {
  CallOutcome outcome;
  outcome.attempts = attempts_ + (transfer_ ? 1 : 0);
  DropTransfer();
  if (retryTimer_) loop_.Unschedule(retryTimer_);
  retryTimer_ = 0;
  outcome.url = spec_.url;
  outcome.method = spec_.method;
  outcome.errorCode = "ETIMEDOUT";
  outcome.reason = "timeout";
  outcome.timeoutMs = static_cast<int64_t>(spec_.timeoutMs);
  outcome.errorText = "the call did not finish within " + std::to_string(outcome.timeoutMs) + " ms";
  Complete(std::move(outcome));
}

void Call::CheckStall() {
  stallTimer_ = 0;
  if (!transfer_) return;
  int64_t moved = transfer_->BytesMoved();
  if (!transfer_->MustMakeProgress()) {
    stallMark_ = -1;
  } else if (stallMark_ < 0) {
    stallMark_ = moved;  // a progress phase began during this window: judge the next one whole
  } else {
    int64_t wanted = (std::max)(int64_t{1}, static_cast<int64_t>(kStallMinBytesPerSecond * spec_.stallTimeoutMs / 1000));
    if (moved - stallMark_ < wanted) {
      stalled_ = true;
      OnTransferDone(CURLE_OPERATION_TIMEDOUT);
      return;
    }
    stallMark_ = moved;
  }
  stallTimer_ = loop_.Schedule(spec_.stallTimeoutMs, job_.id(), [this] { CheckStall(); });
}

void Call::StartAttempt() {
  ProgressFn progress;
  if (spec_.progress) {
    IoLoop* loop = &loop_;
    uint64_t id = job_.id();
    progress = [loop, id](int64_t sent, int64_t sendTotal, int64_t received, int64_t receiveTotal) {
      Record record;
      record.id = id;
      record.type = Record::Type::Progress;
      record.sent = sent;
      record.sendTotal = sendTotal;
      record.received = received;
      record.receiveTotal = receiveTotal;
      loop->Emit(std::move(record));
    };
  }
  transfer_ = std::make_unique<Transfer>(this, spec_, loop_.transferSettings(), std::move(progress));
  if (BodySink sink = job_.MakeBodySink()) transfer_->SetBodySink(std::move(sink));
  if (!transfer_->localErrorCode().empty()) {
    // The body file could not be opened: nothing to send, and retrying would not help.
    OnTransferDone(CURLE_READ_ERROR);
    return;
  }
  stalled_ = false;
  stallMark_ = -1;
  std::string failure = loop_.AddTransfer(*transfer_);
  if (!failure.empty()) {
    OnAdmitFailed(failure);
    return;
  }
  if (spec_.stallTimeoutMs > 0) {
    stallTimer_ = loop_.Schedule(spec_.stallTimeoutMs, job_.id(), [this] { CheckStall(); });
  }
}

void Call::OnAdmitFailed(const std::string& failure) {
  // curl refused the handle (out of memory, a bad handle): the call must still report back.
  attempts_++;
  CallOutcome outcome;
  outcome.attempts = attempts_;
  outcome.url = spec_.url;
  outcome.method = spec_.method;
  outcome.errorCode = "ERR_FAL_NATIVE_INTERNAL";
  outcome.reason = "internal";
  outcome.errorText = failure;
  DropTransfer();
  Complete(std::move(outcome));
}

void Call::RetryLater() {
  double delay = BackoffDelayMs(spec_.retry, attempts_ - 1);
  retryTimer_ = loop_.Schedule(delay, job_.id(), [this] {
    retryTimer_ = 0;
    StartAttempt();
  });
}

void Call::OnTransferDone(CURLcode code) {
  if (stallTimer_) loop_.Unschedule(stallTimer_);
  stallTimer_ = 0;
  loop_.RemoveTransfer(*transfer_);
  std::unique_ptr<Transfer> transfer = std::move(transfer_);
  attempts_++;
  const RetryPolicy& policy = spec_.retry;
  bool attemptsLeft = attempts_ <= policy.maxRetries && job_.MayRetry();

  CallOutcome outcome;
  outcome.attempts = attempts_;
  outcome.url = transfer->url();
  outcome.method = transfer->method();
  if (spec_.progress) transfer->ReportFinalProgress();
  if (code == CURLE_OK) {
    outcome.response = transfer->TakeResponse();
    outcome.gotResponse = transfer->localErrorCode().empty();
    if (outcome.gotResponse && attemptsLeft &&
        IsRetryableStatus(policy, outcome.response.status, outcome.response.timeoutType)) {
      RetryLater();
      return;
    }
  } else {
    outcome.response = transfer->Head();  // the status, when a head had arrived
    outcome.response.body.clear();
  }
  if (!transfer->localErrorCode().empty()) {
    // Local file trouble (ENOENT, ENOSPC, a file truncated mid-upload) is not the network's.
    outcome.gotResponse = false;
    outcome.errorCode = transfer->localErrorCode();
    outcome.errorText = transfer->localErrorText();
    outcome.reason = "local";
  } else if (code != CURLE_OK) {
    if (attemptsLeft && IsRetryableTransportError(code)) {
      RetryLater();
      return;
    }
    outcome.curlCode = code;
    outcome.errorText = transfer->ErrorText(code);
    if (stalled_) {
      outcome.reason = "stall";
      outcome.timeoutMs = static_cast<int64_t>(spec_.stallTimeoutMs);
      outcome.errorText = "the transfer stalled: fewer than " + std::to_string(kStallMinBytesPerSecond) +
                          " bytes per second for " + std::to_string(outcome.timeoutMs) + " ms";
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      // No CURLOPT_TIMEOUT is set: curl's only deadline is the connect one.
      outcome.reason = "connect";
      outcome.timeoutMs = static_cast<int64_t>(spec_.connectTimeoutMs);
    }
    if (code == CURLE_PEER_FAILED_VERIFICATION) outcome.errorCode = CertificateErrorCode(transfer->easy());
  }
  Complete(std::move(outcome));
}

void Call::Complete(CallOutcome&& outcome) {
  done_ = true;
  if (deadlineTimer_) loop_.Unschedule(deadlineTimer_);
  deadlineTimer_ = 0;
  loop_.PostOutcome(job_.id(), serial_, std::move(outcome));
}

}  // namespace falnative
