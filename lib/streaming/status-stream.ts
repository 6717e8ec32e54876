// queue.subscribeToStatus in "streaming" mode: follow the SSE status stream until COMPLETED,
// handing onQueueUpdate each status with the logs of all events so far (as polling would show).
// Unlike the official client, the timeout rejects the promise (instead of throwing inside a
// timer) and stops the stream; an abort does the same at once.
import type { QueueClient, QueueStatusSubscriptionOptions } from "../../types/queue";
import type { CompletedQueueStatus, QueueStatus, RequestLog } from "../../types/common";
import { abortReason, onAbort } from "../core/abort";
import { pollUntilCompleted, timeoutError } from "../api/polling";

export async function streamUntilCompleted(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
): Promise<CompletedQueueStatus> {
  const { requestId, abortSignal: signal, onQueueUpdate, timeout } = options;
  const started = Date.now();
  if (signal?.aborted) throw abortReason(signal);
  const connectionMode = "connectionMode" in options ? options.connectionMode : undefined;
  const stream = await queue.streamStatus(endpointId, {
    requestId,
    logs: options.logs ?? false,
    connectionMode,
    abortSignal: signal,
  });

  const last = await new Promise<QueueStatus | undefined>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      detachAbort();
      outcome();
    };
    const timer = timeout
      ? setTimeout(() => {
          settle(() => reject(timeoutError(timeout)));
          stream.abort();
          // Best effort, as officially: the rejection stands whatever the server says.
          queue.cancel(endpointId, { requestId }).catch(() => {});
        }, timeout)
      : undefined;
    const detachAbort = onAbort(signal, () => {
      settle(() => reject(abortReason(signal!)));
      stream.abort();
    });

    const logs: RequestLog[] = [];
    stream.on("data", (status: QueueStatus) => {
      if (!onQueueUpdate || settled) return;
      if (!status || typeof status !== "object" || !("logs" in status)) {
        onQueueUpdate(status);
        return;
      }
      if (Array.isArray(status.logs)) logs.push(...status.logs);
      onQueueUpdate({ ...status, logs: [...logs] } as QueueStatus);
    });
    stream.done().then(
      (status) => settle(() => resolve(status as QueueStatus | undefined)),
      (error) => settle(() => reject(error)),
    );
  });

  if (last && last.status === "COMPLETED") return last as CompletedQueueStatus;
  // The stream closed before COMPLETED (a proxy cut it, the server restarted): finish by
  // polling rather than fetching a result that is not there yet.
  const remaining = timeout ? Math.max(1, timeout - (Date.now() - started)) : undefined;
  return pollUntilCompleted(queue, endpointId, { ...options, mode: "polling", timeout: remaining } as QueueStatusSubscriptionOptions);
}
