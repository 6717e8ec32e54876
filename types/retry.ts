/** Retry policy of one HTTP call: exponential backoff, optionally with ±25% jitter. */
export type RetryOptions = {
  maxRetries: number;
  baseDelay: number;
  maxDelay: number;
  backoffMultiplier: number;
  retryableStatusCodes: number[];
  enableJitter: boolean;
};
