// Request context and response helpers shared by every route.

import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { RequestStream, ResponseStream, Wire } from "./wire";

export interface Ctx {
  /** The request body (HTTP/1.1 IncomingMessage or HTTP/2 compat request; see wire.ts). */
  req: RequestStream;
  /** The response body; its status line and headers are written through `wire`. */
  res: ResponseStream;
  /** What differs between HTTP/1.1 and HTTP/2 (wire.ts): writeHead, noDelay, cut, scheme, port. */
  wire: Wire;
  method: string;
  /** Path without query, e.g. "/queue/fal-ai/flux-pro/requests/<id>/status/". */
  path: string;
  /** Non-empty, percent-decoded path segments (so trailing and doubled slashes do not matter). */
  segments: string[];
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Origin as the client addressed us, e.g. "http://127.0.0.1:43123" (https:// with TLS). */
  origin: string;
  /**
   * Value of the x-fal-request-id response header. A fresh id by default; routes about a
   * specific request set it to that request's id.
   */
  requestId: string;
}

/** Maximum request body; larger ones get a 413. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

// Node has no reason phrase for fal's 499; clients show statusText in error messages.
const EXTRA_REASONS: Record<number, string> = { 499: "Client Closed Request" };

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? EXTRA_REASONS[status] ?? "Unknown";
}

function canWrite(res: ResponseStream): boolean {
  return !res.headersSent && !res.writableEnded && !res.destroyed;
}

export function replyJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body));
  replyBytes(ctx, status, payload, "application/json", headers);
}

export function replyBytes(
  ctx: Ctx,
  status: number,
  bytes: Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (!canWrite(ctx.res)) return;
  ctx.wire.writeHead(status, reasonPhrase(status), {
    "content-type": contentType,
    "content-length": String(bytes.length),
    "x-fal-request-id": ctx.requestId,
    ...headers,
  });
  ctx.res.end(ctx.method === "HEAD" ? undefined : bytes);
}

/** `{"detail": "..."}`, the shape fal uses for most non-validation errors. */
export function replyDetail(ctx: Ctx, status: number, detail: string, headers: Record<string, string> = {}): void {
  replyJson(ctx, status, { detail }, headers);
}

export function replyMethodNotAllowed(ctx: Ctx, allowed: string[]): void {
  replyDetail(ctx, 405, "Method Not Allowed", { allow: allowed.join(", ") });
}

export function replyNotFound(ctx: Ctx): void {
  replyDetail(ctx, 404, `Path ${ctx.path} not found`);
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: "too-large" | "aborted" };

/**
 * Read the whole body, up to `limit` bytes. Past the limit the rest is drained and discarded so
 * the client finishes sending and can read the 413 (closing early would show up as ECONNRESET).
 */
export function readBody(req: RequestStream, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? { ok: false, reason: "too-large" } : { ok: true, body: Buffer.concat(chunks) }));
    req.on("error", () => resolve({ ok: false, reason: "aborted" }));
    req.on("aborted", () => resolve({ ok: false, reason: "aborted" }));
  });
}

/**
 * Uploads (storage PUTs) may be far larger than JSON bodies: the benchmark sends 1 GiB in one
 * PUT. They are read by their route as a list of chunks, never joined into one string.
 */
export const MAX_UPLOAD_BYTES = 1.5 * 1024 * 1024 * 1024;

export type ChunksRead =
  | { ok: true; chunks: Buffer[]; size: number }
  | { ok: false; reason: "too-large" | "aborted" };

/**
 * Read a body as the chunks Node hands us (no per-chunk concatenation), calling `onChunk` for
 * each so callers can hash while reading. Past `limit` the rest is drained, as in readBody.
 */
export function readChunks(req: RequestStream, limit = MAX_UPLOAD_BYTES, onChunk?: (chunk: Buffer) => void): Promise<ChunksRead> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !tooLarge) {
        tooLarge = true;
        chunks = []; // free what was kept; the rest is only drained
      }
      if (tooLarge) return;
      chunks.push(chunk);
      onChunk?.(chunk);
    });
    req.on("end", () => resolve(tooLarge ? { ok: false, reason: "too-large" } : { ok: true, chunks, size }));
    req.on("error", () => resolve({ ok: false, reason: "aborted" }));
    req.on("aborted", () => resolve({ ok: false, reason: "aborted" }));
  });
}

/** Like replyBytes for a body kept as chunks; writes them one by one, honouring backpressure. */
export async function replyChunks(
  ctx: Ctx,
  status: number,
  chunks: readonly Buffer[],
  size: number,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = ctx.res;
  if (!canWrite(res)) return;
  ctx.wire.writeHead(status, reasonPhrase(status), {
    "content-type": contentType,
    "content-length": String(size),
    "x-fal-request-id": ctx.requestId,
    ...headers,
  });
  if (ctx.method === "HEAD") {
    res.end();
    return;
  }
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resume) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resume();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  res.end();
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; detail: unknown[] };

/**
 * Parse a JSON request body. An empty body is `undefined` (JS `run` sends none when the input is
 * undefined). Malformed JSON gets FastAPI's json_invalid detail item.
 */
export function parseJsonBody(body: Buffer): JsonParse {
  const text = body.toString("utf8");
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    return {
      ok: false,
      detail: [{ type: "json_invalid", loc: ["body", position], msg: "JSON decode error", input: {}, ctx: { error: message } }],
    };
  }
}

export function newRequestId(): string {
  return randomUUID();
}
