/// <reference types="node" preserve="true" />
// fal-native's local fal.ai emulator: a fal-compatible HTTP server for the demo, tests and
// benchmarks. Start it, then point a client at `emulator.urls` (or `emulator.env`).
//
//   const { startEmulator } = require("fal-native/emulator");
//   const emulator = await startEmulator({ timing: { queueMs: 10, stepMs: 5, steps: 3 } });
//   ... POST `${emulator.urls.queue}/fal-ai/flux-1/schnell` ...
//   await emulator.close();
//
// Module map: server.ts (HTTP) -> routes.ts (dispatch, scenario docs) -> run-route.ts /
// queue-routes.ts / cdn-routes.ts / storage-routes.ts + upload-routes.ts (uploads.ts holds
// unfinished uploads) -> queue.ts (request state machine) -> inference.ts (the fake
// model) -> images.ts / files.ts (pictures and their storage). Models: models.ts; validation:
// validate.ts. SSE: stream-routes.ts (run /stream) and status-stream.ts, both writing through sse.ts
// (back-pressure, per-stream stats in stream-stats.ts). HTTPS + HTTP/2: server.ts with
// certificates.ts (the CA and server certificate) and wire.ts (HTTP/1.1 vs HTTP/2 responses).
// Webhooks: webhooks.ts (signed deliveries with retries, the JWKS at <rest>/.well-known/jwks.json).

import { prepareTls, type TlsMaterial } from "./certificates";
import { FileStore } from "./files";
import { JobQueue } from "./queue";
import { route } from "./routes";
import { startServer } from "./server";
import { StreamRegistry } from "./stream-stats";
import type { ConnectionStats, Emulator, EmulatorOptions, RecordedRequest, ResolvedTiming, StoredFileInfo } from "./types";
import { streamsUploadBody } from "./upload-routes";
import { UploadStore } from "./uploads";
import { WebhookDispatcher } from "./webhooks";

export type { ConnectionStats, Emulator, EmulatorOptions, EmulatorTiming, RecordedRequest, StoredFileInfo, StreamStats, WebhookAttempt, WebhookDelivery } from "./types";
export type { Jwk, WebhookOptions } from "./webhooks";
export { RETRY_SCHEDULE_MS as WEBHOOK_RETRY_SCHEDULE_MS } from "./webhooks";
export type { EmulatorTlsOptions } from "./certificates";
export { STREAM_TEST_ENDPOINT } from "./stream-test-model";
export { MODELS } from "./models";
export { SCENARIOS, SCENARIO_HEADER, STORAGE_SCENARIOS, type Scenario, type StorageScenario } from "./scenarios";

/** Realistic but quick: a request takes about 1.5 s end to end. */
export const DEFAULT_TIMING: ResolvedTiming = {
  queueMs: 250,
  stepMs: 150,
  steps: 8,
  runners: 2,
  logWindowMs: 10_000,
  keepAliveMs: 15_000,
  realtimeIdleMs: 60_000,
  webhookRetryScale: 0.01,
  webhookTimeoutMs: 15_000,
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const timing = resolveTiming(options.timing);
  const files = new FileStore();
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`[fal-emulator] ${line}\n`);
  const webhooks = new WebhookDispatcher(options.webhooks ?? {}, timing, log);
  const queue = new JobQueue({ timing, files, maxImageSide: options.maxImageSide ?? 512, fetchInputUrls: options.fetchInputUrls, onCompleted: (job) => webhooks.completed(job) });
  const requests: RecordedRequest[] = [];
  const uploads = new UploadStore();
  const streams = new StreamRegistry();
  const connections: ConnectionStats = { accepted: 0, tlsFailures: 0, protocols: {} };
  const state = { queue, files, uploads, apiKey: options.apiKey, timing, streams, connections, webhooks };

  const tls: TlsMaterial | undefined = options.tls ? await prepareTls(options.tls === true ? {} : options.tls) : undefined;
  const server = await startServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    handler: (ctx) => route(ctx, state),
    streamsBody: streamsUploadBody,
    recorded: requests,
    maxRecorded: options.maxRecordedRequests ?? 10_000,
    log,
    connections,
    tls,
  }).catch(async (error: unknown) => {
    queue.dispose();
    webhooks.dispose();
    await tls?.dispose();
    throw error;
  });

  const urls = {
    run: `${server.url}/run`,
    queue: `${server.url}/queue`,
    rest: `${server.url}/rest`,
    cdn: `${server.url}/cdn`,
  };
  const env: Record<string, string> = {
    FAL_RUN_URL: urls.run,
    FAL_QUEUE_URL: urls.queue,
    FAL_REST_URL: urls.rest,
    FAL_CDN_URL: urls.cdn,
  };
  if (options.apiKey !== undefined) env.FAL_KEY = options.apiKey;

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    urls,
    env,
    requests,
    streams: streams.list,
    connections,
    caPem: tls?.caPem,
    caFile: tls?.caFile,
    webhooks: webhooks.deliveries,
    jwksUrl: `${urls.rest}/.well-known/jwks.json`,
    webhookJwks: () => webhooks.jwks(),
    rotateWebhookKey: (dropOld) => webhooks.rotateKey(dropOld),
    storedFile: (fileUrl) => storedFile(files, fileUrl),
    close() {
      closing ??= (async () => {
        queue.dispose();
        webhooks.dispose();
        await server.close();
        await tls?.dispose();
        uploads.clear();
        files.clear();
      })();
      return closing;
    },
  };
}

function resolveTiming(timing: EmulatorOptions["timing"] = {}): ResolvedTiming {
  const pick = (value: number | undefined, fallback: number, min: number) =>
    typeof value === "number" && Number.isFinite(value) ? Math.max(min, value) : fallback;
  return {
    queueMs: pick(timing.queueMs, DEFAULT_TIMING.queueMs, 0),
    stepMs: pick(timing.stepMs, DEFAULT_TIMING.stepMs, 0),
    steps: Math.round(pick(timing.steps, DEFAULT_TIMING.steps, 0)),
    runners: Math.round(pick(timing.runners, DEFAULT_TIMING.runners, 1)),
    logWindowMs: pick(timing.logWindowMs, DEFAULT_TIMING.logWindowMs, 0),
    keepAliveMs: pick(timing.keepAliveMs, DEFAULT_TIMING.keepAliveMs, 1),
    realtimeIdleMs: pick(timing.realtimeIdleMs, DEFAULT_TIMING.realtimeIdleMs, 1),
    webhookRetryScale: pick(timing.webhookRetryScale, DEFAULT_TIMING.webhookRetryScale, 0),
    webhookTimeoutMs: pick(timing.webhookTimeoutMs, DEFAULT_TIMING.webhookTimeoutMs, 1),
  };
}

/** Look a file_url up by its path (any host): "/cdn/files/<name...>". */
function storedFile(files: FileStore, fileUrl: string): StoredFileInfo | undefined {
  let segments: string[];
  try {
    segments = new URL(fileUrl).pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments[0] !== "cdn" || segments[1] !== "files" || segments.length < 3) return undefined;
  const name = segments.slice(2).join("/");
  const upload = files.getUpload(name);
  if (upload) {
    return {
      get bytes() {
        return Buffer.concat(upload.chunks, upload.size);
      },
      size: upload.size,
      contentType: upload.contentType,
      lifecycle: upload.lifecycle,
      fileName: upload.fileName,
    };
  }
  const generated = files.get(name);
  if (!generated) return undefined;
  return {
    bytes: generated.bytes,
    size: generated.bytes.length,
    contentType: generated.contentType,
    lifecycle: undefined,
    fileName: segments[segments.length - 1],
  };
}
