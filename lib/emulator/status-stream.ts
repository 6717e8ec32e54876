// Queue status stream (wire doc §5.4):
//   GET <queue>/[ns/]owner/alias/requests/<id>/status/stream?logs=0|1
// answers `200 text/event-stream`. Each event is a status object shaped like the polling route's
// (job-views.ts statusBody), sent whenever the status or queue position changes and, with
// logs=1, whenever new log lines appear. Each event carries only the log lines that are new
// since the previous event (the official client concatenates them). When nothing has been
// sent for `timing.keepAliveMs` a `: keepalive` comment goes out. The stream ends right after
// the COMPLETED status. Unknown ids get the polling route's 404.

import { parseRequestRoute, prefixMatches, type RequestRoute } from "./endpoint-id";
import { replyDetail, replyMethodNotAllowed, type Ctx } from "./http";
import { statusBody } from "./job-views";
import type { Job } from "./queue";
import { SseWriter } from "./sse";
import { CLOSED, Mailbox, TIMED_OUT } from "./stream-mailbox";
import type { EmulatorState } from "./state";

/** The parsed route when `segments` (below the queue prefix) address a status stream. */
export function statusStreamRoute(segments: string[]): RequestRoute | undefined {
  const route = parseRequestRoute(segments);
  return route && route.action === "status/stream" ? route : undefined;
}

export async function handleStatusStream(ctx: Ctx, route: RequestRoute, state: EmulatorState): Promise<void> {
  ctx.requestId = route.requestId;
  if (ctx.method !== "GET") return replyMethodNotAllowed(ctx, ["GET"]);
  const found = state.queue.get(route.requestId);
  const job = found && prefixMatches(route.prefix, found.appId) ? found : undefined;
  if (!job) return replyDetail(ctx, 404, `Request ${route.requestId} not found`);
  const withLogs = ["1", "true"].includes((ctx.query.get("logs") ?? "0").toLowerCase());

  const writer = new SseWriter(ctx, state.streams.open("status", job.id, route.prefix));
  writer.open(job.id);

  // Snapshots are taken synchronously on every change, so no transition is lost while the
  // writer waits for a slow client.
  const mailbox = new Mailbox<Record<string, unknown>>();
  let lastKey = "";
  let logsSent = 0;
  const snapshot = (current: Job) => {
    const body = statusBody(current, state.queue, false);
    const key = `${current.status}/${String(body.queue_position ?? "")}`;
    const logsShown = withLogs && current.status !== "IN_QUEUE";
    const newLogs = logsShown ? current.logs.slice(logsSent) : [];
    if (key === lastKey && newLogs.length === 0) return;
    lastKey = key;
    if (logsShown) {
      body.logs = newLogs;
      logsSent = current.logs.length;
    }
    mailbox.push(body);
    if (current.status === "COMPLETED") mailbox.close();
  };
  snapshot(job);
  const unsubscribe = job.status === "COMPLETED" ? () => true : state.queue.subscribe(job, snapshot);
  const onClose = () => mailbox.abort();
  ctx.res.on("close", onClose);

  try {
    for (;;) {
      const next = await mailbox.take(state.timing.keepAliveMs);
      if (next === CLOSED) break;
      const written = next === TIMED_OUT ? await writer.comment("keepalive") : await writer.event({ data: JSON.stringify(next) });
      if (!written) return;
    }
    await writer.end();
  } finally {
    unsubscribe();
    ctx.res.off("close", onClose);
  }
}
