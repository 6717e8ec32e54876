// Idle curl easy handles of one I/O thread, reset and ready for the next transfer. Making a
// handle allocates and initialises several kilobytes of state, and freeing it hands them back to
// malloc; a subscribe makes a transfer per status poll, so at thousands of jobs that churn showed
// up in the I/O thread's profile. curl_easy_reset restores every option to its default and keeps
// only caches (DNS, TLS sessions), which belong to the same client anyway.
#pragma once

#include <curl/curl.h>

#include <vector>

namespace falnative {

class EasyHandlePool {
 public:
  EasyHandlePool() = default;
  ~EasyHandlePool();
  EasyHandlePool(const EasyHandlePool&) = delete;
  EasyHandlePool& operator=(const EasyHandlePool&) = delete;

  // An idle handle, or a new one; nullptr when curl cannot make one.
  CURL* Take();
  // A handle no longer in any multi handle: reset and kept, or freed when enough are idle.
  void Give(CURL* easy);

 private:
  // Enough for the transfers that finish in one pass of the loop; more would only hold memory.
  static constexpr size_t kMaxIdle = 256;
  std::vector<CURL*> idle_;
};

}  // namespace falnative
