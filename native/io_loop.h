// The native I/O thread of one client: it owns one curl multi handle (connection reuse, HTTP/2
// multiplexing), a command queue fed from JS and woken with curl_multi_wakeup, and timers (poll
// intervals, retry backoff, deadlines). Jobs and their Calls do the rest; JavaScript never touches
// anything in here.
//
// Lifetime: the thread co-owns the loop. Stop() only signals and returns at once; the thread then
// drops every job and frees curl on its own, so no JS-thread call (close, environment teardown, GC)
// ever waits on the network. After Stop() no record reaches the sink.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "easy_handle_pool.h"
#include "job.h"
#include "records.h"
#include "specs.h"
#include "transfer.h"

namespace falnative {

class IoLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Receives the records of one flush, in order (IoLoop::FlushRecords).
  using Sink = std::function<void(std::vector<Record>&&)>;

  // Starts the I/O thread, which holds a reference to the loop until it has cleaned up.
  static std::shared_ptr<IoLoop> Start(ClientOptions options, Sink sink);
  ~IoLoop();
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  // Any thread.
  void Add(std::unique_ptr<Job> job);
  void Cancel(uint64_t id);
  void Acknowledge(uint64_t id, int64_t bytes);  // streaming back-pressure credit from JS
  // Cancels everything without reporting; returns at once (never waits for the network). Idempotent.
  void Stop();

  // I/O thread only. Records wait in an outbox and reach the sink in batches (FlushRecords).
  void Emit(Record&& record);
  void Finish(Job& job);          // the job is destroyed once the current callback returns
  void Spawn(std::unique_ptr<Job> job);  // start a follow-up job with no JS counterpart
  uint64_t InternalId() { return kInternalIdBit | ++internalIds_; }
  // Job timers: `job.OnTimer(tag)` after `delayMs` (saturating), unless cleared or the job ends.
  void SetTimer(Job& job, int tag, double delayMs);
  void ClearTimer(Job& job, int tag);
  // Generic timers (Calls): `fire` after `delayMs`; dropped with the job `ownerJobId`. Returns an id.
  uint64_t Schedule(double delayMs, uint64_t ownerJobId, std::function<void()> fire);
  void Unschedule(uint64_t timerId);
  // Calls: their transfers on the multi handle, and their outcomes, handed to the job later.
  // A gated transfer (Transfer::hostKey) may wait in its host's queue first (specs.h,
  // kDefaultMaxConnectionsPerHost); if curl then refuses it, its Call hears OnAdmitFailed.
  std::string AddTransfer(Transfer& transfer);  // "" or why curl refused it
  void RemoveTransfer(Transfer& transfer);  // from the multi handle or from its queue
  void PostOutcome(uint64_t jobId, uint64_t callSerial, CallOutcome&& outcome);
  uint64_t NextCallSerial() { return ++callSerials_; }
  const TransferSettings& transferSettings() const { return transferSettings_; }

  static constexpr uint64_t kInternalIdBit = uint64_t{1} << 63;
  static constexpr const char* kThreadName = "fal-native-io";

 private:
  IoLoop(ClientOptions options, Sink sink);

  struct Command {
    enum class Kind { Add, Cancel, Acknowledge } kind;
    uint64_t id = 0;
    std::unique_ptr<Job> job;
    int64_t bytes = 0;  // Acknowledge
  };
  struct Timer {
    Clock::time_point when;
    uint64_t jobId;
    int tag;  // job timers; 0 for generic ones
    std::function<void()> fire;
  };
  struct Outcome {
    uint64_t jobId;
    uint64_t callSerial;
    CallOutcome outcome;
  };

  // The transfers of one host (origin and proxy) that answer at once: at most Limit() admitted to
  // curl, the rest waiting in arrival order.
  struct HostGate {
    // What the host speaks: plain http:// is HTTP/1.1; an https:// host is unknown until its first
    // answer (or failure) and then what its last response came over.
    enum class Protocol { Unknown, Http1, Multiplexed } protocol = Protocol::Unknown;
    int admitted = 0;
    std::map<uint64_t, Transfer*> waiting;  // by ticket
  };
  int Limit(const HostGate& gate) const;
  std::string Admit(Transfer& transfer, HostGate* gate);
  void AdmitWaiting();
  void Forget(uint64_t timerId, uint64_t jobId);

  void Run();
  void DrainCommands();
  void FireTimers();
  void ReadFinishedTransfers();
  void DeliverOutcomes();
  void Remove(uint64_t id);
  void ReapFinished();
  int MillisUntilNextTimer() const;
  // Hands the outbox to the sink unless the last flush was under kRecordBatchWindow ago; returns
  // how long the outbox may still wait (ms; kMaxWaitMs when it is empty).
  int FlushRecords();

  ClientOptions options_;
  std::shared_ptr<const TrustStore> trust_;  // parsed on the I/O thread before the first transfer
  TransferSettings transferSettings_;
  std::mutex sinkMutex_;
  Sink sink_;  // cleared by Stop(): nothing is posted after it returns
  std::vector<Record> outbox_;  // emitted, not yet handed to the sink
  Clock::time_point lastFlush_{};
  CURLM* multi_ = nullptr;
  std::atomic<bool> stopping_{false};

  std::mutex commandsMutex_;
  std::vector<Command> commands_;

  // Declared before jobs_, so destroyed after them: their transfers give their handles back.
  EasyHandlePool easyHandles_;
  // Declared before jobs_: a job's transfers leave their gates when it is destroyed.
  std::unordered_map<std::string, HostGate> gates_;
  uint64_t tickets_ = 0;
  bool admitDue_ = false;  // a gated transfer left curl: its gate may admit the next one

  std::unordered_map<uint64_t, std::unique_ptr<Job>> jobs_;
  std::multimap<Clock::time_point, uint64_t> timerQueue_;
  std::unordered_map<uint64_t, Timer> timers_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> jobTimers_;  // job id -> its timer ids
  uint64_t timerIds_ = 0;
  std::vector<Outcome> outcomes_;
  std::vector<uint64_t> finished_;
  uint64_t internalIds_ = 0;
  uint64_t callSerials_ = 0;
};

}  // namespace falnative
