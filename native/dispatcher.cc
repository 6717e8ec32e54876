#include "dispatcher.h"

#include "record_js.h"

namespace falnative {

Dispatcher::Dispatcher(Napi::Function onRecords) : onRecords_(Napi::Persistent(onRecords)) {}

Dispatcher* Dispatcher::Create(Napi::Env env, Napi::Function onRecords) {
  auto* self = new Dispatcher(onRecords);
  self->tsfn_ = Tsfn::New(env, "fal-native-completions", 0, 1, self, &Dispatcher::Finalize,
                          static_cast<void*>(nullptr));
  self->UpdateRef(env);  // idle until the first job
  return self;
}

void Dispatcher::Finalize(Napi::Env env, void*, Dispatcher* self) { delete self; }

void Dispatcher::Post(std::vector<Record>&& records) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (released_) return;
    if (pending_.empty()) {
      pending_.swap(records);
    } else {
      for (auto& record : records) pending_.push_back(std::move(record));
    }
    schedule = !drainScheduled_;
    drainScheduled_ = true;
  }
  // napi_closing during environment teardown is expected: the records are simply dropped.
  if (schedule) tsfn_.NonBlockingCall(static_cast<std::nullptr_t*>(nullptr));
}

void Dispatcher::Track(Napi::Env env, uint64_t id) {
  live_.insert(id);
  UpdateRef(env);
}

void Dispatcher::Untrack(Napi::Env env, uint64_t id) {
  live_.erase(id);
  UpdateRef(env);
}

void Dispatcher::UpdateRef(Napi::Env env) {
  bool wanted = !live_.empty();
  if (wanted == referenced_) return;
  referenced_ = wanted;
  if (busyChanged_) busyChanged_(wanted);
  if (wanted) {
    tsfn_.Ref(env);
  } else {
    tsfn_.Unref(env);
  }
}

void Dispatcher::Release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (released_) return;
    released_ = true;
    pending_.clear();
  }
  tsfn_.Abort();
}

void Dispatcher::CallJs(Napi::Env env, Napi::Function, Dispatcher* self, std::nullptr_t*) {
  if (env == nullptr || self == nullptr) return;  // teardown: nothing may run
  self->Drain(env);
}

void Dispatcher::Drain(Napi::Env env) {
  std::vector<Record> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(pending_);
    drainScheduled_ = false;
    if (released_) return;
  }
  Napi::HandleScope scope(env);
  Napi::Array records = Napi::Array::New(env);
  uint32_t count = 0;
  for (auto& record : batch) {
    if (live_.count(record.id) == 0) continue;  // cancelled by JS meanwhile
    if (record.IsFinal()) live_.erase(record.id);
    // Every record reaches JS: one that cannot be converted (V8 out of memory for a huge string)
    // becomes a final error record for its job instead of taking the batch and the ref with it.
    try {
      records.Set(count, RecordToJs(env, record));
    } catch (const Napi::Error& error) {
      Record failed;
      failed.id = record.id;
      failed.type = Record::Type::Error;
      failed.code = "ERR_FAL_NATIVE_INTERNAL";
      failed.reason = "internal";
      failed.message = "fal-native: a result could not be handed to JavaScript: " + std::string(error.Message());
      failed.attempts = record.attempts;
      failed.url = record.response.url;
      live_.erase(record.id);
      records.Set(count, RecordToJs(env, failed));
    }
    count++;
  }
  UpdateRef(env);
  if (count == 0) return;
  try {
    onRecords_.Call({records});
  } catch (const Napi::Error& error) {
    // The JS side never throws here by design; if it does, surface it as an uncaught exception
    // instead of losing it.
    error.ThrowAsJavaScriptException();
  }
}

}  // namespace falnative
