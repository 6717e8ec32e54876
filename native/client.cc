#include "client.h"

#include <cmath>

#include "jobs.h"
#include "spec_reader.h"
#include "stream_job.h"

namespace falnative {

Napi::Function Client::Define(Napi::Env env) {
  return DefineClass(env, "Client",
                     {
                         InstanceMethod<&Client::Request>("request"),
                         InstanceMethod<&Client::Subscribe>("subscribe"),
                         InstanceMethod<&Client::Stream>("stream"),
                         InstanceMethod<&Client::Acknowledge>("acknowledge"),
                         InstanceMethod<&Client::Cancel>("cancel"),
                         InstanceMethod<&Client::Close>("close"),
                     });
}

Client::Client(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Client>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  ClientOptions options = ReadClientOptions(info[0]);
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "fal-native: onRecords must be a function");
  // Order matters for teardown: hooks run in reverse order of registration, so registering ours
  // after the thread-safe function's lets us join the I/O thread before Node finalizes it.
  dispatcher_ = Dispatcher::Create(env, info[1].As<Napi::Function>());
  // While jobs are in flight the JS object must not be collected (that would stop the I/O thread
  // under them), even if the caller dropped every reference to it.
  dispatcher_->OnBusyChanged([this](bool busy) {
    if (busy) {
      Ref();
    } else {
      Unref();
    }
  });
  Dispatcher* dispatcher = dispatcher_;
  loop_ = IoLoop::Start(std::move(options), [dispatcher](std::vector<Record>&& records) {
    dispatcher->Post(std::move(records));
  });
  cleanupHookRegistered_ = napi_add_env_cleanup_hook(env, &Client::OnEnvironmentTeardown, this) == napi_ok;
}

Client::~Client() {
  if (cleanupHookRegistered_) napi_remove_env_cleanup_hook(env_, &Client::OnEnvironmentTeardown, this);
  Shutdown();
}

void Client::OnEnvironmentTeardown(void* self) {
  auto* client = static_cast<Client*>(self);
  client->cleanupHookRegistered_ = false;
  client->Shutdown();
}

void Client::Shutdown() {
  if (loop_) {
    // Only signals: the I/O thread drops its jobs and frees curl on its own, so closing never
    // waits for the network (a slow resolver, a TLS shutdown). No record is posted after this.
    loop_->Stop();
    loop_.reset();
  }
  if (dispatcher_) {
    dispatcher_->OnBusyChanged(nullptr);
    dispatcher_->Release();
    dispatcher_ = nullptr;
  }
}

void Client::EnsureOpen(Napi::Env env) const {
  if (!loop_) throw Napi::Error::New(env, "fal-native: the client is closed");
}

uint64_t Client::ReadJobId(const Napi::CallbackInfo& info) const {
  double id = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(id >= 1 && id < 9007199254740992.0) || std::floor(id) != id) {
    throw Napi::TypeError::New(info.Env(), "fal-native: job id must be a positive integer");
  }
  return static_cast<uint64_t>(id);
}

template <typename JobType, typename Spec>
Napi::Value Client::StartJob(const Napi::CallbackInfo& info, Spec (*readSpec)(const Napi::Value&)) {
  Napi::Env env = info.Env();
  EnsureOpen(env);
  // The whole spec is read (and validated) before any state is touched: its getters run JS, which
  // may start other jobs or close this client. A bad spec throws and leaves no trace.
  Spec spec = readSpec(info[0]);
  EnsureOpen(env);  // a getter may have closed the client meanwhile
  // The native side allocates job ids, so JS can never reuse the id of a job that is still live.
  uint64_t id = ++lastJobId_;
  auto job = std::make_unique<JobType>(id, std::move(spec));
  dispatcher_->Track(env, id);
  loop_->Add(std::move(job));
  return Napi::Number::New(env, static_cast<double>(id));
}

Napi::Value Client::Request(const Napi::CallbackInfo& info) {
  return StartJob<RequestJob>(info, +[](const Napi::Value& value) { return ReadRequestSpec(value, "request spec"); });
}

Napi::Value Client::Subscribe(const Napi::CallbackInfo& info) { return StartJob<SubscribeJob>(info, &ReadSubscribeSpec); }

Napi::Value Client::Stream(const Napi::CallbackInfo& info) { return StartJob<StreamJob>(info, &ReadStreamSpec); }

Napi::Value Client::Acknowledge(const Napi::CallbackInfo& info) {
  uint64_t id = ReadJobId(info);
  double bytes = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
  if (!(bytes >= 0 && bytes < 9007199254740992.0)) {
    throw Napi::TypeError::New(info.Env(), "fal-native: acknowledged bytes must be a number >= 0");
  }
  if (loop_) loop_->Acknowledge(id, static_cast<int64_t>(bytes));
  return info.Env().Undefined();
}

Napi::Value Client::Cancel(const Napi::CallbackInfo& info) {
  uint64_t id = ReadJobId(info);
  if (loop_) {
    dispatcher_->Untrack(info.Env(), id);
    loop_->Cancel(id);
  }
  return info.Env().Undefined();
}

Napi::Value Client::Close(const Napi::CallbackInfo& info) {
  if (cleanupHookRegistered_) {
    napi_remove_env_cleanup_hook(env_, &Client::OnEnvironmentTeardown, this);
    cleanupHookRegistered_ = false;
  }
  Shutdown();
  return info.Env().Undefined();
}

}  // namespace falnative
