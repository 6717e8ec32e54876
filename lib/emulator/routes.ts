// Top-level routing. Every logical fal host is a path prefix on the one server:
//
//   <url>/run/...    fal.run         synchronous run            (run-route.ts)
//   <url>/queue/...  queue.fal.run   submit/status/result/cancel (queue-routes.ts)
//   <url>/rest/...   rest.fal.ai     storage initiate calls      (storage-routes.ts), POST tokens/ (tokens.ts)
//   <url>/rest/.well-known/jwks.json  webhook signing key(s), no auth (webhooks.ts); also at
//                    <url>/.well-known/jwks.json
//   <url>/run/<app>/realtime  WebSocket upgrade, ?fal_jwt_token= (realtime.ts)
//   <url>/run/<id>/stream     SSE run streaming (stream-routes.ts)
//   <url>/queue/<app>/requests/<id>/status/stream  SSE status stream (status-stream.ts)
//   <url>/cdn/...    v3.fal.media    file downloads              (cdn-routes.ts)
//   <url>/cdn-upload/...  presigned upload URLs, no auth     (upload-routes.ts; handed out as
//                    http://localhost:<port>/... so they are on another host than the REST routes)
//   <url>/           health check, no auth: {"status":"ok","models":[...],"connections":{...}}
//                    (connections: accepted TCP connections, failed TLS handshakes and
//                    connections by protocol, "h2" / "http/1.1"; benchmarks read them)
//
// run, queue and rest require `Authorization: Key <k>` (or `Bearer <t>`); see auth.ts. Run routes
// and the queue status stream also accept a temporary token from POST <rest>/tokens/ as
// ?fal_jwt_token= (tokens.ts), as client-mode streams send it.
//
// ---------------------------------------------------------------------------------------------
// Test scenarios
//
// Send the header `x-fal-emulator-scenario: <value>[,<value>...]` on a run or queue submit
// request (or put the same string in the input as "fal_emulator_scenario", for callers that
// cannot set headers). The scenario sticks to that request for its whole life.
//
//   fail-500       the app crashes halfway through inference: status COMPLETED with
//                  error "Internal Server Error" / error_type "internal_error"; the result (or
//                  the run response) is 500 {"detail":"Internal Server Error"}.
//   fail-422       the model runs to the end, then rejects the request: result 422
//                  {"detail":[{"loc":["body","prompt"],"type":"content_policy_violation",...}]}.
//   fail-503       the runner disconnects halfway: result 503
//                  {"detail":"Runner disconnected","error_type":"runner_disconnected"} with
//                  X-Fal-Error-Type: runner_disconnected.
//   slow           queue wait and every inference step take 10x longer.
//   nsfw           has_nsfw_concepts is true for every image and the pictures are black.
//   ignore-cancel  the running app ignores cancellation (cancel still answers 202, as fal does
//                  when it forwards the cancel to an app that does not honour it).
//
// Webhook scenarios (queue submits with ?fal_webhook=; webhooks.ts), combinable with the above:
//   webhook-bad-signature    signed with a key that is not in the JWKS.
//   webhook-stale-timestamp  X-Fal-Webhook-Timestamp is 10 minutes old (correctly signed).
//   webhook-duplicate        after the first 2xx the same body is delivered once more.
//   webhook-non-json         payload null plus payload_error, as when the result is not JSON.
//
// Storage scenarios go on the storage initiate call (POST /rest/storage/upload/initiate or
// initiate-multipart) and apply to the PUTs of that one upload:
//
//   part-fail-once    every part PUT fails once with 500 the first time that part number is
//                     tried, then succeeds (exercises the JS client's 3 tries per part).
//   part-fail-always  part 2 always fails with 500 {"detail":"part storage unavailable"}
//                     (exercises "retries exhausted").
//   put-fail-once     the single (non-multipart) PUT fails once with 503, then succeeds.
//
// Model scenarios are unknown to storage routes and storage scenarios unknown to model routes.
// Unknown values are rejected with 400 so typos do not silently do nothing.
// ---------------------------------------------------------------------------------------------

import { checkAuthorization } from "./auth";
import { handleCdn } from "./cdn-routes";
import { replyDetail, replyJson, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import { MODELS } from "./models";
import { handleQueue } from "./queue-routes";
import { handleRealtimeUpgrade } from "./realtime";
import { handleRun } from "./run-route";
import { isUpgrade } from "./server";
import { handleStatusStream, statusStreamRoute } from "./status-stream";
import { handleRunStream } from "./stream-routes";
import type { EmulatorState } from "./state";
import { handleStorage } from "./storage-routes";
import { checkQueryToken, handleTokens } from "./tokens";
import { handleUpload } from "./upload-routes";

export async function route(ctx: Ctx, state: EmulatorState): Promise<void> {
  const [host, ...rest] = ctx.segments;
  // WebSocket upgrades (realtime) authenticate with a token in the URL; nothing else takes them.
  if (isUpgrade(ctx)) return handleRealtimeUpgrade(ctx, state);

  if (host === undefined) {
    replyJson(ctx, 200, { status: "ok", emulator: "fal-native", models: MODELS.map((m) => m.id), connections: state.connections });
    return;
  }
  if (isJwksPath(host === "rest" ? rest : ctx.segments)) {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return replyMethodNotAllowed(ctx, ["GET"]);
    replyJson(ctx, 200, state.webhooks.jwks(), { "cache-control": "public, max-age=3600" });
    return;
  }
  if (host === "cdn") return handleCdn(ctx, rest, state);
  // Presigned: the token and signature in the URL are the credential, so no auth check.
  if (host === "cdn-upload") return handleUpload(ctx, rest, state);
  if (host !== "run" && host !== "queue" && host !== "rest") {
    replyNotFound(ctx);
    return;
  }

  // Client-mode streams (run /stream and the queue status stream) may carry ?fal_jwt_token=.
  const takesToken = host === "run" || (host === "queue" && statusStreamRoute(rest) !== undefined);
  const auth = (takesToken ? checkQueryToken(ctx, rest, state) : undefined) ?? checkAuthorization(ctx.headers["authorization"], state.apiKey);
  if (!auth.ok) {
    replyDetail(ctx, 401, auth.detail, { "www-authenticate": "Key" });
    return;
  }

  switch (host) {
    case "run":
      // "<id>/stream": SSE run streaming (stream-routes.ts, checklist row 8).
      if (rest.length > 2 && rest[rest.length - 1] === "stream") return handleRunStream(ctx, rest.slice(0, -1), state);
      return handleRun(ctx, rest, state);
    case "queue": {
      // ".../requests/<id>/status/stream": SSE status stream (status-stream.ts, checklist row 4).
      const statusStream = statusStreamRoute(rest);
      if (statusStream) return handleStatusStream(ctx, statusStream, state);
      return handleQueue(ctx, rest, state);
    }
    case "rest":
      // The storage token route (checklist row 14) is not implemented yet.
      if (rest[0] === "storage") return handleStorage(ctx, rest.slice(1), state);
      if (rest[0] === "tokens") return handleTokens(ctx, rest.slice(1), state);
      return replyNotFound(ctx);
  }
}

/** `.well-known/jwks.json` (below <rest> or at the root): public, like fal's. */
function isJwksPath(segments: string[]): boolean {
  return segments.length === 2 && segments[0] === ".well-known" && segments[1] === "jwks.json";
}
