// JSON bodies describing a queued request: the submit response and the status objects (wire doc
// §5.2, §5.3). Kept apart from the routes so the status stream (SSE) can reuse them.

import type { Job, JobQueue } from "./queue";

/**
 * response_url / status_url / cancel_url. Like fal's, they use only `[ns/]owner/alias`: the
 * endpoint path (e.g. "v1.1-ultra") is dropped.
 */
export function requestUrls(job: Job): { response_url: string; status_url: string; cancel_url: string } {
  const base = `${job.origin}/queue/${job.appId}/requests/${job.id}`;
  return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

export function submitBody(job: Job, queue: JobQueue): Record<string, unknown> {
  return {
    status: "IN_QUEUE",
    request_id: job.id,
    ...requestUrls(job),
    queue_position: queue.position(job),
  };
}

/**
 * A status object. Key presence matters to the Python client: `queue_position` must exist for
 * IN_QUEUE, `logs` (null when logs are off) for IN_PROGRESS and COMPLETED.
 */
export function statusBody(job: Job, queue: JobQueue, withLogs: boolean): Record<string, unknown> {
  const common = { status: job.status, request_id: job.id, ...requestUrls(job) };
  if (job.status === "IN_QUEUE") return { ...common, queue_position: queue.position(job) };

  const logs = withLogs ? queue.recentLogs(job) : null;
  if (job.status === "IN_PROGRESS") return { ...common, logs };

  const metrics =
    job.startedAt !== undefined && job.completedAt !== undefined
      ? { inference_time: (job.completedAt - job.startedAt) / 1000 }
      : {};
  const failure = job.outcome?.failure;
  return {
    ...common,
    logs,
    metrics,
    ...(failure ? { error: failure.error, error_type: failure.errorType } : {}),
  };
}
