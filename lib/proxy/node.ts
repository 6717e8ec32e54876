// Adapters for servers built on node:http: a plain (req, res) handler, Express middleware and the
// Next.js Pages Router API route (all three hand over an IncomingMessage and a ServerResponse).
import type { IncomingMessage, ServerResponse } from "http";
import { Readable, pipeline } from "stream";
import { handleProxyRequest, jsonResponse, resolveProxyOptions, type ResolvedProxyOptions } from "./handle";
import type { ProxyOptions, ProxyRequest, ProxyResponse } from "./types";

type MaybeParsed = IncomingMessage & { body?: unknown };

/**
 * The body to forward. An unread request is streamed as it arrives. When a body parser
 * (express.json(), Next's default parser) has already read it, the parsed value is sent again:
 * bytes and strings as they are, anything else as JSON.
 */
function requestBody(req: MaybeParsed): { body: Readable | Buffer | null; length?: number; parsed?: boolean } {
  const alreadyRead = req.readableEnded || (req.complete && !req.readable);
  if (!alreadyRead) {
    const declared = Number(req.headers["content-length"]);
    // HTTP/2 bodies need no length or transfer-encoding header; HTTP/1 ones without either are empty.
    const chunked = req.headers["transfer-encoding"] !== undefined || req.httpVersionMajor >= 2;
    if (!chunked && (!Number.isFinite(declared) || declared <= 0)) {
      req.resume();
      return { body: null };
    }
    return { body: req, length: Number.isFinite(declared) && declared > 0 ? declared : undefined };
  }
  const parsed = req.body;
  if (parsed === undefined || parsed === null) return { body: null };
  if (Buffer.isBuffer(parsed)) return { body: parsed, parsed: true };
  if (parsed instanceof Uint8Array) return { body: Buffer.from(parsed.buffer, parsed.byteOffset, parsed.byteLength), parsed: true };
  if (typeof parsed === "string") return { body: Buffer.from(parsed), parsed: true };
  // express.json() leaves {} for an empty body; sending "{}" would change the request
  if (typeof parsed === "object" && Object.keys(parsed as object).length === 0 && !req.headers["content-length"]) return { body: null };
  return { body: Buffer.from(JSON.stringify(parsed)), parsed: true };
}

function toProxyRequest(req: MaybeParsed, adapter: string, signal: AbortSignal): ProxyRequest {
  const { body, length, parsed } = requestBody(req);
  let headers = req.headers;
  if (parsed) {
    // The parser has already decoded a compressed body; the bytes sent now are plain.
    headers = { ...req.headers };
    delete headers["content-encoding"];
  }
  return { method: req.method ?? "GET", headers, body, bodyLength: length, signal, adapter, request: req };
}

/** Writes the answer; fal's body is piped, so SSE events reach the client as they arrive. */
function send(res: ServerResponse, answer: ProxyResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) {
      if (!Buffer.isBuffer(answer.body)) answer.body.destroy();
      resolve();
      return;
    }
    res.statusCode = answer.status;
    for (const [name, value] of answer.headers) res.appendHeader(name, value);
    if (Buffer.isBuffer(answer.body)) {
      res.end(answer.body, () => resolve());
      return;
    }
    res.flushHeaders();
    // An upstream failure mid-body ends the client connection (the status is already sent);
    // a client that goes away stops the upstream transfer.
    pipeline(answer.body, res, () => resolve());
  });
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function createAdapter(adapter: string, resolved: ResolvedProxyOptions): NodeHandler {
  return async (req, res) => {
    const aborter = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) aborter.abort();
    };
    res.once("close", onClose);
    try {
      const answer = await handleProxyRequest(toProxyRequest(req, adapter, aborter.signal), resolved);
      await send(res, answer);
    } catch (error) {
      // Only reachable through a broken response object; answer if we still can.
      if (!res.headersSent) await send(res, jsonResponse(500, "Internal proxy error")).catch(() => undefined);
      else res.destroy(error as Error);
    } finally {
      res.off("close", onClose);
    }
  };
}

/** `(req, res)` for `http.createServer` or any router that passes node's request/response. */
export function createNodeHandler(options: ProxyOptions = {}): NodeHandler {
  return createAdapter("node", resolveProxyOptions(options));
}

/**
 * Express (4 or 5) middleware: mount it with `app.all("/api/fal/proxy", ...)`. It answers every
 * request it gets and does not call `next`. Mount it before `express.json()` (or outside the
 * router that uses it) so bodies are streamed instead of parsed and re-serialized.
 */
export function createExpressHandler(options: ProxyOptions = {}): (req: IncomingMessage, res: ServerResponse, next?: unknown) => Promise<void> {
  const handler = createAdapter("express", resolveProxyOptions(options));
  return (req, res) => handler(req, res);
}

/**
 * Next.js Pages Router API route (`pages/api/fal/proxy.ts`). Add
 * `export const config = { api: { bodyParser: false } }` to that file so bodies are streamed.
 */
export function createPageRouterHandler(options: ProxyOptions = {}): NodeHandler {
  return createAdapter("nextjs-pages-router", resolveProxyOptions(options));
}
