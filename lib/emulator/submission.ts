// Turning an incoming run or submit request into SubmitParams: which model, what input, which
// priority, timeout and scenarios. Problems that fal's gateway would reject before the app sees
// the request (unknown model, malformed JSON, bad headers) are answered here.

import { parseEndpointId } from "./endpoint-id";
import { parseJsonBody, replyDetail, replyJson, type Ctx } from "./http";
import { findModel, isKnownApp } from "./models";
import type { Priority, SubmitParams } from "./queue";
import { parseScenarios, SCENARIO_HEADER, SCENARIOS } from "./scenarios";

/** Parsed params, or undefined when an error response has already been sent. */
export function readSubmission(ctx: Ctx, endpointSegments: string[], input: "body" | "query"): SubmitParams | undefined {
  const endpoint = parseEndpointId(endpointSegments);
  if (!endpoint) {
    replyDetail(ctx, 404, `Path ${ctx.path} not found`);
    return undefined;
  }
  const model = findModel(endpoint.full);
  if (!model) {
    if (isKnownApp(endpoint.appId)) {
      // The app exists but has no such route: the fal SDK's default 404.
      replyDetail(ctx, 404, `Path /${endpoint.full.slice(endpoint.appId.length + 1)} not found`);
    } else {
      replyDetail(ctx, 404, `Application '${endpoint.appId}' not found`);
    }
    return undefined;
  }

  let body: unknown;
  if (input === "query") {
    body = queryToInput(ctx.query);
  } else {
    const parsed = parseJsonBody(ctx.body);
    if (!parsed.ok) {
      replyJson(ctx, 422, { detail: parsed.detail });
      return undefined;
    }
    body = parsed.value;
  }

  const priorityHeader = (ctx.headers["x-fal-queue-priority"] ?? "normal").trim().toLowerCase();
  if (priorityHeader !== "normal" && priorityHeader !== "low") {
    replyDetail(ctx, 400, `Invalid x-fal-queue-priority '${priorityHeader}'. Expected 'normal' or 'low'.`);
    return undefined;
  }

  let startTimeoutMs: number | undefined;
  const timeoutHeader = ctx.headers["x-fal-request-timeout"];
  if (timeoutHeader !== undefined) {
    const seconds = Number(timeoutHeader);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      replyDetail(ctx, 400, `Invalid x-fal-request-timeout '${timeoutHeader}'. Expected a positive number of seconds.`);
      return undefined;
    }
    startTimeoutMs = seconds * 1000;
  }

  const scenarios = parseScenarios(ctx.headers[SCENARIO_HEADER], body);
  if (!scenarios.ok) {
    replyDetail(ctx, 400, `Unknown emulator scenario '${scenarios.unknown}'. Known: ${SCENARIOS.join(", ")}.`);
    return undefined;
  }

  return {
    model,
    appId: endpoint.appId,
    input: body,
    priority: priorityHeader as Priority,
    scenarios: scenarios.scenarios,
    origin: ctx.origin,
    startTimeoutMs,
    webhookUrl: ctx.query.get("fal_webhook") ?? undefined,
  };
}

/**
 * The JS client's `run(..., {method: "get"})` sends the input as query parameters, so every
 * value arrives as a string; validation's lax coercion turns "2" into 2 and "true" into true.
 * Values that look like JSON objects or arrays are parsed.
 */
function queryToInput(query: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of query) {
    if (key === "fal_webhook") continue;
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        input[key] = JSON.parse(trimmed);
        continue;
      } catch {
        // Not JSON after all: keep the string.
      }
    }
    input[key] = value;
  }
  return input;
}
