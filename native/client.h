// The JS-facing client object: request / subscribe / stream (+ acknowledge) / cancel / close. It owns one I/O thread and
// one dispatcher, and stops both when JS closes it, when it is garbage collected, or when its
// environment (worker thread, Electron renderer, the process) is torn down.
#pragma once

#include <napi.h>

#include <memory>

#include "dispatcher.h"
#include "io_loop.h"

namespace falnative {

class Client : public Napi::ObjectWrap<Client> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit Client(const Napi::CallbackInfo& info);
  ~Client() override;

 private:
  Napi::Value Request(const Napi::CallbackInfo& info);
  Napi::Value Subscribe(const Napi::CallbackInfo& info);
  Napi::Value Stream(const Napi::CallbackInfo& info);
  Napi::Value Acknowledge(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Reads the spec, allocates the job's id, tracks it and hands the job to the I/O thread; returns the id.
  template <typename JobType, typename Spec>
  Napi::Value StartJob(const Napi::CallbackInfo& info, Spec (*readSpec)(const Napi::Value&));
  uint64_t ReadJobId(const Napi::CallbackInfo& info) const;
  void EnsureOpen(Napi::Env env) const;
  void Shutdown();
  static void OnEnvironmentTeardown(void* self);

  napi_env env_;
  Dispatcher* dispatcher_ = nullptr;  // released, not deleted (see Dispatcher::Create)
  std::shared_ptr<IoLoop> loop_;  // shared with its I/O thread, which outlives Stop() briefly
  bool cleanupHookRegistered_ = false;
  uint64_t lastJobId_ = 0;  // ids are allocated here, never by JS (below IoLoop::kInternalIdBit)
};

}  // namespace falnative
