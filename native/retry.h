// Retry decisions, the same rules as @fal-ai/client 1.10.1 (retry.ts), applied per attempt on
// the I/O thread so a retried request never wakes JavaScript.
#pragma once

#include <curl/curl.h>

#include <string>

#include "specs.h"

namespace falnative {

// Delay before retry number `attempt` (0-based): min(base * multiplier^attempt, max), +-25% jitter.
double BackoffDelayMs(const RetryPolicy& policy, int attempt);

// An HTTP answer is retried when its status is listed, except a 504 caused by the user's own
// start timeout (x-fal-request-timeout-type: user), which would only time out again.
bool IsRetryableStatus(const RetryPolicy& policy, long status, const std::string& timeoutType);

// Transport failures that undici reports with the codes the official client retries.
bool IsRetryableTransportError(CURLcode code);

// The Node-style code (ECONNREFUSED, ECONNRESET, ...) for a curl failure, so JS error handling
// written for fetch (err.cause.code) keeps working.
const char* NodeErrorCode(CURLcode code);

}  // namespace falnative
