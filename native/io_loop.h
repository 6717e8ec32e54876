// The native I/O thread of one client: it owns one curl multi handle (connection reuse, HTTP/2
// multiplexing), a command queue fed from JS and woken with curl_multi_wakeup, and timers for
// poll intervals and retry backoff. JavaScript never touches anything in here.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "job.h"
#include "records.h"
#include "specs.h"
#include "transfer.h"

namespace falnative {

class IoLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(Record&&)>;

  IoLoop(ClientOptions options, Sink sink);
  ~IoLoop();
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  // Any thread.
  void Add(std::unique_ptr<Job> job);
  void Cancel(uint64_t id);
  void Acknowledge(uint64_t id, int64_t bytes);  // streaming back-pressure credit from JS
  void Stop();  // cancels everything and joins; idempotent

  // I/O thread only, for jobs.
  void BeginCall(Job& job, const RequestSpec& spec);
  void AbortCall(Job& job);
  void SetTimer(Job& job, int tag, double delayMs);
  void ClearTimer(Job& job, int tag);
  void Emit(Record&& record) { sink_(std::move(record)); }
  void Finish(Job& job);          // the job is destroyed once the current callback returns
  void Spawn(std::unique_ptr<Job> job);  // start a follow-up job with no JS counterpart
  uint64_t InternalId() { return kInternalIdBit | ++internalIds_; }

  static constexpr uint64_t kInternalIdBit = uint64_t{1} << 63;

 private:
  struct Command {
    enum class Kind { Add, Cancel, Acknowledge } kind;
    uint64_t id = 0;
    std::unique_ptr<Job> job;
    int64_t bytes = 0;  // Acknowledge
  };
  struct TimerKey {
    uint64_t jobId;
    int tag;
  };
  static constexpr int kRetryTag = -1;

  void Run();
  void DrainCommands();
  void FireTimers();
  void ReadFinishedTransfers();
  void OnTransferDone(Transfer* transfer, CURLcode code);
  void StartAttempt(Job& job);
  void Remove(uint64_t id);
  void ReapFinished();
  int MillisUntilNextTimer() const;

  ClientOptions options_;
  std::shared_ptr<const TrustStore> trust_;  // parsed on the I/O thread before the first transfer
  TransferSettings transferSettings_;
  Sink sink_;
  CURLM* multi_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::once_flag stopOnce_;

  std::mutex commandsMutex_;
  std::vector<Command> commands_;

  std::unordered_map<uint64_t, std::unique_ptr<Job>> jobs_;
  std::multimap<Clock::time_point, TimerKey> timers_;
  std::vector<uint64_t> finished_;
  uint64_t internalIds_ = 0;
};

}  // namespace falnative
