// Plain C++ descriptions of the work JS hands to the I/O thread. They are filled on the JS thread
// (spec_reader.cc) and then owned by the I/O thread; nothing here refers to a JS value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace falnative {

struct RetryPolicy {
  int maxRetries = 3;
  double baseDelayMs = 1000;
  double maxDelayMs = 30000;
  double backoffMultiplier = 2;
  bool enableJitter = true;
  std::vector<long> retryableStatusCodes{429, 502, 503, 504};
};

struct RequestSpec {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines
  bool hasBody = false;
  std::string body;
  // Body streamed from a file range by the I/O thread (exclusive with `body`).
  bool hasBodyFile = false;
  std::string bodyFilePath;
  int64_t bodyFileOffset = 0;
  int64_t bodyFileLength = 0;
  std::string downloadTo;  // write a 2xx body to this file instead of memory
  bool progress = false;
  RetryPolicy retry;
  std::string proxy;  // proxy URL chosen by JS for this request; empty: direct
};

struct SubscribeSpec {
  RequestSpec submit;
  std::string requestsPrefix;        // ".../<owner>/<alias>/requests/"
  std::vector<std::string> headers;  // for status, result and cancel
  std::string proxy;                 // for status, result and cancel
  bool logs = false;
  int64_t pollIntervalMs = 500;
  bool statusUpdates = false;
  int64_t timeoutMs = 0;  // 0: no client-side timeout
  RetryPolicy statusRetry;
  RetryPolicy resultRetry;
};

// A streaming request (SSE or raw chunks) whose body is handed to JS while it arrives.
struct StreamSpec {
  RequestSpec request;
  int64_t idleTimeoutMs = 0;  // 0: none. Longest gap between body bytes while JS keeps up.
  // Bytes delivered to JS and not yet acknowledged above which the transfer is paused.
  int64_t highWaterMark = 1 << 20;
};

struct ClientOptions {
  std::string caPem;  // every trusted CA certificate (Node's store); empty: the TLS library's default
  std::string caFile;  // the same in a file, for the system libcurl's per-client CA cache
};

}  // namespace falnative
