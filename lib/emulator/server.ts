// The HTTP server: reads each request, records it, hands it to the router, and makes sure no
// input can crash the process. Also owns socket tracking so close() is immediate.
//
// WebSocket upgrade requests go through the same router: their ctx.res writes a plain HTTP answer
// (a refused handshake), and takeUpgrade(ctx) hands the raw socket to the route that accepts it.

import { createServer, ServerResponse, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { newRequestId, readBody, replyDetail, type Ctx } from "./http";
import type { RecordedRequest } from "./types";

export type Handler = (ctx: Ctx) => Promise<void> | void;

export interface ServerOptions {
  host: string;
  port: number;
  handler: Handler;
  /** Appended to for every request; trimmed to `maxRecorded` entries. */
  recorded: RecordedRequest[];
  maxRecorded: number;
  /**
   * Requests for which the server does not read the body: the route streams it itself (storage
   * upload PUTs, which may be 1 GiB and must not hit the 20 MiB JSON cap). Their recorded body
   * is "".
   */
  streamsBody?: (method: string, path: string) => boolean;
  /** One line per request (nothing when quiet). */
  log?: (line: string) => void;
}

export interface Upgrade {
  socket: Duplex;
  head: Buffer;
}

const upgrades = new WeakMap<Ctx, Upgrade>();

/** Whether this request asks for a WebSocket upgrade that nobody has taken yet. */
export function isUpgrade(ctx: Ctx): boolean {
  return upgrades.has(ctx);
}

/** Takes over an upgrade request's socket (after which ctx.res must not be used). */
export function takeUpgrade(ctx: Ctx): Upgrade | undefined {
  const upgrade = upgrades.get(ctx);
  if (!upgrade) return undefined;
  upgrades.delete(ctx);
  ctx.res.detachSocket(upgrade.socket as Socket);
  return upgrade;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  close(): Promise<void>;
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  let baseUrl = "";

  const server: Server = createServer((req, res) => {
    void handle(req, res, options, baseUrl);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(req, socket, head, options, baseUrl);
  });
  // Malformed HTTP: answer 400 if possible, never throw.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      baseUrl = `http://${host}:${port}`;
      resolve({
        url: baseUrl,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

function newCtx(req: IncomingMessage, res: ServerResponse, baseUrl: string): Ctx {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  return {
    req,
    res,
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    segments: url.pathname.split("/").filter((s) => s !== "").map(safeDecode),
    query: url.searchParams,
    headers: lowerCaseHeaders(req),
    body: Buffer.alloc(0),
    origin: req.headers.host ? `http://${req.headers.host}` : baseUrl,
    requestId: newRequestId(),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ServerOptions, baseUrl: string): Promise<void> {
  const started = Date.now();
  const ctx = newCtx(req, res, baseUrl);
  res.on("finish", () => options.log?.(`${ctx.method} ${req.url} -> ${res.statusCode} (${Date.now() - started} ms)`));

  try {
    if (options.streamsBody?.(ctx.method, ctx.path)) {
      record(ctx, options);
      await options.handler(ctx);
      if (!res.headersSent && !res.writableEnded) replyDetail(ctx, 500, "Emulator route produced no response");
      return;
    }
    const read = await readBody(req);
    if (!read.ok) {
      record(ctx, options);
      if (read.reason === "too-large") replyDetail(ctx, 413, "Request body too large (limit 20 MiB)", { connection: "close" });
      return;
    }
    ctx.body = read.body;
    record(ctx, options);
    await options.handler(ctx);
    if (!res.headersSent && !res.writableEnded) replyDetail(ctx, 500, "Emulator route produced no response");
  } catch (error) {
    options.log?.(`emulator error on ${ctx.method} ${ctx.path}: ${(error as Error).stack ?? String(error)}`);
    replyDetail(ctx, 500, `Internal emulator error: ${(error as Error).message}`);
  }
}

/** An upgrade request: routed like any other; a route that refuses it answers through ctx.res. */
async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, options: ServerOptions, baseUrl: string): Promise<void> {
  // Nobody else listens on this socket now: a reset must not become an uncaught 'error'.
  socket.on("error", () => socket.destroy());
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  const ctx = newCtx(req, res, baseUrl);
  upgrades.set(ctx, { socket, head });
  res.on("finish", () => {
    options.log?.(`${ctx.method} ${req.url} (upgrade) -> ${res.statusCode}`);
    socket.end();
  });
  record(ctx, options);
  try {
    await options.handler(ctx);
    if (upgrades.has(ctx) && !res.headersSent) replyDetail(ctx, 404, `Path ${ctx.path} does not accept WebSocket connections`);
  } catch (error) {
    options.log?.(`emulator error on upgrade ${ctx.path}: ${(error as Error).stack ?? String(error)}`);
    if (upgrades.has(ctx)) replyDetail(ctx, 500, `Internal emulator error: ${(error as Error).message}`);
    else socket.destroy();
  }
}

function record(ctx: Ctx, options: ServerOptions): void {
  options.recorded.push({
    method: ctx.method,
    path: ctx.path,
    query: Object.fromEntries(ctx.query),
    headers: ctx.headers,
    body: ctx.body.toString("utf8"),
    time: Date.now(),
  });
  if (options.recorded.length > options.maxRecorded) {
    options.recorded.splice(0, options.recorded.length - options.maxRecorded);
  }
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
