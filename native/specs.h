// Plain C++ descriptions of the work JS hands to the I/O thread. They are filled on the JS thread
// (spec_reader.cc) and then owned by the I/O thread; nothing here refers to a JS value.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace falnative {

// Every time value (timeouts, intervals, delays) is milliseconds in [0, kMaxMilliseconds]: the
// spec reader clamps what JS gives (spec_reader.cc, ReadMilliseconds) and timers saturate here, so
// no double-to-integer cast or chrono addition can overflow. 2^31-1 ms is about 24.8 days, the
// same ceiling as setTimeout.
constexpr double kMaxMilliseconds = 2147483647.0;

inline double ClampMilliseconds(double ms) {
  if (!(ms > 0)) return 0;  // also NaN
  return ms < kMaxMilliseconds ? ms : kMaxMilliseconds;
}

inline std::chrono::steady_clock::time_point DeadlineAfter(std::chrono::steady_clock::time_point now, double ms) {
  return now + std::chrono::microseconds(static_cast<int64_t>(ClampMilliseconds(ms) * 1000.0));
}

// Per-attempt deadlines unless the spec says otherwise (lib/native/binding.ts NativeRequestSpec):
//   connect: 10 s for DNS + TCP + TLS (+ proxy), as undici's default connect timeout;
//   stall:   30 s windows; an attempt that is sending its body, waiting for the response, or
//            receiving it fails when fewer than kStallMinBytesPerSecond bytes per second moved in a
//            whole window (detected within two windows). For a spec with awaitsModel (fal.run,
//            streams) waiting for the first response byte is not a stall: a long run waits minutes.
//            Dead peers there are found by TCP keep-alive: first probe after 15 s idle, then every
//            5 s, dropped after 3 unanswered probes (about 30 s), transfer.cc. A stream's body is
//            governed by its idleTimeout.
// A whole-call timeout is opt-in (timeoutMs; 0: none).
constexpr double kDefaultConnectTimeoutMs = 10000;
constexpr double kDefaultStallTimeoutMs = 30000;
constexpr int64_t kStallMinBytesPerSecond = 100;
constexpr long kKeepAliveIdleSeconds = 15;
constexpr long kKeepAliveIntervalSeconds = 5;
constexpr long kKeepAliveProbes = 3;

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
  // The server may answer only once a model has run (fal.run, streams): the wait for the first
  // response byte is then not a stall. Queue, storage and token calls answer at once, so for them
  // (the default) a server that accepts the request and says nothing fails with the stall deadline.
  bool awaitsModel = false;
  // Deadlines (ms, 0: none). See Call (call.h) for what each one means.
  double timeoutMs = 0;                             // the whole call, retries and backoff included
  double connectTimeoutMs = kDefaultConnectTimeoutMs;  // each attempt: DNS + TCP + TLS + proxy
  double stallTimeoutMs = kDefaultStallTimeoutMs;      // each attempt: too little progress per window
  // I/O thread only: the curl header list built from `headers` by the first attempt and reused by
  // every later attempt of this spec (a subscribe's status polls share one). Type-erased curl_slist.
  mutable std::shared_ptr<void> headerList;
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

// Connections per host (transfer.cc, IoLoop's host gates). Calls that answer at once (queue,
// storage, token) are admitted to curl at most kDefaultMaxConnectionsPerHost at a time per
// origin (and proxy) while the origin speaks HTTP/1.1 (plain http:// always does): curl then never
// needs more connections than that, as undici's Pool of 32. An https:// origin gets one call first,
// which learns the protocol from ALPN (a failure counts as HTTP/1.1). Once a response showed the origin
// multiplexes (HTTP/2), up to kStreamsPerConnection times as many go at once, over a handful of
// connections (curl opens another only when one has kStreamsPerConnection streams). The rest wait
// in a FIFO per origin, in the I/O thread, not in curl: curl 8.14 moves every pending transfer
// back to connecting whenever any connection frees up, and each then scans the connection pool.
// Calls that may wait minutes for a model (fal.run, streams: RequestSpec::awaitsModel) are not
// gated: on HTTP/1.1 each holds its connection for that long, and a bound on them would starve the
// status polls of every subscribe behind them. Their number is the caller's concurrency.
constexpr int kDefaultMaxConnectionsPerHost = 32;
constexpr int kMaxConnectionsPerHostLimit = 1024;
constexpr long kStreamsPerConnection = 100;
constexpr int kHttp2ConnectionsPerHost = 4;

struct ClientOptions {
  int maxConnectionsPerHost = kDefaultMaxConnectionsPerHost;
  std::string caPem;  // every trusted CA certificate (Node's store); empty: the TLS library's default
  std::string caFile;  // the same in a file, for the system libcurl's per-client CA cache
};

}  // namespace falnative
