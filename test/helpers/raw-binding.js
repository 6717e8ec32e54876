// The raw native binding (build/Release, as the loader prefers a local build) and small helpers to
// drive it directly, below lib/: specs, a client whose records are collected per job id.
"use strict";

const path = require("path");

const addon = require(path.join(__dirname, "..", "..", "build", "Release", "fal_native.node"));

const NO_RETRY = { maxRetries: 0, baseDelay: 5, maxDelay: 20, backoffMultiplier: 2, enableJitter: false, retryableStatusCodes: [] };

function requestSpec(url, extra = {}) {
  return { method: "GET", url, headers: [], retry: NO_RETRY, ...extra };
}

/** A native subscribe job against `<base>/m/x` (submit, then polls every 10 ms), without retries. */
function subscribeSpec(base, extra = {}) {
  return {
    submit: requestSpec(`${base}/m/x`, { method: "POST", body: "{}" }),
    requestsPrefix: `${base}/m/x/requests/`,
    headers: [],
    logs: false,
    pollInterval: 10,
    statusUpdates: false,
    timeout: 0,
    statusRetry: NO_RETRY,
    resultRetry: NO_RETRY,
    ...extra,
  };
}

/** A native client whose records are kept per job id; `final(id)` resolves with the job's final record. */
function rawClient() {
  const records = new Map();
  const waiters = new Map();
  const finalTypes = new Set(["response", "error", "timeout", "streamEnd"]);
  const client = new addon.Client({}, (batch) => {
    for (const record of batch) {
      if (!records.has(record.id)) records.set(record.id, []);
      records.get(record.id).push(record);
      if (finalTypes.has(record.type)) waiters.get(record.id)?.(record);
    }
  });
  return {
    client,
    records,
    final(id) {
      const done = (records.get(id) || []).find((r) => finalTypes.has(r.type));
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.set(id, resolve));
    },
  };
}

module.exports = { addon, NO_RETRY, requestSpec, subscribeSpec, rawClient };
