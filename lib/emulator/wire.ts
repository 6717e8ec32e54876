// What differs between answering over HTTP/1.1 (node:http, plain or over TLS) and over HTTP/2
// (node:http2's compatibility API), kept in this one file so routes never ask which they have:
//
//   - HTTP/2 has no reason phrase and forbids connection-specific headers (connection,
//     keep-alive, transfer-encoding, upgrade, ...); Node drops them with a warning, we drop them
//     quietly. Routes write every status line through Wire.writeHead.
//   - Cutting a response mid-body (a crashed app) closes the TCP connection on HTTP/1.1, but
//     on HTTP/2 it resets just that stream: the connection carries other requests.
//   - Request headers: HTTP/2 sends pseudo-headers (:authority, :path, ...) instead of Host.
//
// Routes see the request as a plain Readable (its body) and the response as ResponseStream: a
// Writable with the few response fields both kinds share, and no writeHead.

import type { IncomingMessage, ServerResponse } from "node:http";
import { constants as h2, Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { Readable, Writable } from "node:stream";

export type Protocol = "http/1.1" | "h2";
export type Scheme = "http" | "https";

/** The response side both kinds share. Status and headers go through Wire.writeHead. */
export interface ResponseStream extends Writable {
  readonly headersSent: boolean;
  statusCode: number;
}

/** The request side routes need beyond ctx.headers: its body. */
export type RequestStream = Readable;

export interface Wire {
  readonly protocol: Protocol;
  readonly scheme: Scheme;
  /** The port the client connected to (storage upload URLs name it with another host). */
  readonly localPort: number | undefined;
  /** Status (with a reason phrase on HTTP/1.1) and headers; no-op once headers went out. */
  writeHead(status: number, reason: string, headers: Record<string, string>): void;
  /** Send the status and headers now rather than with the first body bytes. */
  flushHeaders(): void;
  /** Turn Nagle off, so small writes leave at once. */
  noDelay(): void;
  /**
   * End the response abruptly, as a crashed app's connection would: after what was written has
   * left (bounded wait), HTTP/1.1 closes the connection and HTTP/2 resets the stream.
   */
  cut(): Promise<void>;
}

/** Headers HTTP/2 forbids in responses (RFC 9113 8.2.2). */
const CONNECTION_HEADERS = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

export function wireFor(req: AnyRequest, res: AnyResponse, scheme: Scheme): Wire {
  return req instanceof Http2ServerRequest ? new Http2Wire(res as Http2ServerResponse, scheme) : new Http1Wire(res as ServerResponse, scheme);
}

/** Lower-cased request headers as HTTP/1.1 shows them: no pseudo-headers, Host from :authority. */
export function requestHeaders(req: AnyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const authority = req.headers[":authority"];
  if (headers.host === undefined && typeof authority === "string") headers.host = authority;
  return headers;
}

async function waitUntilFlushed(stream: { writableLength: number } | undefined | null): Promise<void> {
  for (let waited = 0; stream && stream.writableLength > 0 && waited < 1000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

class Http1Wire implements Wire {
  readonly protocol = "http/1.1";
  constructor(
    private readonly res: ServerResponse,
    readonly scheme: Scheme,
  ) {}

  get localPort(): number | undefined {
    return this.res.socket?.localPort ?? this.res.req?.socket?.localPort;
  }

  writeHead(status: number, reason: string, headers: Record<string, string>): void {
    this.res.writeHead(status, reason, headers);
  }

  flushHeaders(): void {
    this.res.flushHeaders();
  }

  noDelay(): void {
    this.res.socket?.setNoDelay(true);
  }

  async cut(): Promise<void> {
    const socket = this.res.socket;
    await waitUntilFlushed(socket);
    socket?.destroy();
    this.res.destroy();
  }
}

class Http2Wire implements Wire {
  readonly protocol = "h2";
  constructor(
    private readonly res: Http2ServerResponse,
    readonly scheme: Scheme,
  ) {}

  get localPort(): number | undefined {
    return this.res.stream.session?.socket?.localPort;
  }

  writeHead(status: number, _reason: string, headers: Record<string, string>): void {
    const allowed: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!CONNECTION_HEADERS.has(name.toLowerCase())) allowed[name] = value;
    }
    this.res.writeHead(status, allowed);
  }

  flushHeaders(): void {
    // Exists at run time (compat API), missing from @types/node 20.
    (this.res as unknown as { flushHeaders(): void }).flushHeaders();
  }

  noDelay(): void {
    // One TCP connection carries the whole session; Nagle off for it is harmless. (The compat
    // response's socket proxy forwards setNoDelay to the TLS socket; session.socket refuses it.)
    this.res.socket?.setNoDelay(true);
  }

  async cut(): Promise<void> {
    const stream = this.res.stream;
    await waitUntilFlushed(stream);
    if (!stream.destroyed) stream.close(h2.NGHTTP2_INTERNAL_ERROR);
  }
}
