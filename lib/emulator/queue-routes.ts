// Queue API under <url>/queue (wire doc §5):
//   POST <endpoint id>[?fal_webhook=]                 submit
//   GET  <app>/requests/<id>/status[/]?logs=1|0|true|false
//   GET  <app>/requests/<id>[/]                        result
//   PUT  <app>/requests/<id>/cancel[/]
// <app> is `[ns/]owner/alias`; the full endpoint id is accepted there too.

import { parseRequestRoute, prefixMatches } from "./endpoint-id";
import { replyDetail, replyJson, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import { statusBody, submitBody } from "./job-views";
import type { Job } from "./queue";
import type { EmulatorState } from "./state";
import { readSubmission } from "./submission";

export function handleQueue(ctx: Ctx, segments: string[], state: EmulatorState): void {
  const route = parseRequestRoute(segments);
  if (!route) {
    handleSubmit(ctx, segments, state);
    return;
  }
  ctx.requestId = route.requestId;
  const found = state.queue.get(route.requestId);
  const job = found && prefixMatches(route.prefix, found.appId) ? found : undefined;

  switch (route.action) {
    case "status":
      if (ctx.method !== "GET") return replyMethodNotAllowed(ctx, ["GET"]);
      return job ? handleStatus(ctx, job, state) : replyUnknownRequest(ctx, route.requestId);
    case "cancel":
      if (ctx.method !== "PUT" && ctx.method !== "POST") return replyMethodNotAllowed(ctx, ["PUT"]);
      return handleCancel(ctx, job, state);
    case "":
      if (ctx.method !== "GET") return replyMethodNotAllowed(ctx, ["GET"]);
      return job ? handleResult(ctx, job) : replyUnknownRequest(ctx, route.requestId);
    // "status/stream" (SSE, checklist row 4) belongs here once implemented.
    default:
      return replyNotFound(ctx);
  }
}

function handleSubmit(ctx: Ctx, segments: string[], state: EmulatorState): void {
  if (ctx.method !== "POST") return replyMethodNotAllowed(ctx, ["POST"]);
  const params = readSubmission(ctx, segments, "body");
  if (!params) return;
  const job = state.queue.submit(params);
  ctx.requestId = job.id;
  // fal answers a submit with 200 (not 201/202).
  replyJson(ctx, 200, submitBody(job, state.queue));
}

function handleStatus(ctx: Ctx, job: Job, state: EmulatorState): void {
  const withLogs = ["1", "true"].includes((ctx.query.get("logs") ?? "0").toLowerCase());
  // 202 while queued or running, 200 once completed (the fal SDK relies on this).
  replyJson(ctx, job.status === "COMPLETED" ? 200 : 202, statusBody(job, state.queue, withLogs));
}

function handleResult(ctx: Ctx, job: Job): void {
  if (job.status !== "COMPLETED" || !job.outcome) {
    replyDetail(ctx, 400, "Request is still in progress");
    return;
  }
  // Successful or not, replay exactly what the model answered.
  const { status, body, headers } = job.outcome.response;
  replyJson(ctx, status, body, headers);
}

function handleCancel(ctx: Ctx, job: Job | undefined, state: EmulatorState): void {
  const result = job ? state.queue.cancel(job.id) : "NOT_FOUND";
  const status = { CANCELLATION_REQUESTED: 202, ALREADY_COMPLETED: 400, NOT_FOUND: 404 }[result];
  replyJson(ctx, status, { status: result });
}

function replyUnknownRequest(ctx: Ctx, requestId: string): void {
  replyDetail(ctx, 404, `Request ${requestId} not found`);
}
