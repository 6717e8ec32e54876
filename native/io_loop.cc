#include "io_loop.h"

#include <algorithm>

#include "platform.h"
#include "specs.h"

namespace falnative {
namespace {
// Upper bound on one wait, so a missed wake-up can never stall the loop for long.
constexpr int kMaxWaitMs = 1000;
// Records are handed to JS at most this often. Each hand-over wakes the JS thread (an eventfd
// write, an epoll return, a thread-safe-function call), which costs more than handling a small
// record; with hundreds of jobs polling, records trickle in one by one and the wake-ups were most
// of the JS thread's time. A millisecond is nothing next to a network round trip.
constexpr auto kRecordBatchWindow = std::chrono::milliseconds(1);
}  // namespace

std::shared_ptr<IoLoop> IoLoop::Start(ClientOptions options, Sink sink) {
  std::shared_ptr<IoLoop> loop(new IoLoop(std::move(options), std::move(sink)));
  // The thread keeps the loop alive until it has cleaned up; nobody joins it.
  std::thread([loop] { loop->Run(); }).detach();
  return loop;
}

IoLoop::IoLoop(ClientOptions options, Sink sink) : options_(std::move(options)), sink_(std::move(sink)) {
  transferSettings_.handles = &easyHandles_;
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  // Gated transfers need at most maxConnectionsPerHost connections per host (specs.h); keep that
  // many idle for a few hosts (queue, storage, CDN) plus the long calls' ones, close the rest.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(4 * options_.maxConnectionsPerHost));
  curl_multi_setopt(multi_, CURLMOPT_MAX_CONCURRENT_STREAMS, kStreamsPerConnection);
}

// Runs on the I/O thread when it lets go of the loop (or on the JS thread if it never started).
IoLoop::~IoLoop() {
  if (multi_) curl_multi_cleanup(multi_);
}

void IoLoop::Add(std::unique_ptr<Job> job) {
  if (stopping_) return;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    wake = commands_.empty();  // otherwise a wake-up is on its way (or the loop has not waited yet)
    commands_.push_back(Command{Command::Kind::Add, job->id(), std::move(job), 0});
  }
  if (wake) curl_multi_wakeup(multi_);
}

void IoLoop::Cancel(uint64_t id) {
  if (stopping_) return;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    wake = commands_.empty();  // otherwise a wake-up is on its way (or the loop has not waited yet)
    commands_.push_back(Command{Command::Kind::Cancel, id, nullptr, 0});
  }
  if (wake) curl_multi_wakeup(multi_);
}

void IoLoop::Acknowledge(uint64_t id, int64_t bytes) {
  if (stopping_) return;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    wake = commands_.empty();  // otherwise a wake-up is on its way (or the loop has not waited yet)
    commands_.push_back(Command{Command::Kind::Acknowledge, id, nullptr, bytes});
  }
  if (wake) curl_multi_wakeup(multi_);
}

void IoLoop::Stop() {
  {
    // Waits at most for a record being posted (microseconds), never for the network.
    std::lock_guard<std::mutex> lock(sinkMutex_);
    sink_ = nullptr;
  }
  if (!stopping_.exchange(true)) curl_multi_wakeup(multi_);
}

void IoLoop::Emit(Record&& record) { outbox_.push_back(std::move(record)); }

int IoLoop::FlushRecords() {
  if (outbox_.empty()) return kMaxWaitMs;
  auto clock = Clock::now();
  auto due = lastFlush_ + kRecordBatchWindow;
  if (clock < due) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(due - clock).count()) + 1;
  }
  lastFlush_ = clock;
  std::vector<Record> batch;
  batch.swap(outbox_);
  std::lock_guard<std::mutex> lock(sinkMutex_);
  if (sink_) sink_(std::move(batch));
  return kMaxWaitMs;
}

void IoLoop::Run() {
  // Shown by top -H, perf and /proc/<pid>/task/*/comm; the benchmarks find the thread by it.
  platform::NameThisThread(kThreadName);
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
    AdmitWaiting();
    int running = 0;
    curl_multi_perform(multi_, &running);
    ReadFinishedTransfers();
    DeliverOutcomes();
    ReapFinished();
    AdmitWaiting();
    if (stopping_) break;

    long curlWait = -1;
    curl_multi_timeout(multi_, &curlWait);
    int wait = (std::min)(MillisUntilNextTimer(), FlushRecords());  // parenthesized: <windows.h> min macro
    if (curlWait >= 0) wait = std::min<int>(wait, static_cast<int>(curlWait));
    if (!outcomes_.empty()) wait = 0;
    {
      std::lock_guard<std::mutex> lock(commandsMutex_);
      if (!commands_.empty()) wait = 0;
    }
    if (wait > 0) curl_multi_poll(multi_, nullptr, 0, wait, nullptr);
  }
  // Stopped (client closed, collected, or its environment going away): drop every job and
  // transfer without reporting. Handles leave the multi without waiting for a resolver thread
  // (CURLOPT_QUICK_EXIT, transfer.cc).
  jobs_.clear();
  gates_.clear();
  timers_.clear();
  jobTimers_.clear();
  timerQueue_.clear();
  outcomes_.clear();
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
    } else if (jobs_.count(command.id) == 0) {  // ids are allocated natively: never live twice
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

uint64_t IoLoop::Schedule(double delayMs, uint64_t ownerJobId, std::function<void()> fire) {
  uint64_t id = ++timerIds_;
  Clock::time_point when = DeadlineAfter(Clock::now(), delayMs);
  timers_.emplace(id, Timer{when, ownerJobId, 0, std::move(fire)});
  timerQueue_.emplace(when, id);
  jobTimers_[ownerJobId].push_back(id);
  return id;
}

void IoLoop::Forget(uint64_t timerId, uint64_t jobId) {
  auto owned = jobTimers_.find(jobId);
  if (owned == jobTimers_.end()) return;
  std::vector<uint64_t>& ids = owned->second;
  auto it = std::find(ids.begin(), ids.end(), timerId);
  if (it != ids.end()) {
    *it = ids.back();
    ids.pop_back();
  }
  if (ids.empty()) jobTimers_.erase(owned);
}

void IoLoop::Unschedule(uint64_t timerId) {
  auto found = timers_.find(timerId);
  if (found == timers_.end()) return;
  auto range = timerQueue_.equal_range(found->second.when);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == timerId) {
      timerQueue_.erase(it);
      break;
    }
  }
  Forget(timerId, found->second.jobId);
  timers_.erase(found);
}

void IoLoop::SetTimer(Job& job, int tag, double delayMs) {
  uint64_t jobId = job.id();
  uint64_t id = Schedule(delayMs, jobId, [this, jobId, tag] {
    auto found = jobs_.find(jobId);
    if (found != jobs_.end()) found->second->OnTimer(*this, tag);
  });
  timers_[id].tag = tag;
}

void IoLoop::ClearTimer(Job& job, int tag) {
  auto owned = jobTimers_.find(job.id());
  if (owned == jobTimers_.end()) return;
  std::vector<uint64_t> ids;
  for (uint64_t id : owned->second) {
    auto found = timers_.find(id);
    if (found != timers_.end() && found->second.tag == tag) ids.push_back(id);
  }
  for (uint64_t id : ids) Unschedule(id);
}

int IoLoop::Limit(const HostGate& gate) const {
  int connections = options_.maxConnectionsPerHost;
  switch (gate.protocol) {
    case HostGate::Protocol::Unknown:
      // One call learns whether the host multiplexes (ALPN) before the others either share its
      // connection (HTTP/2) or open their own (HTTP/1.1): a burst never opens a connection each.
      return 1;
    case HostGate::Protocol::Http1:
      return connections;
    case HostGate::Protocol::Multiplexed:
      // A handful of connections, each carrying up to kStreamsPerConnection streams.
      return (std::min)(connections, kHttp2ConnectionsPerHost) * static_cast<int>(kStreamsPerConnection);
  }
  return connections;
}

std::string IoLoop::Admit(Transfer& transfer, HostGate* gate) {
  std::string failure = transfer.Attach();
  if (!failure.empty()) return failure;
  // Waiting for a connection being set up pays off only where it will be shared (HTTP/2); see the
  // Transfer::Attach for why it is not set otherwise.
  bool shared = gate && gate->protocol == HostGate::Protocol::Multiplexed;
  curl_easy_setopt(transfer.easy(), CURLOPT_PIPEWAIT, shared ? 1L : 0L);
  CURLMcode code = curl_multi_add_handle(multi_, transfer.easy());
  if (code != CURLM_OK) return std::string("curl_multi_add_handle: ") + curl_multi_strerror(code);
  transfer.SetInMulti(true);
  if (gate) {
    gate->admitted++;
    transfer.gate = gate;
  }
  return "";
}

std::string IoLoop::AddTransfer(Transfer& transfer) {
  if (transfer.hostKey().empty()) return Admit(transfer, nullptr);
  auto inserted = gates_.try_emplace(transfer.hostKey());
  HostGate& gate = inserted.first->second;
  if (inserted.second && transfer.hostKey().rfind("http://", 0) == 0) gate.protocol = HostGate::Protocol::Http1;
  if (gate.waiting.empty() && gate.admitted < Limit(gate)) return Admit(transfer, &gate);
  transfer.queued = true;
  transfer.queueTicket = ++tickets_;
  transfer.gate = &gate;
  gate.waiting.emplace(transfer.queueTicket, &transfer);
  return "";
}

void IoLoop::RemoveTransfer(Transfer& transfer) {
  auto* gate = static_cast<HostGate*>(transfer.gate);
  transfer.gate = nullptr;
  if (transfer.queued) {
    transfer.queued = false;
    gate->waiting.erase(transfer.queueTicket);
    return;
  }
  if (!transfer.inMulti()) return;
  curl_multi_remove_handle(multi_, transfer.easy());
  transfer.SetInMulti(false);
  if (gate) {
    gate->admitted--;
    if (!gate->waiting.empty()) admitDue_ = true;
  }
}

void IoLoop::AdmitWaiting() {
  if (!admitDue_) return;
  admitDue_ = false;
  for (auto& entry : gates_) {
    HostGate& gate = entry.second;
    while (!gate.waiting.empty() && gate.admitted < Limit(gate)) {
      Transfer* transfer = gate.waiting.begin()->second;
      gate.waiting.erase(gate.waiting.begin());
      transfer->queued = false;
      transfer->gate = nullptr;
      std::string failure = Admit(*transfer, &gate);
      // Reported through the loop's outcomes; the call drops its transfer.
      if (!failure.empty()) transfer->owner()->OnAdmitFailed(failure);
    }
  }
}

void IoLoop::PostOutcome(uint64_t jobId, uint64_t callSerial, CallOutcome&& outcome) {
  outcomes_.push_back(Outcome{jobId, callSerial, std::move(outcome)});
}

void IoLoop::DeliverOutcomes() {
  // A job handling an outcome may start its next call, which may report at once (curl refused
  // it): keep going until nothing is left.
  while (!outcomes_.empty()) {
    std::vector<Outcome> outcomes;
    outcomes.swap(outcomes_);
    for (auto& entry : outcomes) {
      auto found = jobs_.find(entry.jobId);
      if (found == jobs_.end()) continue;
      Job& job = *found->second;
      // A call the job abandoned meanwhile (timeout, idle stream) has nothing left to say.
      if (!job.call() || job.call()->serial() != entry.callSerial) continue;
      std::unique_ptr<Call> done = job.TakeCall();
      job.OnCallDone(*this, std::move(entry.outcome));
    }
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
  std::unique_ptr<Job> job = std::move(found->second);
  jobs_.erase(found);
  job.reset();  // its Call leaves the multi handle and unschedules its own timers
  auto owned = jobTimers_.find(id);
  if (owned == jobTimers_.end()) return;
  std::vector<uint64_t> ids = std::move(owned->second);
  jobTimers_.erase(owned);
  for (uint64_t timer : ids) Unschedule(timer);
}

int IoLoop::MillisUntilNextTimer() const {
  if (timerQueue_.empty()) return kMaxWaitMs;
  auto until = std::chrono::duration_cast<std::chrono::milliseconds>(timerQueue_.begin()->first - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(until + 1, 0, kMaxWaitMs));
}

void IoLoop::FireTimers() {
  auto now = Clock::now();
  while (!timerQueue_.empty() && timerQueue_.begin()->first <= now) {
    uint64_t id = timerQueue_.begin()->second;
    timerQueue_.erase(timerQueue_.begin());
    auto found = timers_.find(id);
    if (found == timers_.end()) continue;
    std::function<void()> fire = std::move(found->second.fire);
    Forget(id, found->second.jobId);
    timers_.erase(found);
    fire();
  }
}

void IoLoop::ReadFinishedTransfers() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    Transfer* transfer = Transfer::FromEasy(message->easy_handle);
    if (auto* gate = static_cast<HostGate*>(transfer->gate)) {
      // What the host spoke decides how many of its transfers go at once (Limit). A failure
      // before any answer ends the probing: the rest go as over HTTP/1.1 (and fail as fast).
      HostGate::Protocol protocol = HostGate::Protocol::Http1;
      if (message->data.result == CURLE_OK) {
        long version = 0;
        curl_easy_getinfo(transfer->easy(), CURLINFO_HTTP_VERSION, &version);
        if (version >= CURL_HTTP_VERSION_2_0) protocol = HostGate::Protocol::Multiplexed;
      } else if (gate->protocol != HostGate::Protocol::Unknown) {
        protocol = gate->protocol;
      }
      if (protocol != gate->protocol) admitDue_ = true;
      gate->protocol = protocol;
    }
    transfer->owner()->OnTransferDone(message->data.result);
  }
}

}  // namespace falnative
