// The HTTP server: reads each request, records it, hands it to the router, and makes sure no
// input can crash the process. Also owns socket tracking so close() is immediate, and counts the
// connections it accepted (by protocol) for tests and benchmarks.
//
// Plain HTTP is node:http (HTTP/1.1). With `tls` it is node:http2's secure server offering ALPN
// h2 and http/1.1 (allowHTTP1): HTTP/2 requests arrive through the http2 compatibility API,
// HTTP/1.1 ones (and every WebSocket upgrade) exactly as from node:http. wire.ts hides the
// difference from the routes.
//
// WebSocket upgrade requests go through the same router: their ctx.res writes a plain HTTP answer
// (a refused handshake), and takeUpgrade(ctx) hands the raw socket to the route that accepts it.

import { createServer, ServerResponse, type IncomingMessage } from "node:http";
import { createSecureServer, type Http2Session } from "node:http2";
import type { Server as NetServer, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { newRequestId, readBody, replyDetail, type Ctx } from "./http";
import type { ConnectionStats, RecordedRequest } from "./types";
import { requestHeaders, wireFor, type AnyRequest, type AnyResponse, type Scheme } from "./wire";

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
  /** Counted into as connections are accepted. */
  connections: ConnectionStats;
  /** Serve HTTPS (ALPN h2 and http/1.1) with this key and certificate chain (PEM). */
  tls?: { key: string; cert: string };
}

export interface Upgrade {
  /** The HTTP/1.1 request that asked for the upgrade (WebSocket servers want it). */
  req: IncomingMessage;
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
  // Upgrades are HTTP/1.1 only, so this ctx.res is the ServerResponse made in handleUpgrade.
  (ctx.res as ServerResponse).detachSocket(upgrade.socket as Socket);
  return upgrade;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:43123 (https:// with tls) */
  url: string;
  close(): Promise<void>;
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const scheme: Scheme = options.tls ? "https" : "http";
  // Everything that can hold a connection open: TCP sockets (also those still in the TLS
  // handshake), TLS sockets and HTTP/2 sessions. close() destroys them all.
  const open = new Set<{ destroy(): void }>();
  const track = (item: { destroy(): void; once(event: "close", listener: () => void): unknown }) => {
    open.add(item);
    item.once("close", () => open.delete(item));
  };
  const connections = options.connections;
  const countProtocol = (protocol: string) => {
    connections.protocols[protocol] = (connections.protocols[protocol] ?? 0) + 1;
  };
  let baseUrl = "";

  const onRequest = (req: AnyRequest, res: AnyResponse) => {
    void handle(req, res, options, baseUrl, scheme);
  };
  let server: NetServer;
  if (options.tls) {
    const secure = createSecureServer({
      key: options.tls.key,
      cert: options.tls.cert,
      allowHTTP1: true,
      // Loopback transfers of large bodies (uploads, long SSE streams) should not wait on
      // 64 KiB flow-control windows; real fal front ends advertise large windows too.
      settings: { initialWindowSize: 4 * 1024 * 1024 },
      maxSessionMemory: 64,
    }, onRequest);
    secure.on("secureConnection", (socket: TLSSocket) => {
      track(socket);
      // Clients that send no ALPN (node's https module) are served HTTP/1.1.
      countProtocol(socket.alpnProtocol || "http/1.1");
    });
    secure.on("session", (session: Http2Session) => {
      track(session);
      session.setLocalWindowSize(16 * 1024 * 1024);
    });
    // A client that does not trust our CA aborts the handshake: count it, never throw.
    secure.on("tlsClientError", (_error: Error, socket: TLSSocket) => {
      connections.tlsFailures += 1;
      socket.destroy();
    });
    secure.on("sessionError", () => {});
    server = secure;
  } else {
    server = createServer(onRequest);
    server.on("connection", () => countProtocol("http/1.1"));
  }
  server.on("connection", (socket: Socket) => {
    connections.accepted += 1;
    track(socket);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(req, socket, head, options, baseUrl, scheme);
  });
  // Malformed HTTP/1.1: answer 400 if possible, never throw.
  server.on("clientError", (_error: Error, socket: Duplex) => {
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
      baseUrl = `${scheme}://${host}:${port}`;
      resolve({
        url: baseUrl,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const item of [...open]) item.destroy();
          }),
      });
    });
  });
}

function newCtx(req: AnyRequest, res: AnyResponse, baseUrl: string, scheme: Scheme): Ctx {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const headers = requestHeaders(req);
  return {
    req,
    res,
    wire: wireFor(req, res, scheme),
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    segments: url.pathname.split("/").filter((s) => s !== "").map(safeDecode),
    query: url.searchParams,
    headers,
    body: Buffer.alloc(0),
    origin: headers.host ? `${scheme}://${headers.host}` : baseUrl,
    requestId: newRequestId(),
  };
}

async function handle(req: AnyRequest, res: AnyResponse, options: ServerOptions, baseUrl: string, scheme: Scheme): Promise<void> {
  const started = Date.now();
  const ctx = newCtx(req, res, baseUrl, scheme);
  ctx.res.on("finish", () => options.log?.(`${ctx.method} ${req.url} -> ${ctx.res.statusCode} (${Date.now() - started} ms)`));

  try {
    if (options.streamsBody?.(ctx.method, ctx.path)) {
      record(ctx, options);
      await options.handler(ctx);
      if (!ctx.res.headersSent && !ctx.res.writableEnded) replyDetail(ctx, 500, "Emulator route produced no response");
      return;
    }
    const read = await readBody(ctx.req);
    if (!read.ok) {
      record(ctx, options);
      if (read.reason === "too-large") replyDetail(ctx, 413, "Request body too large (limit 20 MiB)", { connection: "close" });
      return;
    }
    ctx.body = read.body;
    record(ctx, options);
    await options.handler(ctx);
    if (!ctx.res.headersSent && !ctx.res.writableEnded) replyDetail(ctx, 500, "Emulator route produced no response");
  } catch (error) {
    options.log?.(`emulator error on ${ctx.method} ${ctx.path}: ${(error as Error).stack ?? String(error)}`);
    replyDetail(ctx, 500, `Internal emulator error: ${(error as Error).message}`);
  }
}

/** An upgrade request: routed like any other; a route that refuses it answers through ctx.res. */
async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, options: ServerOptions, baseUrl: string, scheme: Scheme): Promise<void> {
  // Nobody else listens on this socket now: a reset must not become an uncaught 'error'.
  socket.on("error", () => socket.destroy());
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  const ctx = newCtx(req, res, baseUrl, scheme);
  upgrades.set(ctx, { req, socket, head });
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

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
