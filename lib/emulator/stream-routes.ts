// Run streaming (wire doc §9): `POST <run>/<endpoint id>/stream` answers
// `200 text/event-stream` with one JSON document per `data:` event and closes; the last event
// is the output. Problems found before the model starts producing (unknown endpoint, bad
// JSON, 422 validation, the emulator's fail-* scenarios, a start timeout) are answered as an
// ordinary JSON error response, never as an event.
//
// Two kinds of endpoints stream:
// - the seed models marked in models.ts (HiDream I1 full/fast): the request goes through the
//   emulator's queue and runners like a sync run; headers are sent when a runner picks it up,
//   then one preview event per inference step, then the output;
// - `fal-native/stream-test` (stream-test-model.ts): a scripted stream for client tests.

import { parseEndpointId } from "./endpoint-id";
import { parseJsonBody, replyDetail, replyJson, replyMethodNotAllowed, type Ctx } from "./http";
import { findModel, streamsPartialOutputs } from "./models";
import * as outcomes from "./outcomes";
import type { Job } from "./queue";
import { randomSeed } from "./random";
import { handleRun } from "./run-route";
import { parseScenarios, SCENARIO_HEADER, SCENARIOS, type Scenario } from "./scenarios";
import { SseWriter } from "./sse";
import { CLOSED, Mailbox, TIMED_OUT } from "./stream-mailbox";
import { previewEvent } from "./stream-previews";
import { errorEventData, eventData, STREAM_TEST_ENDPOINT, STREAM_TEST_INPUT, toScript, type StreamTestScript } from "./stream-test-model";
import type { EmulatorState } from "./state";
import { readSubmission } from "./submission";
import type { Outcome } from "./types";
import { validateInput } from "./validate";

/** `segments` is the run path with the trailing "stream" already removed. */
export async function handleRunStream(ctx: Ctx, segments: string[], state: EmulatorState): Promise<void> {
  const endpoint = parseEndpointId(segments);
  if (endpoint?.full === STREAM_TEST_ENDPOINT) return streamTestModel(ctx, state);
  const model = endpoint ? findModel(endpoint.full) : undefined;
  if (!model) {
    // Not a model with a stream route: whatever a plain run of ".../stream" answers (404s).
    return handleRun(ctx, [...segments, "stream"], state);
  }
  if (!streamsPartialOutputs(model.id)) {
    replyDetail(ctx, 404, "Path /stream not found");
    return;
  }
  if (ctx.method !== "POST" && ctx.method !== "GET") return replyMethodNotAllowed(ctx, ["POST", "GET"]);
  return streamModel(ctx, segments, state);
}

/** Reply with a finished request's outcome as plain JSON (status, body, headers). */
function replyOutcome(ctx: Ctx, outcome: Outcome): void {
  const { status, body, headers } = outcome.response;
  replyJson(ctx, status, body, headers);
}

const FAILURE_SCENARIOS: readonly Scenario[] = ["fail-500", "fail-422", "fail-503"];

// ---- seed models ----

type ModelStep = { kind: "started" } | { kind: "step"; step: number } | { kind: "completed"; job: Job };

async function streamModel(ctx: Ctx, segments: string[], state: EmulatorState): Promise<void> {
  const params = readSubmission(ctx, segments, ctx.method === "GET" ? "query" : "body");
  if (!params) return;
  // The app validates before it streams anything, so a 422 is a JSON response.
  const validation = validateInput(params.model.input, params.input);
  if (!validation.ok) {
    replyOutcome(ctx, outcomes.validationFailed(validation.issues));
    return;
  }
  // Fix the seed up front so the previews and the final images agree.
  const seed = typeof validation.value.seed === "number" ? validation.value.seed : randomSeed();
  const input = { ...validation.value, seed };
  const job = state.queue.submit({ ...params, input: { ...(params.input as Record<string, unknown>), seed } });
  ctx.requestId = job.id;
  // Failure scenarios are answered as a whole JSON error once the request has failed.
  const holdHeaders = FAILURE_SCENARIOS.some((scenario) => params.scenarios.has(scenario));

  const { steps } = state.timing;
  const mailbox = new Mailbox<ModelStep>();
  let started = false;
  let nextStep = 1;
  let logsSeen = 0;
  const unsubscribe = state.queue.subscribe(job, (changed) => {
    if (!started && changed.status !== "IN_QUEUE") {
      started = true;
      mailbox.push({ kind: "started" });
    }
    // One preview per step log the running app writes (progressLog.step in inference.ts).
    for (; logsSeen < changed.logs.length; logsSeen++) {
      const match = /^Step (\d+)\/(\d+)\b/.exec(changed.logs[logsSeen].message);
      if (match && Number(match[1]) === nextStep) mailbox.push({ kind: "step", step: nextStep++ });
    }
    if (changed.status === "COMPLETED") {
      mailbox.push({ kind: "completed", job: changed });
      mailbox.close();
    }
  });
  const onClose = () => {
    // A caller that hangs up should not keep a runner busy.
    if (job.status !== "COMPLETED") state.queue.cancel(job.id);
    mailbox.abort();
  };
  ctx.res.on("close", onClose);

  let writer: SseWriter | undefined;
  try {
    for (;;) {
      const next = await mailbox.take();
      if (next === CLOSED || next === TIMED_OUT) return;
      if (next.kind === "started") {
        if (holdHeaders) continue;
        writer = new SseWriter(ctx, state.streams.open("run", job.id, params.model.id));
        writer.open(job.id);
      } else if (next.kind === "step") {
        if (!writer) continue;
        const preview = previewEvent({ model: params.model, input, step: next.step, steps, blank: params.scenarios.has("nsfw") });
        if (!(await writer.event({ data: JSON.stringify(preview) }))) return;
      } else {
        const outcome = next.job.outcome;
        if (!outcome) return;
        if (!writer) return replyOutcome(ctx, outcome);
        // After the stream has started a failure can only be an app-level error payload.
        const body = outcome.failure
          ? { detail: outcome.failure.error, error_type: outcome.failure.errorType }
          : outcome.response.body;
        await writer.event({ data: JSON.stringify(body) });
        await writer.end();
        return;
      }
    }
  } finally {
    unsubscribe();
    ctx.res.off("close", onClose);
  }
}

// ---- fal-native/stream-test ----

async function streamTestModel(ctx: Ctx, state: EmulatorState): Promise<void> {
  if (ctx.method !== "POST" && ctx.method !== "GET") return replyMethodNotAllowed(ctx, ["POST", "GET"]);
  let body: unknown;
  if (ctx.method === "GET") {
    body = Object.fromEntries(ctx.query);
  } else {
    const parsed = parseJsonBody(ctx.body);
    if (!parsed.ok) return replyJson(ctx, 422, { detail: parsed.detail });
    // No body means "all defaults" here (a real app would 422; this endpoint is for tests).
    body = parsed.value ?? {};
  }
  const scenarios = parseScenarios(ctx.headers[SCENARIO_HEADER], body);
  if (!scenarios.ok) {
    return replyDetail(ctx, 400, `Unknown emulator scenario '${scenarios.unknown}'. Known: ${SCENARIOS.join(", ")}.`);
  }
  const validation = validateInput(STREAM_TEST_INPUT, body);
  if (!validation.ok) return replyOutcome(ctx, outcomes.validationFailed(validation.issues));
  const script = toScript(validation.value);
  if (script.eventName !== undefined && /[\r\n]/.test(script.eventName)) {
    return replyOutcome(
      ctx,
      outcomes.validationFailed([
        { loc: ["body", "eventName"], msg: "eventName must not contain line breaks", type: "value_error", input: script.eventName },
      ]),
    );
  }
  if (scenarios.scenarios.has("fail-500")) return replyOutcome(ctx, outcomes.internalServerError());
  if (scenarios.scenarios.has("fail-503")) return replyOutcome(ctx, outcomes.runnerDisconnected());
  if (scenarios.scenarios.has("fail-422")) return replyOutcome(ctx, outcomes.contentPolicyViolation(script.text));

  const writer = new SseWriter(ctx, state.streams.open("run", ctx.requestId, STREAM_TEST_ENDPOINT), {
    chunkBytes: script.chunkBytes,
    chunkDelayMs: script.chunkDelayMs,
  });
  writer.open(ctx.requestId);
  await playScript(writer, script);
}

/** Writes the scripted events; returns when the stream has ended or the client has gone. */
async function playScript(writer: SseWriter, script: StreamTestScript): Promise<void> {
  const filler = "x".repeat(script.payloadBytes);
  for (let index = 0; index <= script.count; index++) {
    if (index === script.stallAfter) {
      // Everything so far reaches the client; then silence until it gives up.
      await writer.flush();
      await writer.untilClosed();
      return;
    }
    if (index === script.failAfter) {
      if (script.failMode === "drop") return writer.drop();
      await writer.event({ data: errorEventData(index) });
      return writer.end();
    }
    if (index === script.count) break;
    if (index > 0 && script.intervalMs > 0) {
      await writer.flush();
      if (!(await writer.sleep(script.intervalMs))) return;
    }
    if (!(await writer.event({ data: eventData(script, index, filler), event: script.eventName }))) return;
    // Back to back, writes to a fast reader never wait; let other requests run now and then.
    if (script.intervalMs === 0 && index % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.end();
}
