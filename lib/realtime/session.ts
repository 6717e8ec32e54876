// One realtime connection: token, socket, the latest message waiting for the socket, token
// refresh, and the mapping of socket events to the handler's callbacks (surface doc section 9).
//
//   idle --send--> authorizing --token--> connecting --open--> open
//     ^                |                      |                  |
//     +---- failure / close() / socket closed / "Unauthorized" --+
//
// Every trip back to idle bumps `generation`, so a token, socket event or decoded message that
// arrives late for an earlier attempt is ignored.
import WebSocket from "ws";
import { ApiError } from "../core/errors";
import type { CallContext } from "../core/transport";
import { decodeDefault, encodeDefault, frameBytes, toFrame, type Frame } from "./codec";
import { classify } from "./messages";
import type { RealtimeOptions } from "./options";
import { LatestThrottle } from "./throttle";
import { tokenSource, type TokenSource } from "./tokens";
import { realtimeUrl } from "./url";

type Phase = "idle" | "authorizing" | "connecting" | "open";

/** The callbacks of the latest connect() for this connection (a reused key swaps them). */
export type SessionCallbacks = Pick<RealtimeOptions, "onResult" | "onError" | "decodeMessage">;

const NORMAL_CLOSURE = 1000;
/** How long close() waits for the server's close frame before dropping the socket. */
const CLOSE_GRACE_MS = 2000;
/** A gateway that accepts TCP but never answers the upgrade is given up on (error, then close 1006). */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Body of a refused handshake kept for the error (the service answers small JSON). */
const MAX_REFUSAL_BODY = 64 * 1024;

export class RealtimeSession {
  private phase: Phase = "idle";
  private generation = 0;
  private socket: WebSocket | undefined;
  private token: string | undefined;
  private queued: Frame | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly throttle: LatestThrottle<Frame>;
  private readonly tokens: TokenSource;
  private readonly encode: (input: unknown) => Frame;

  constructor(
    private readonly ctx: CallContext,
    private readonly options: RealtimeOptions,
    public callbacks: SessionCallbacks,
  ) {
    this.throttle = new LatestThrottle(options.throttleInterval, (frame) => this.deliver(frame));
    this.tokens = tokenSource(ctx, options);
    const custom = options.encodeMessage;
    this.encode = custom ? (input) => toFrame(custom(input)) : encodeDefault;
  }

  /** Whether nothing is in flight (no socket, no token request, no pending message). */
  get isIdle(): boolean {
    return this.phase === "idle";
  }

  /** Encodes now (an encoder error is thrown to the caller, as officially), sends when the throttle allows. */
  send(input: unknown): void {
    this.throttle.push(this.encode(input));
  }

  /** Closes the socket (code 1000), drops pending work and stops token refresh. */
  close(): void {
    this.throttle.cancel();
    this.reset();
  }

  private deliver(frame: Frame): void {
    const socket = this.socket;
    if (this.phase === "open" && socket && socket.readyState === WebSocket.OPEN) {
      this.write(socket, frame);
      return;
    }
    // Until the socket is open only the latest message is kept.
    this.queued = frame;
    if (this.phase === "idle") this.authorize();
  }

  private write(socket: WebSocket, frame: Frame): void {
    try {
      socket.send(frame, (error) => {
        if (error && this.socket === socket) this.fail(new ApiError({ message: `Failed to send: ${error.message}`, status: 500 }));
      });
    } catch (error) {
      this.fail(new ApiError({ message: `Failed to send: ${(error as Error).message}`, status: 500 }));
    }
  }

  private authorize(): void {
    this.phase = "authorizing";
    const generation = ++this.generation;
    this.tokens.fetch().then(
      (token) => {
        if (generation !== this.generation) return;
        this.token = token;
        this.scheduleRefresh(generation);
        this.connect(generation, token);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.reset();
        this.fail(tokenError(error));
      },
    );
  }

  /** Refreshes the token in the background at 90% of its life; a failed refresh is retried after 5%. */
  private scheduleRefresh(generation: number, delayMs?: number): void {
    const seconds = this.tokens.expirationSeconds;
    if (seconds === undefined) return;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    const wait = delayMs ?? Math.round(seconds * 0.9 * 1000);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.tokens.fetch().then(
        (token) => {
          if (generation !== this.generation) return;
          // The open socket stays as it is; the service checks the token at the handshake.
          this.token = token;
          this.scheduleRefresh(generation);
        },
        () => {
          if (generation !== this.generation) return;
          this.scheduleRefresh(generation, Math.round(seconds * 0.05 * 1000));
        },
      );
    }, wait);
    // Background upkeep must not keep an otherwise finished process alive.
    this.refreshTimer.unref();
  }

  private connect(generation: number, token: string): void {
    this.phase = "connecting";
    let socket: WebSocket;
    try {
      const url = realtimeUrl(this.ctx.config.baseUrls, this.options.app, {
        token,
        maxBuffering: this.options.maxBuffering,
        path: this.options.path,
      });
      socket = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS, ...this.ctx.engine.network.webSocketOptions(url) });
    } catch (error) {
      this.reset();
      this.fail(new ApiError({ message: `Cannot open the realtime connection: ${(error as Error).message}`, status: 500 }));
      return;
    }
    this.socket = socket;
    const current = () => this.socket === socket && generation === this.generation;

    socket.on("open", () => {
      if (!current()) return;
      this.phase = "open";
      const queued = this.queued;
      this.queued = undefined;
      if (queued !== undefined) this.write(socket, queued);
    });
    socket.on("message", (data: unknown, isBinary: boolean) => {
      if (current()) this.receive(generation, data, isBinary);
    });
    // ws always follows 'error' with 'close'; both are reported, as with a browser WebSocket.
    socket.on("error", (error: Error) => {
      if (current()) this.fail(new ApiError({ message: "Unknown error", status: 500, body: { detail: error.message } }));
    });
    socket.on("close", (code: number, reason: Buffer) => {
      if (!current()) return;
      this.socket = undefined;
      this.reset();
      if (code !== NORMAL_CLOSURE) {
        this.fail(new ApiError({ message: `Error closing the connection: ${reason.toString()}`, status: code }));
      }
    });
    socket.on("unexpected-response", (request, response) => {
      if (!current()) {
        request.destroy();
        return;
      }
      this.refused(socket, response);
    });
  }

  /** The handshake got an HTTP answer instead of 101: report its status and body, then go idle. */
  private refused(socket: WebSocket, response: import("http").IncomingMessage): void {
    this.socket = undefined;
    this.reset();
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      socket.terminate(); // its 'error'/'close' are ignored: the socket is no longer current
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const detail = body && typeof body === "object" && typeof (body as any).detail === "string" ? (body as any).detail : undefined;
      const status = response.statusCode ?? 500;
      this.fail(new ApiError({ message: detail ?? response.statusMessage ?? `HTTP ${status}`, status, body }));
    };
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REFUSAL_BODY) chunks.push(chunk);
    });
    response.once("end", finish);
    response.once("error", finish);
  }

  private receive(generation: number, data: unknown, isBinary: boolean): void {
    const decodeMessage = this.callbacks.decodeMessage;
    let decoded: unknown;
    try {
      if (decodeMessage) {
        // Custom decoders get what a browser (or Node 22's) WebSocket gives: a string or a Blob.
        decoded = decodeMessage(isBinary ? new Blob([frameBytes(data) as Uint8Array<ArrayBuffer>]) : textOf(data));
      } else {
        decoded = decodeDefault(isBinary ? frameBytes(data) : textOf(data));
      }
    } catch (error) {
      this.fail(decodeError(error));
      return;
    }
    if (isThenable(decoded)) {
      decoded.then(
        (value) => {
          if (generation === this.generation) this.dispatch(value);
        },
        (error) => {
          if (generation === this.generation) this.fail(decodeError(error));
        },
      );
      return;
    }
    this.dispatch(decoded);
  }

  private dispatch(message: unknown): void {
    const incoming = classify(message);
    switch (incoming.kind) {
      case "ignored":
        return;
      case "error":
        this.fail(incoming.error);
        return;
      case "unauthorized":
        // The token is no good: drop it and the socket; the next send starts over.
        this.reset();
        this.fail(new ApiError({ message: "Unauthorized", status: 401, body: incoming.value }));
        return;
      case "result":
        try {
          this.callbacks.onResult(incoming.value);
        } catch (error) {
          // As officially, an exception from onResult is reported through onError.
          this.fail(new ApiError({ message: (error as Error)?.message ?? String(error), status: 400 }));
        }
    }
  }

  /** Back to idle: stale events ignored, refresh stopped, token and queued message dropped, socket closed. */
  private reset(): void {
    this.generation++;
    this.phase = "idle";
    this.token = undefined;
    this.queued = undefined;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) closeQuietly(socket);
  }

  /** onError never throws into a socket callback; without onError errors are dropped, as officially. */
  private fail(error: ApiError<any>): void {
    const onError = this.callbacks.onError;
    if (!onError) return;
    try {
      onError(error);
    } catch (thrown) {
      process.emitWarning(`fal.realtime: handler.onError threw: ${(thrown as Error)?.message ?? String(thrown)}`);
    }
  }
}

function closeQuietly(socket: WebSocket): void {
  try {
    if (socket.readyState === WebSocket.OPEN) {
      socket.close(NORMAL_CLOSURE);
      // A server that never answers the close frame must not hold the process for ws's 30 s.
      const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    } else if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
    }
  } catch {
    // already gone
  }
}

function textOf(data: unknown): string {
  const bytes = frameBytes(data);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as any).then === "function";
}

function decodeError(error: unknown): ApiError<any> {
  return new ApiError({ message: (error as Error)?.message ?? "Failed to decode realtime message", status: 400 });
}

function tokenError(error: unknown): ApiError<any> {
  if (error instanceof ApiError) return error;
  const message = (error as Error)?.message ?? String(error);
  return new ApiError({ message: `Could not get a realtime token: ${message}`, status: 401, body: { detail: message } });
}
