#include "io_loop.h"

#include <algorithm>

#include "certificate_errors.h"
#include "retry.h"

namespace falnative {
namespace {
// Upper bound on one wait, so a missed wake-up can never stall the loop for long.
constexpr int kMaxWaitMs = 1000;
}  // namespace

IoLoop::IoLoop(ClientOptions options, Sink sink) : options_(std::move(options)), sink_(std::move(sink)) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  thread_ = std::thread([this] { Run(); });
}

IoLoop::~IoLoop() { Stop(); }

void IoLoop::Add(std::unique_ptr<Job> job) {
  if (stopping_) return;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    commands_.push_back(Command{Command::Kind::Add, job->id(), std::move(job), 0});
  }
  curl_multi_wakeup(multi_);
}

void IoLoop::Cancel(uint64_t id) {
  if (stopping_) return;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    commands_.push_back(Command{Command::Kind::Cancel, id, nullptr, 0});
  }
  curl_multi_wakeup(multi_);
}

void IoLoop::Acknowledge(uint64_t id, int64_t bytes) {
  if (stopping_) return;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    commands_.push_back(Command{Command::Kind::Acknowledge, id, nullptr, bytes});
  }
  curl_multi_wakeup(multi_);
}

void IoLoop::Stop() {
  std::call_once(stopOnce_, [this] {
    stopping_ = true;
    curl_multi_wakeup(multi_);
    if (thread_.joinable()) thread_.join();
    curl_multi_cleanup(multi_);
    multi_ = nullptr;
  });
}

void IoLoop::Run() {
  // Parsing a large bundle takes milliseconds: here, not on the JS thread that made the client.
  if (!options_.caPem.empty()) {
    trust_ = TrustStore::ForPem(options_.caPem, options_.caFile);
    transferSettings_.trust = trust_.get();
    options_.caPem.clear();
    options_.caPem.shrink_to_fit();
  }
  while (!stopping_) {
    DrainCommands();
    FireTimers();
    int running = 0;
    curl_multi_perform(multi_, &running);
    ReadFinishedTransfers();
    ReapFinished();
    if (stopping_) break;

    long curlWait = -1;
    curl_multi_timeout(multi_, &curlWait);
    int wait = MillisUntilNextTimer();
    if (curlWait >= 0) wait = std::min<int>(wait, static_cast<int>(curlWait));
    {
      std::lock_guard<std::mutex> lock(commandsMutex_);
      if (!commands_.empty()) wait = 0;
    }
    if (wait > 0) curl_multi_poll(multi_, nullptr, 0, wait, nullptr);
  }
  // Shutting down: drop every job and transfer without reporting (the environment is going away
  // or the client was closed).
  for (auto& entry : jobs_) {
    if (Transfer* transfer = entry.second->transfer) {
      curl_multi_remove_handle(multi_, transfer->easy());
      delete transfer;
    }
  }
  jobs_.clear();
  timers_.clear();
  std::lock_guard<std::mutex> lock(commandsMutex_);
  commands_.clear();
}

void IoLoop::DrainCommands() {
  std::vector<Command> commands;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    commands.swap(commands_);
  }
  for (auto& command : commands) {
    if (command.kind == Command::Kind::Cancel) {
      Remove(command.id);
    } else if (command.kind == Command::Kind::Acknowledge) {
      auto found = jobs_.find(command.id);
      if (found != jobs_.end()) found->second->OnAcknowledged(*this, command.bytes);
    } else {
      Job& job = *command.job;
      jobs_[command.id] = std::move(command.job);
      job.Start(*this);
    }
  }
}

void IoLoop::Spawn(std::unique_ptr<Job> job) {
  Job& started = *job;
  jobs_[job->id()] = std::move(job);
  started.Start(*this);
}

void IoLoop::BeginCall(Job& job, const RequestSpec& spec) {
  job.callSpec = &spec;
  job.callAttempts = 0;
  StartAttempt(job);
}

void IoLoop::StartAttempt(Job& job) {
  ProgressFn progress;
  if (job.callSpec->progress) {
    uint64_t id = job.id();
    progress = [this, id](int64_t sent, int64_t sendTotal, int64_t received, int64_t receiveTotal) {
      Record record;
      record.id = id;
      record.type = Record::Type::Progress;
      record.sent = sent;
      record.sendTotal = sendTotal;
      record.received = received;
      record.receiveTotal = receiveTotal;
      Emit(std::move(record));
    };
  }
  auto* transfer = new Transfer(job.id(), *job.callSpec, transferSettings_, std::move(progress));
  job.transfer = transfer;
  if (BodySink sink = job.MakeBodySink()) transfer->SetBodySink(std::move(sink));
  if (!transfer->localErrorCode().empty()) {
    // The body file could not be opened: nothing to send, and retrying would not help.
    OnTransferDone(transfer, CURLE_READ_ERROR);
    return;
  }
  curl_multi_add_handle(multi_, transfer->easy());
}

void IoLoop::AbortCall(Job& job) {
  if (job.transfer) {
    curl_multi_remove_handle(multi_, job.transfer->easy());
    delete job.transfer;
    job.transfer = nullptr;
  }
  ClearTimer(job, kRetryTag);
}

void IoLoop::SetTimer(Job& job, int tag, double delayMs) {
  auto when = Clock::now() + std::chrono::microseconds(static_cast<int64_t>(delayMs * 1000));
  timers_.emplace(when, TimerKey{job.id(), tag});
}

void IoLoop::ClearTimer(Job& job, int tag) {
  for (auto it = timers_.begin(); it != timers_.end();) {
    it = (it->second.jobId == job.id() && it->second.tag == tag) ? timers_.erase(it) : std::next(it);
  }
}

void IoLoop::Finish(Job& job) { finished_.push_back(job.id()); }

void IoLoop::ReapFinished() {
  std::vector<uint64_t> finished;
  finished.swap(finished_);
  for (uint64_t id : finished) Remove(id);
}

void IoLoop::Remove(uint64_t id) {
  auto found = jobs_.find(id);
  if (found == jobs_.end()) return;
  AbortCall(*found->second);
  for (auto it = timers_.begin(); it != timers_.end();) {
    it = it->second.jobId == id ? timers_.erase(it) : std::next(it);
  }
  jobs_.erase(found);
}

int IoLoop::MillisUntilNextTimer() const {
  if (timers_.empty()) return kMaxWaitMs;
  auto until = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.begin()->first - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(until + 1, 0, kMaxWaitMs));
}

void IoLoop::FireTimers() {
  auto now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    TimerKey key = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto found = jobs_.find(key.jobId);
    if (found == jobs_.end()) continue;
    if (key.tag == kRetryTag) {
      StartAttempt(*found->second);
    } else {
      found->second->OnTimer(*this, key.tag);
    }
  }
}

void IoLoop::ReadFinishedTransfers() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    Transfer* transfer = Transfer::FromEasy(message->easy_handle);
    CURLcode code = message->data.result;
    curl_multi_remove_handle(multi_, transfer->easy());
    OnTransferDone(transfer, code);
  }
}

void IoLoop::OnTransferDone(Transfer* transfer, CURLcode code) {
  std::unique_ptr<Transfer> owned(transfer);
  auto found = jobs_.find(transfer->jobId());
  if (found == jobs_.end()) return;
  Job& job = *found->second;
  job.transfer = nullptr;
  job.callAttempts++;
  const RetryPolicy& policy = job.callSpec->retry;
  bool attemptsLeft = job.callAttempts <= policy.maxRetries && job.MayRetry();

  CallOutcome outcome;
  outcome.attempts = job.callAttempts;
  outcome.url = transfer->url();
  outcome.method = transfer->method();
  if (job.callSpec->progress) transfer->ReportFinalProgress();
  if (code == CURLE_OK) {
    outcome.response = transfer->TakeResponse();
    outcome.gotResponse = transfer->localErrorCode().empty();
    if (attemptsLeft && IsRetryableStatus(policy, outcome.response.status, outcome.response.timeoutType)) {
      SetTimer(job, kRetryTag, BackoffDelayMs(policy, job.callAttempts - 1));
      return;
    }
  }
  if (!transfer->localErrorCode().empty()) {
    // Local file trouble (ENOENT, ENOSPC, a file truncated mid-upload) is not the network's.
    outcome.gotResponse = false;
    outcome.errorCode = transfer->localErrorCode();
    outcome.errorText = transfer->localErrorText();
  } else if (code != CURLE_OK) {
    if (attemptsLeft && IsRetryableTransportError(code)) {
      SetTimer(job, kRetryTag, BackoffDelayMs(policy, job.callAttempts - 1));
      return;
    }
    outcome.curlCode = code;
    outcome.errorText = transfer->ErrorText(code);
    if (code == CURLE_PEER_FAILED_VERIFICATION) outcome.errorCode = CertificateErrorCode(transfer->easy());
  }
  job.OnCallDone(*this, std::move(outcome));
}

}  // namespace falnative
