// Status polling from JS (queue.subscribeToStatus, and subscribe when middleware must see every
// request): first poll at once, then one every pollInterval until COMPLETED.
import type { QueueClient, QueueStatusSubscriptionOptions } from "../../types/queue";
import type { CompletedQueueStatus } from "../../types/common";
import { abortReason, onAbort } from "../core/abort";

export const DEFAULT_POLL_INTERVAL = 500;

export function timeoutError(timeout: number): Error {
  return new Error(`Client timed out waiting for the request to complete after ${timeout}ms`);
}

export function pollUntilCompleted(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
): Promise<CompletedQueueStatus> {
  const { requestId, abortSignal: signal, onQueueUpdate, timeout } = options;
  const logs = options.logs ?? false;
  const pollInterval = ("pollInterval" in options && options.pollInterval) || DEFAULT_POLL_INTERVAL;

  return new Promise<CompletedQueueStatus>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    // Cancels the in-flight status request once the outcome is decided (abort, timeout).
    const inflight = new AbortController();
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(pollTimer);
      clearTimeout(timeoutTimer);
      detachAbort();
      inflight.abort();
      outcome();
    };

    // Unlike the official client (which notices an abort only at the next poll), reject at once.
    const detachAbort = onAbort(signal, () => settle(() => reject(abortReason(signal!))));

    if (timeout) {
      timeoutTimer = setTimeout(() => {
        settle(() => reject(timeoutError(timeout)));
        // Best effort, as officially: the rejection stands whatever the server says.
        queue.cancel(endpointId, { requestId }).catch(() => {});
      }, timeout);
    }

    const poll = async () => {
      try {
        const status = await queue.status(endpointId, { requestId, logs, abortSignal: inflight.signal });
        if (settled) return;
        onQueueUpdate?.(status);
        if (status.status === "COMPLETED") {
          settle(() => resolve(status));
          return;
        }
        pollTimer = setTimeout(poll, pollInterval);
      } catch (error) {
        settle(() => reject(error));
      }
    };
    void poll();
  });
}
