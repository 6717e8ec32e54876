// One HTTP attempt: a curl easy handle built from a RequestSpec, collecting the response.
// Created, driven and destroyed only on the I/O thread.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "easy_handle_pool.h"
#include "records.h"
#include "specs.h"
#include "trust_store.h"

namespace falnative {

class Call;

struct TransferSettings {
  const TrustStore* trust = nullptr;  // the client's CA certificates; null: the TLS library's default
  EasyHandlePool* handles = nullptr;  // the I/O thread's idle handles; null: each transfer makes its own
};

// Called on the I/O thread with (sent, sendTotal, received, receiveTotal), throttled.
using ProgressFn = std::function<void(int64_t, int64_t, int64_t, int64_t)>;

// Receives a 2xx response body as it arrives. Returns `size`, CURL_WRITEFUNC_PAUSE to hold the
// bytes until the transfer is unpaused (they are offered again), or anything else to fail it.
using BodySink = std::function<size_t(const char* data, size_t size)>;

class Transfer {
 public:
  // `spec` and `settings` are borrowed and must outlive the transfer. No curl handle yet: see Attach.
  Transfer(Call* owner, const RequestSpec& spec, const TransferSettings& settings, ProgressFn progress);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // IoLoop, when curl takes the transfer: an easy handle set up from the spec; "" or what failed.
  std::string Attach();
  CURL* easy() const { return easy_; }  // nullptr until Attach
  Call* owner() const { return owner_; }
  bool inMulti() const { return inMulti_; }
  void SetInMulti(bool in) { inMulti_ = in; }
  const std::string& url() const { return spec_.url; }
  const std::string& method() const { return spec_.method; }

  // Fills status, headers and body after curl reports the transfer done with CURLE_OK.
  HttpResponse TakeResponse();
  // curl's own error text for a failed transfer.
  std::string ErrorText(CURLcode code) const;
  // A local failure (opening or reading the body file, writing the download): Node-style code
  // such as ENOENT, or "" when the failure, if any, was curl's alone.
  const std::string& localErrorCode() const { return localErrorCode_; }
  const std::string& localErrorText() const { return localErrorText_; }
  // Sends successful bodies to `sink` instead of memory (streaming). Set before the transfer starts.
  void SetBodySink(BodySink sink) { sink_ = std::move(sink); }
  // The status line and headers of the response being received, without its body.
  HttpResponse Head() const;
  // For the stall deadline: bytes moved so far (sent, and received including headers), and whether
  // the attempt is in a phase where it must keep moving (sending its body, or receiving a response
  // that does not go to a stream's sink). Waiting for the first response byte is not such a phase.
  int64_t BytesMoved() const;
  bool MustMakeProgress() const;
  // Reports the final byte counts once (progress is otherwise throttled).
  void ReportFinalProgress();

  static Transfer* FromEasy(CURL* easy);

  // Connection gating (IoLoop): the host this transfer's connections go to, "" when it is not
  // gated (it may wait minutes for a model: RequestSpec::awaitsModel).
  const std::string& hostKey() const { return hostKey_; }
  void* gate = nullptr;      // IoLoop's gate this transfer counts against, while admitted
  bool queued = false;       // waiting in that gate's queue
  uint64_t queueTicket = 0;  // its place there

 private:
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  static size_t OnReadBody(char* buffer, size_t size, size_t count, void* self);
  static int OnProgress(void* self, curl_off_t dlTotal, curl_off_t dlNow, curl_off_t ulTotal, curl_off_t ulNow);
  void OpenBodyFile();
  void SetUpBody();
  bool StartDownloadFile();
  void FailLocally(const std::string& what, int error);

  Call* owner_;
  const RequestSpec& spec_;
  const TransferSettings& settings_;
  bool inMulti_ = false;
  CURL* easy_ = nullptr;
  std::shared_ptr<void> headerList_;  // the spec's curl_slist, shared (RequestSpec::headerList)
  std::string statusLine_;
  std::string headerBlock_;
  std::string body_;
  char errorBuffer_[CURL_ERROR_SIZE] = {0};

  FILE* bodyFile_ = nullptr;
  int64_t bodyFileLeft_ = 0;
  std::string downloadTempPath_;
  FILE* downloadFile_ = nullptr;
  bool bodyChecked_ = false;  // first body byte seen: decided memory vs. file
  bool downloadCommitted_ = false;
  std::string localErrorCode_;
  std::string localErrorText_;
  ProgressFn progress_;
  BodySink sink_;
  bool sinking_ = false;  // the body of a 2xx response goes to sink_
  bool responseStarted_ = false;  // a header byte of the response has arrived
  bool awaitsModel_ = false;      // RequestSpec::awaitsModel
  std::string hostKey_;
  int64_t received_ = 0;          // header and body bytes
  std::chrono::steady_clock::time_point lastProgress_{};
  int64_t progressNow_[4] = {0, 0, 0, 0};
};

}  // namespace falnative
