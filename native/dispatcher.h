// Hands finished records from the I/O thread to JavaScript in batches: the I/O thread queues
// records and makes at most one thread-safe-function call while a drain is pending; the JS
// thread then takes the whole queue at once. It also keeps the event loop alive only while jobs
// are in flight (ref/unref of the thread-safe function), so an idle client never holds a process.
#pragma once

#include <napi.h>

#include <functional>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "records.h"

namespace falnative {

class Dispatcher {
 public:
  // Lives until the thread-safe function is finalized; call Release() instead of deleting it.
  static Dispatcher* Create(Napi::Env env, Napi::Function onRecords);

  void Post(std::vector<Record>&& records);  // any thread; in order

  // JS thread: a job starts or is cancelled by JS (records for unknown ids are dropped).
  void Track(Napi::Env env, uint64_t id);
  void Untrack(Napi::Env env, uint64_t id);
  // JS thread: no more Post() calls may follow. Pending records are dropped.
  void Release();
  // JS thread: told when the first job starts and when the last one ends.
  void OnBusyChanged(std::function<void(bool busy)> callback) { busyChanged_ = std::move(callback); }

 private:
  static void CallJs(Napi::Env env, Napi::Function unused, Dispatcher* self, std::nullptr_t* data);
  static void Finalize(Napi::Env env, void* unused, Dispatcher* self);
  using Tsfn = Napi::TypedThreadSafeFunction<Dispatcher, std::nullptr_t, CallJs>;

  explicit Dispatcher(Napi::Function onRecords);
  void Drain(Napi::Env env);
  void UpdateRef(Napi::Env env);

  Napi::FunctionReference onRecords_;
  Tsfn tsfn_;
  std::mutex mutex_;
  std::vector<Record> pending_;
  bool drainScheduled_ = false;
  bool released_ = false;
  // JS-thread only.
  std::unordered_set<uint64_t> live_;
  bool referenced_ = true;
  std::function<void(bool)> busyChanged_;
};

}  // namespace falnative
