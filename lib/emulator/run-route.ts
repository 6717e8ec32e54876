// Synchronous run: `POST <url>/run/<endpoint id>` (or GET with the input in the query string).
// The request goes through the same queue and runners as queue submissions, and the HTTP
// response waits for it, then carries the model's status, body and headers (wire doc §4).

import { replyJson, replyMethodNotAllowed, type Ctx } from "./http";
import type { Job, JobQueue } from "./queue";
import type { EmulatorState } from "./state";
import { readSubmission } from "./submission";

export async function handleRun(ctx: Ctx, endpointSegments: string[], state: EmulatorState): Promise<void> {
  if (ctx.method !== "POST" && ctx.method !== "GET") {
    replyMethodNotAllowed(ctx, ["POST", "GET"]);
    return;
  }
  const params = readSubmission(ctx, endpointSegments, ctx.method === "GET" ? "query" : "body");
  if (!params) return;

  // fal_webhook means something on queue submits only (wire doc §11).
  const job = state.queue.submit({ ...params, webhookUrl: undefined });
  ctx.requestId = job.id;

  // A caller that hangs up should not keep a runner busy.
  const onClose = () => {
    if (job.status !== "COMPLETED") state.queue.cancel(job.id);
  };
  ctx.res.on("close", onClose);

  const done = await whenCompleted(state.queue, job);
  ctx.res.off("close", onClose);
  const response = done.outcome?.response;
  if (!response) return;
  replyJson(ctx, response.status, response.body, response.headers);
}

function whenCompleted(queue: JobQueue, job: Job): Promise<Job> {
  return new Promise((resolve) => {
    if (job.status === "COMPLETED") {
      resolve(job);
      return;
    }
    const unsubscribe = queue.subscribe(job, (changed) => {
      if (changed.status !== "COMPLETED") return;
      unsubscribe();
      resolve(changed);
    });
  });
}
