#include "retry.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace falnative {

// (std::min)/(std::max): on Windows, curl.h pulls in <windows.h>, whose min/max macros would
// otherwise expand here unless NOMINMAX is defined.
// Saturates: an overflowing power (inf), or 0 * inf (NaN), ends up as maxDelay, and every result is
// within [0, kMaxMilliseconds] (specs.h), so the timer it arms never overflows.
double BackoffDelayMs(const RetryPolicy& policy, int attempt) {
  double grown = policy.baseDelayMs * std::pow(policy.backoffMultiplier, attempt);
  if (std::isnan(grown)) grown = policy.maxDelayMs;
  double delay = ClampMilliseconds((std::min)(grown, policy.maxDelayMs));
  if (!policy.enableJitter) return delay;
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  return ClampMilliseconds(delay + 0.25 * delay * unit(rng));
}

bool IsRetryableStatus(const RetryPolicy& policy, long status, const std::string& timeoutType) {
  if (status == 504 && timeoutType == "user") return false;
  const auto& codes = policy.retryableStatusCodes;
  return std::find(codes.begin(), codes.end(), status) != codes.end();
}

bool IsRetryableTransportError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

const char* NodeErrorCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: return "ENOTFOUND";
    case CURLE_COULDNT_CONNECT: return "ECONNREFUSED";
    case CURLE_OPERATION_TIMEDOUT: return "ETIMEDOUT";
    case CURLE_SEND_ERROR: return "EPIPE";
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "ECONNRESET";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return "ERR_TLS";
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "ERR_INVALID_URL";
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
      return "ERR_BODY_TOO_LARGE";
    default: return "ERR_FAL_NATIVE_TRANSPORT";
  }
}

}  // namespace falnative
