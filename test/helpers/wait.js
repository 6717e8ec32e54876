// Small polling helpers for integration tests: wait for something observable (a recorded
// request, a counter) instead of sleeping for a guessed time.
"use strict";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate()` is truthy; rejects with `what` after `timeoutMs`. */
async function waitFor(predicate, what = "condition", timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The settled outcome of a promise as a value: the rejection reason, or a failure if it resolved. */
async function rejectionOf(promise) {
  try {
    const value = await promise;
    throw Object.assign(new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`), { resolved: true });
  } catch (error) {
    if (error && error.resolved) throw error;
    return error;
  }
}

/**
 * Calls `fn`, an async API call with bad input: it must not throw synchronously but return a
 * promise that rejects. Returns the rejection reason (a Jest assertion fails otherwise).
 */
async function asyncRejectionOf(fn) {
  let promise;
  expect(() => {
    promise = fn();
  }).not.toThrow();
  expect(promise).toBeInstanceOf(Promise);
  return rejectionOf(promise);
}

/**
 * The promise's outcome ({resolved, value} or {rejected, reason}), or "pending" if it has not
 * settled after `ms`. The timer is cleared either way, so nothing is left running.
 */
function outcomeWithin(promise, ms) {
  let timer;
  const expiry = new Promise((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  const outcome = promise.then(
    (value) => ({ resolved: true, value }),
    (reason) => ({ rejected: true, reason }),
  );
  return Promise.race([outcome, expiry]).finally(() => clearTimeout(timer));
}

module.exports = { sleep, waitFor, rejectionOf, asyncRejectionOf, outcomeWithin };
