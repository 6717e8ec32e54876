// The two kinds of job the JS side can start.
#pragma once

#include <string>

#include "job.h"

namespace falnative {

// One HTTP request with its retry policy (run, submit, status, result, cancel, ...).
class RequestJob : public Job {
 public:
  // A silent job reports nothing (fire-and-forget, e.g. the cancel sent after a timeout).
  RequestJob(uint64_t id, RequestSpec spec, bool silent = false)
      : Job(id), spec_(std::move(spec)), silent_(silent) {}

  void Start(IoLoop& loop) override;
  void OnCallDone(IoLoop& loop, CallOutcome&& outcome) override;

 private:
  RequestSpec spec_;
  bool silent_;
};

// A whole queue subscription: submit, poll status on timers until COMPLETED, fetch the result.
class SubscribeJob : public Job {
 public:
  SubscribeJob(uint64_t id, SubscribeSpec spec) : Job(id), spec_(std::move(spec)) {}

  void Start(IoLoop& loop) override;
  void OnCallDone(IoLoop& loop, CallOutcome&& outcome) override;
  void OnTimer(IoLoop& loop, int tag) override;

 private:
  enum class Phase { Submit, Status, Result };
  enum Timer { kPollTimer = 1, kTimeoutTimer = 2 };

  void OnSubmitted(IoLoop& loop, HttpResponse& response);
  void OnStatus(IoLoop& loop, HttpResponse& response);
  void OnTimeout(IoLoop& loop);
  RequestSpec QueueCall(const char* method, const std::string& suffix, const RetryPolicy& retry) const;

  SubscribeSpec spec_;
  Phase phase_ = Phase::Submit;
  std::string requestId_;
  std::string requestSegment_;  // requestId_ as a path segment (request_path.h)
  RequestSpec statusCall_;
  RequestSpec resultCall_;
};

// Reports a finished call as the job's final record (Response or Error).
Record FinalRecord(uint64_t id, CallOutcome&& outcome);

}  // namespace falnative
