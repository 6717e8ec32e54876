// Webhook receivers: node:http, Express, and Next.js (App Router and Pages Router). Each one reads
// the raw body itself, verifies it (verify.ts), runs the user's handler, and answers
//
//   200 {"ok":true}                      after the handler resolved (fal stops retrying)
//   200 {"ok":true,"duplicate":true}     a request id already handled within dedupeWindowMs:
//                                        the handler is not called again
//   401 {"error","reason"}               verification failed (reason: WebhookVerificationReason)
//   503 {"error","reason":"jwks_unavailable"}  fal's keys could not be fetched (fal retries later)
//   500 {"error":"webhook handler failed"}     the handler threw or rejected (fal retries later)
//   405 / 413 / 400                      not a POST / body over maxBodyBytes / body unreadable
//
// Duplicates: a request id is remembered once its handler succeeded (in memory by default, or in
// your `dedupeStore` for several instances). A delivery arriving while the same id is still being
// handled waits for that run and answers the same.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebHookResponse } from "../../types/common";
import {
  verifyWebhookWithMeta,
  WebhookVerificationError,
  type VerifiedWebhookMeta,
  type WebhookHeaders,
  type WebhookVerifyOptions,
} from "./verify";

/** Where handled request ids are remembered. Implement it over Redis & co. for several instances. */
export interface WebhookDedupeStore {
  /** Whether `requestId` was handled and is still within its window. */
  has(requestId: string): boolean | Promise<boolean>;
  /** Remember `requestId` for `ttlMs`. */
  add(requestId: string, ttlMs: number): void | Promise<void>;
}

export interface WebhookReceiverOptions extends WebhookVerifyOptions {
  /** How long a handled request id is remembered, in ms (default 600000 = 10 min). 0: no de-duplication. */
  dedupeWindowMs?: number;
  /** Default: an in-memory store private to this receiver. */
  dedupeStore?: WebhookDedupeStore;
  /** Larger bodies are refused with 413 (default 26214400 = 25 MiB). */
  maxBodyBytes?: number;
  /** Called with every verification or handler failure (for logging); its own errors are ignored. */
  onError?: (error: unknown, info: { requestId?: string; stage: "verify" | "handler" | "read" }) => void;
}

export interface WebhookContext<Request = unknown> {
  /** X-Fal-Webhook-Request-Id (verified). */
  requestId: string;
  /** X-Fal-Webhook-User-Id (verified). */
  userId: string;
  /** X-Fal-Webhook-Timestamp, unix seconds (verified). */
  timestamp: number;
  /** The exact bytes received. */
  rawBody: Buffer;
  /** The framework's request object (IncomingMessage, express Request, or web Request). */
  request: Request;
}

export type WebhookHandler<Output = any, Request = unknown> = (
  webhook: WebHookResponse<Output>,
  context: WebhookContext<Request>,
) => unknown | Promise<unknown>;

export const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** The in-memory store: ids expire after their ttl; expired ids are swept as new ones arrive. */
export class MemoryDedupeStore implements WebhookDedupeStore {
  private readonly seen = new Map<string, number>();
  has(requestId: string): boolean {
    const until = this.seen.get(requestId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.seen.delete(requestId);
    return false;
  }
  add(requestId: string, ttlMs: number): void {
    const now = Date.now();
    // Insertion order is expiry order for a fixed ttl: drop expired ones from the front.
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
    this.seen.delete(requestId);
    this.seen.set(requestId, now + ttlMs);
  }
}

export interface ReceiverReply {
  status: number;
  body: Record<string, unknown>;
}

class BodyTooLarge extends Error {}

/** What every receiver shares: verify, de-duplicate, handle, and pick the reply. */
export class WebhookReceiver<Output = any, Request = unknown> {
  private readonly store: WebhookDedupeStore;
  private readonly windowMs: number;
  private readonly running = new Map<string, Promise<ReceiverReply>>();
  readonly maxBodyBytes: number;

  constructor(
    private readonly handler: WebhookHandler<Output, Request>,
    private readonly options: WebhookReceiverOptions = {},
  ) {
    if (typeof handler !== "function") throw new TypeError("fal-native/webhooks: the webhook handler must be a function");
    this.store = options.dedupeStore ?? new MemoryDedupeStore();
    this.windowMs = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  async receive(headers: WebhookHeaders, rawBody: Buffer, request: Request): Promise<ReceiverReply> {
    let webhook: WebHookResponse<Output>;
    let meta: VerifiedWebhookMeta;
    try {
      ({ webhook, meta } = await verifyWebhookWithMeta<Output>({ ...this.options, headers, body: rawBody }));
    } catch (error) {
      this.report(error, { stage: "verify", requestId: error instanceof WebhookVerificationError ? error.requestId : undefined });
      if (error instanceof WebhookVerificationError) {
        return { status: error.reason === "jwks_unavailable" ? 503 : 401, body: { error: error.message, reason: error.reason } };
      }
      return { status: 400, body: { error: (error as Error).message } };
    }
    const id = webhook.request_id;
    const dedupe = this.windowMs > 0;
    const duplicate: ReceiverReply = { status: 200, body: { ok: true, duplicate: true } };
    if (dedupe) {
      // Checked and registered synchronously, so concurrent copies cannot both start the handler.
      const inFlight = this.running.get(id);
      if (inFlight) {
        const reply = await inFlight;
        return reply.status === 200 ? duplicate : reply;
      }
    }
    const run = (async (): Promise<ReceiverReply> => {
      if (dedupe && (await this.store.has(id))) return duplicate;
      try {
        await this.handler(webhook, { ...meta, rawBody, request });
      } catch (error) {
        this.report(error, { stage: "handler", requestId: id });
        return { status: 500, body: { error: "webhook handler failed" } };
      }
      if (dedupe) await this.store.add(id, this.windowMs);
      return { status: 200, body: { ok: true } };
    })();
    if (!dedupe) return run;
    this.running.set(id, run);
    try {
      return await run;
    } finally {
      this.running.delete(id);
    }
  }

  report(error: unknown, info: { requestId?: string; stage: "verify" | "handler" | "read" }): void {
    try {
      this.options.onError?.(error, info);
    } catch {
      // a logger must not change the answer
    }
  }
}

/** The raw body a framework may already have kept: req.rawBody, or a Buffer/string req.body (express.raw/text). */
function keptRawBody(req: IncomingMessage): Buffer | undefined {
  const { rawBody, body } = req as IncomingMessage & { rawBody?: unknown; body?: unknown };
  for (const value of [rawBody, body]) {
    if (typeof value === "string") return Buffer.from(value, "utf8");
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const kept = keptRawBody(req);
  if (kept) return kept.length > limit ? Promise.reject(new BodyTooLarge()) : Promise.resolve(kept);
  const consumed = req.readableEnded || (req as IncomingMessage & { _body?: boolean })._body === true;
  if (consumed || ((req as IncomingMessage & { body?: unknown }).body !== undefined && req.complete)) {
    return Promise.reject(
      new TypeError(
        "fal-native/webhooks: the request body was already consumed by a body parser, so the signature cannot be checked. " +
          "Mount the webhook handler before express.json() (or use express.raw({ type: '*/*' })), or keep the bytes: " +
          "express.json({ verify: (req, res, buf) => { req.rawBody = buf } }).",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, reply: ReceiverReply, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}

async function handleNode<Request extends IncomingMessage>(receiver: WebhookReceiver<any, Request>, req: Request, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") {
    sendJson(res, { status: 405, body: { error: "webhooks are POSTed" } }, { allow: "POST" });
    return;
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, receiver.maxBodyBytes);
  } catch (error) {
    receiver.report(error, { stage: "read" });
    if (error instanceof BodyTooLarge) {
      sendJson(res, { status: 413, body: { error: `body larger than ${receiver.maxBodyBytes} bytes` } }, { connection: "close" });
    } else {
      sendJson(res, { status: error instanceof TypeError ? 500 : 400, body: { error: (error as Error).message } });
    }
    return;
  }
  sendJson(res, await receiver.receive(req.headers, raw, req));
}

/**
 * A node:http request listener: `http.createServer(createWebhookHandler(async (webhook) => {...}))`,
 * or call it from your own routing for the webhook path.
 */
export function createWebhookHandler<Output = any>(
  handler: WebhookHandler<Output, IncomingMessage>,
  options: WebhookReceiverOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const receiver = new WebhookReceiver<Output, IncomingMessage>(handler, options);
  return (req, res) => {
    handleNode(receiver, req, res).catch((error: unknown) => {
      receiver.report(error, { stage: "read" });
      sendJson(res, { status: 500, body: { error: "webhook receiver failed" } });
    });
  };
}

/** Structural types so the package does not depend on express's. */
type ExpressLikeRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };
type ExpressLikeResponse = ServerResponse;
type NextFunction = (error?: unknown) => void;

/**
 * An Express route handler: `app.post("/fal/webhook", createExpressWebhookHandler(handler))`.
 * Mount it before express.json() (or app-wide parsers), or let a parser keep the bytes as
 * `req.rawBody` (express.json({ verify: keepRawBody })); a Buffer `req.body` from express.raw()
 * works too. Behind a parser that kept no bytes it answers 500 with a message saying so (fal then
 * retries, so fixing the mount order loses nothing). Unexpected failures go to `next(error)`.
 */
export function createExpressWebhookHandler<Output = any>(
  handler: WebhookHandler<Output, ExpressLikeRequest>,
  options: WebhookReceiverOptions = {},
): (req: ExpressLikeRequest, res: ExpressLikeResponse, next?: NextFunction) => void {
  const receiver = new WebhookReceiver<Output, ExpressLikeRequest>(handler, options);
  return (req, res, next) => {
    handleNode(receiver, req, res).catch((error: unknown) => {
      if (next) next(error);
      else sendJson(res, { status: 500, body: { error: "webhook receiver failed" } });
    });
  };
}

/** For express.json({ verify: keepRawBody }): keeps the exact bytes as req.rawBody. */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as ExpressLikeRequest).rawBody = buf;
}

/**
 * A Next.js App Router route handler (app/api/fal/webhook/route.ts):
 *
 *   export const runtime = "nodejs"; // fal-native is a native addon: not the Edge runtime
 *   export const POST = createNextRouteHandler(async (webhook) => { ... });
 *
 * Also any `(Request) => Promise<Response>` framework (Hono, Remix, Bun/Deno-style servers on Node).
 */
export function createNextRouteHandler<Output = any>(
  handler: WebhookHandler<Output, Request>,
  options: WebhookReceiverOptions = {},
): (request: Request) => Promise<Response> {
  const receiver = new WebhookReceiver<Output, Request>(handler, options);
  const json = (reply: ReceiverReply, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(reply.body), { status: reply.status, headers: { "content-type": "application/json", ...headers } });
  return async (request) => {
    if (request.method !== "POST") return json({ status: 405, body: { error: "webhooks are POSTed" } }, { allow: "POST" });
    const declared = Number(request.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > receiver.maxBodyBytes) {
      return json({ status: 413, body: { error: `body larger than ${receiver.maxBodyBytes} bytes` } });
    }
    let raw: Buffer;
    try {
      raw = Buffer.from(await request.arrayBuffer());
    } catch (error) {
      receiver.report(error, { stage: "read" });
      return json({ status: 400, body: { error: `could not read the body: ${(error as Error).message}` } });
    }
    if (raw.length > receiver.maxBodyBytes) return json({ status: 413, body: { error: `body larger than ${receiver.maxBodyBytes} bytes` } });
    return json(await receiver.receive(request.headers, raw, request));
  };
}

/**
 * A Next.js Pages Router API route (pages/api/fal/webhook.ts). Next parses bodies by default, so
 * turn that off in the same file:
 *
 *   export const config = { api: { bodyParser: false } };
 *   export default createNextApiHandler(async (webhook) => { ... });
 */
export function createNextApiHandler<Output = any>(
  handler: WebhookHandler<Output, IncomingMessage>,
  options: WebhookReceiverOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const receiver = new WebhookReceiver<Output, IncomingMessage>(handler, options);
  return (req, res) =>
    handleNode(receiver, req, res).catch((error: unknown) => {
      receiver.report(error, { stage: "read" });
      sendJson(res, { status: 500, body: { error: "webhook receiver failed" } });
    });
}
