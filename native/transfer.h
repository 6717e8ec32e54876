// One HTTP attempt: a curl easy handle built from a RequestSpec, collecting the response.
// Created, driven and destroyed only on the I/O thread.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "records.h"
#include "specs.h"

namespace falnative {

struct TransferSettings {
  const std::string* caPem = nullptr;  // shared trust bundle, empty for the system store
};

class Transfer {
 public:
  Transfer(uint64_t jobId, const RequestSpec& spec, const TransferSettings& settings);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy() const { return easy_; }
  uint64_t jobId() const { return jobId_; }
  const std::string& url() const { return url_; }
  const std::string& method() const { return method_; }

  // Fills status, headers and body after curl reports the transfer done with CURLE_OK.
  HttpResponse TakeResponse();
  // curl's own error text for a failed transfer.
  std::string ErrorText(CURLcode code) const;

  static Transfer* FromEasy(CURL* easy);

 private:
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);

  uint64_t jobId_;
  std::string url_;
  std::string method_;
  std::string requestBody_;
  CURL* easy_ = nullptr;
  curl_slist* headerList_ = nullptr;
  std::string statusLine_;
  std::string headerBlock_;
  std::string body_;
  char errorBuffer_[CURL_ERROR_SIZE] = {0};
};

}  // namespace falnative
