#include "jobs.h"

#include "io_loop.h"
#include "json.h"
#include "request_path.h"
#include "retry.h"

namespace falnative {
namespace {

bool IsSuccess(long status) { return status >= 200 && status < 300; }

}  // namespace

Record FinalRecord(uint64_t id, CallOutcome&& outcome) {
  Record record;
  record.id = id;
  record.attempts = outcome.attempts;
  if (!outcome.gotResponse) {
    record.type = Record::Type::Error;
    record.code = outcome.errorCode.empty() ? NodeErrorCode(outcome.curlCode) : outcome.errorCode;
    record.reason = !outcome.reason.empty() ? outcome.reason : "transport";
    if (outcome.curlCode == CURLE_FILESIZE_EXCEEDED || outcome.curlCode == CURLE_WRITE_ERROR) record.reason = "bodyTooLarge";
    record.timeoutMs = outcome.timeoutMs;
    record.curlCode = static_cast<int>(outcome.curlCode);
    record.curlText = outcome.curlCode == CURLE_OK ? "" : outcome.errorText;
    record.method = outcome.method;
    record.url = outcome.url;
    record.status = outcome.response.status;
    record.message = outcome.method + " " + outcome.url + " failed: " + outcome.errorText +
                     (outcome.attempts > 1 ? " (after " + std::to_string(outcome.attempts) + " attempts)" : "");
    return record;
  }
  record.type = Record::Type::Response;
  record.response = std::move(outcome.response);
  return record;
}

void RequestJob::Start(IoLoop& loop) { BeginCall(loop, spec_); }

void RequestJob::OnCallDone(IoLoop& loop, CallOutcome&& outcome) {
  if (!silent_) loop.Emit(FinalRecord(id(), std::move(outcome)));
  loop.Finish(*this);
}

void SubscribeJob::Start(IoLoop& loop) { BeginCall(loop, spec_.submit); }

RequestSpec SubscribeJob::QueueCall(const char* method, const std::string& suffix, const RetryPolicy& retry) const {
  RequestSpec call;
  call.method = method;
  call.url = spec_.requestsPrefix + requestSegment_ + suffix;
  call.headers = spec_.headers;
  call.retry = retry;
  call.proxy = spec_.proxy;
  return call;
}

void SubscribeJob::OnCallDone(IoLoop& loop, CallOutcome&& outcome) {
  // Transport failures and HTTP errors end the subscription with the failing call, as the
  // official client rejects with the error of whichever step failed.
  bool failed = !outcome.gotResponse || !IsSuccess(outcome.response.status);
  HttpResponse& response = outcome.response;
  if (!failed && response.jsonError.empty() && phase_ != Phase::Result && !IsJsonContentType(response.contentType)) {
    response.jsonError = "expected a JSON queue response, got content type '" + response.contentType + "'";
  }
  // A queue answer that is not usable JSON ends the job too; JS reports it as an ApiError
  // carrying the response, the same as on every other call.
  bool unusable = !failed && !response.jsonError.empty();
  if (failed || unusable || phase_ == Phase::Result) {
    loop.Emit(FinalRecord(id(), std::move(outcome)));
    loop.Finish(*this);
    return;
  }
  if (phase_ == Phase::Submit) {
    requestId_ = response.queueRequestId;  // read when transfer.cc validated the body: parsed once
    requestSegment_ = RequestIdSegment(requestId_);
    if (requestSegment_.empty()) {
      // JS: "the submit response has no usable request_id" (missing, or only dots).
      loop.Emit(FinalRecord(id(), std::move(outcome)));
      loop.Finish(*this);
      return;
    }
    OnSubmitted(loop, response);
  } else {
    OnStatus(loop, response);
  }
}

void SubscribeJob::OnSubmitted(IoLoop& loop, HttpResponse& response) {
  Record enqueued;
  enqueued.id = id();
  enqueued.type = Record::Type::Enqueued;
  enqueued.requestId = requestId_;
  enqueued.body = std::move(response.body);
  loop.Emit(std::move(enqueued));

  statusCall_ = QueueCall("GET", spec_.logs ? "/status?logs=1" : "/status?logs=0", spec_.statusRetry);
  resultCall_ = QueueCall("GET", "", spec_.resultRetry);
  phase_ = Phase::Status;
  if (spec_.timeoutMs > 0) loop.SetTimer(*this, kTimeoutTimer, static_cast<double>(spec_.timeoutMs));
  BeginCall(loop, statusCall_);
}

void SubscribeJob::OnStatus(IoLoop& loop, HttpResponse& response) {
  bool completed = response.queueStatus == "COMPLETED";
  if (spec_.statusUpdates) {
    Record update;
    update.id = id();
    update.type = Record::Type::Status;
    update.body = std::move(response.body);
    loop.Emit(std::move(update));
  }
  if (completed) {
    // The official client stops its timeout once it has seen COMPLETED.
    loop.ClearTimer(*this, kTimeoutTimer);
    phase_ = Phase::Result;
    BeginCall(loop, resultCall_);
  } else {
    loop.SetTimer(*this, kPollTimer, static_cast<double>(spec_.pollIntervalMs));
  }
}

void SubscribeJob::OnTimer(IoLoop& loop, int tag) {
  if (tag == kPollTimer) {
    BeginCall(loop, statusCall_);
  } else if (tag == kTimeoutTimer) {
    OnTimeout(loop);
  }
}

void SubscribeJob::OnTimeout(IoLoop& loop) {
  AbortCall();
  loop.ClearTimer(*this, kPollTimer);
  // Best effort, as the official client: the cancel's own outcome is not reported.
  loop.Spawn(std::make_unique<RequestJob>(loop.InternalId(), QueueCall("PUT", "/cancel", spec_.resultRetry), true));
  Record timeout;
  timeout.id = id();
  timeout.type = Record::Type::Timeout;
  timeout.requestId = requestId_;
  loop.Emit(std::move(timeout));
  loop.Finish(*this);
}

}  // namespace falnative
