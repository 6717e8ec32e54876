// Writing a Server-Sent Events response (wire doc §5.4, §9.2) with real back-pressure:
// every res.write() that returns false is followed by a wait for 'drain', so a client that
// stops reading stalls the producer instead of making the emulator buffer the whole stream.
// Once the client goes away, every further write is a no-op and every wait ends at once.
//
// Optional chunking (for client tests): the SSE byte stream is cut into pieces of exactly
// `chunkBytes` bytes, each written separately with a pause in between (a setImmediate, or
// `chunkDelayMs`), with Nagle off, so pieces reach the client in separate TCP reads. Pieces
// ignore event and UTF-8 character boundaries on purpose.

import { reasonPhrase, type Ctx } from "./http";
import type { ResponseStream, Wire } from "./wire";
import type { StreamStats } from "./types";

export interface SseOptions {
  /** Cut the byte stream into pieces of this many bytes (undefined: one write per event). */
  chunkBytes?: number;
  /** Pause between pieces when chunking; 0 means one setImmediate. */
  chunkDelayMs?: number;
}

export interface SseEvent {
  /** The `data:` payload, usually JSON. Must not contain a newline. */
  data: string;
  /** Adds an `event: <name>` line. */
  event?: string;
}

export class SseWriter {
  private readonly res: ResponseStream;
  private readonly wire: Wire;
  /** Bytes waiting for a full piece when chunking. */
  private carry: Buffer = Buffer.alloc(0);
  private closeWaiters = new Set<() => void>();
  private ended = false;

  constructor(
    ctx: Ctx,
    readonly stats: StreamStats,
    private readonly options: SseOptions = {},
  ) {
    this.res = ctx.res;
    this.wire = ctx.wire;
    this.res.on("close", () => {
      if (!this.ended && !this.res.writableFinished) this.stats.clientClosed = true;
      for (const wake of [...this.closeWaiters]) wake();
      this.closeWaiters.clear();
    });
  }

  /** Sends the 200 and the SSE headers. */
  open(requestId: string, headers: Record<string, string> = {}): void {
    if (this.res.headersSent || this.res.destroyed) return;
    // Small pieces must leave at once rather than wait for an ACK (Nagle).
    this.wire.noDelay();
    this.wire.writeHead(200, reasonPhrase(200), {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-fal-request-id": requestId,
      ...headers,
    });
    // Headers go out now, not with the first event: a client sees the stream open (and its
    // request id) even if the first event is a while away.
    this.wire.flushHeaders();
    this.stats.startedAt = Date.now();
  }

  /** False once the client has gone or the response has ended. */
  get writable(): boolean {
    return !this.ended && !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes one event; resolves once it has been handed to the socket (after any drain wait). */
  async event(event: SseEvent): Promise<boolean> {
    const text = `${event.event !== undefined ? `event: ${event.event}\n` : ""}data: ${event.data}\n\n`;
    const ok = await this.send(Buffer.from(text, "utf8"));
    if (ok) this.stats.eventsWritten += 1;
    return ok;
  }

  /** Writes a comment line (ignored by SSE parsers), e.g. a keep-alive. */
  async comment(text: string): Promise<boolean> {
    const ok = await this.send(Buffer.from(`: ${text}\n\n`, "utf8"));
    if (ok) this.stats.commentsWritten += 1;
    return ok;
  }

  /** Writes out any partial piece held back by chunking. */
  async flush(): Promise<boolean> {
    if (this.carry.length === 0) return this.writable;
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return this.write(rest);
  }

  /** Flushes and ends the response normally. */
  async end(): Promise<void> {
    await this.flush();
    if (!this.writable) return;
    this.ended = true;
    this.stats.finished = true;
    this.res.end();
  }

  /**
   * Ends the response abruptly (no terminating chunk), as a crashed app's connection would: the
   * connection is cut on HTTP/1.1, the stream reset on HTTP/2 (wire.ts).
   */
  async drop(): Promise<void> {
    await this.flush();
    if (!this.writable) return;
    this.ended = true;
    this.stats.finished = true;
    await this.wire.cut();
  }

  /** Sleeps, but wakes early (resolving false) when the client goes away. */
  sleep(ms: number): Promise<boolean> {
    if (!this.writable) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.closeWaiters.delete(wake);
        resolve(this.writable);
      };
      const timer = setTimeout(wake, ms);
      this.closeWaiters.add(wake);
    });
  }

  /** Resolves when the client goes away (for streams that stall on purpose). */
  untilClosed(): Promise<void> {
    if (this.res.destroyed || this.res.writableFinished) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.closeWaiters.delete(wake);
        resolve();
      };
      this.closeWaiters.add(wake);
    });
  }

  private async send(bytes: Buffer): Promise<boolean> {
    const chunkBytes = this.options.chunkBytes;
    if (!chunkBytes) return this.write(bytes);
    let pending = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    while (pending.length >= chunkBytes) {
      if (!(await this.write(pending.subarray(0, chunkBytes)))) return false;
      pending = pending.subarray(chunkBytes);
      await this.pauseBetweenPieces();
    }
    // Copy: the remainder must not pin the (possibly large) joined buffer.
    this.carry = Buffer.from(pending);
    return this.writable;
  }

  private pauseBetweenPieces(): Promise<unknown> {
    const delay = this.options.chunkDelayMs ?? 0;
    if (delay > 0) return this.sleep(delay);
    return new Promise((resolve) => setImmediate(resolve));
  }

  private async write(bytes: Buffer): Promise<boolean> {
    if (!this.writable) return false;
    const flushed = this.res.write(bytes);
    this.stats.bytesWritten += bytes.length;
    this.stats.writes += 1;
    if (!flushed) await this.drained();
    return this.writable;
  }

  private drained(): Promise<void> {
    const res = this.res;
    this.stats.paused = true;
    this.stats.pauses += 1;
    return new Promise((resolve) => {
      const done = () => {
        res.off("drain", done);
        this.closeWaiters.delete(done);
        this.stats.paused = false;
        resolve();
      };
      res.on("drain", done);
      this.closeWaiters.add(done);
    });
  }
}
