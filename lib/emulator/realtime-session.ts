// One realtime WebSocket of the emulator (wire doc 10.3, checklist row 10): inputs in (msgpack
// binary or JSON text), one output per input, replies in the encoding the input came in, an
// `x-fal-message` timings note after each output, at most `maxBuffering` waiting inputs (the
// oldest dropped), and the idle TIMEOUT message followed by a normal close.
//
// Scenarios, for tests: put `"fal_emulator_scenario": "<name>"` in an input.
//   internal-error   {"type":"x-fal-error","error":"INTERNAL_ERROR",...}, then close 1011
//   close-<code>     close with that code (e.g. close-1011, close-4000)
//   drop             drop the TCP connection without a close frame (the client sees 1006)
//   unauthorized     {"status":"error","error":"Unauthorized"}, then close 1008
//   timeout          the idle TIMEOUT message and close 1000, right away

import { randomUUID } from "node:crypto";
import { decode, encode } from "@msgpack/msgpack";
import type WebSocket from "ws";
import type { FileStore } from "./files";
import { generateOutput } from "./inference";
import type { ModelSpec } from "./schema";
import { validateInput } from "./validate";

export const REALTIME_SCENARIO_FIELD = "fal_emulator_scenario";
/** The service's idle message (wire doc 10.3). */
export const TIMEOUT_MESSAGE = { type: "x-fal-error", error: "TIMEOUT", reason: "no inputs, reconnect when needed!" };
export const UNAUTHORIZED_MESSAGE = { status: "error", error: "Unauthorized" };
/** Realtime outputs are previews; their pictures are kept small so frames stay cheap. */
const REALTIME_MAX_IMAGE_SIDE = 256;

export interface RealtimeSessionOptions {
  model: ModelSpec;
  files: FileStore;
  /** Origin as the client addressed us, for the CDN URLs in outputs. */
  origin: string;
  maxBuffering: number;
  idleMs: number;
  /** Simulated inference time per input. */
  inferenceMs: number;
}

type Pending = { input: unknown; binary: boolean };

export class RealtimeSocketSession {
  private readonly pending: Pending[] = [];
  private busy = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private workTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: RealtimeSessionOptions,
  ) {}

  start(): void {
    this.ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.receive(data, isBinary));
    this.ws.on("close", () => this.dispose());
    this.ws.on("error", () => this.dispose());
    this.armIdle();
  }

  /** Token refused after the upgrade: the message the JS client recognises, then close. */
  static refuse(ws: WebSocket): void {
    ws.on("error", () => ws.terminate());
    ws.send(JSON.stringify(UNAUTHORIZED_MESSAGE), () => ws.close(1008, "Unauthorized"));
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[], binary: boolean): void {
    if (this.closed) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let input: unknown;
    try {
      input = binary ? decode(bytes) : JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      this.internalError(`Could not decode the ${binary ? "msgpack" : "JSON"} message: ${(error as Error).message}`);
      return;
    }
    this.pending.push({ input, binary });
    // The service keeps at most max_buffering inputs waiting and drops the oldest.
    while (this.pending.length > this.options.maxBuffering) this.pending.shift();
    this.armIdle();
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const next = this.pending.shift();
    if (!next) {
      this.armIdle();
      return;
    }
    this.busy = true;
    this.clearIdle();
    if (this.runScenario(next.input)) {
      this.busy = false;
      return;
    }
    const started = Date.now();
    this.workTimer = setTimeout(() => {
      this.workTimer = undefined;
      this.busy = false;
      if (this.closed) return;
      this.answer(next, (Date.now() - started) / 1000);
      this.pump();
    }, this.options.inferenceMs);
  }

  private answer({ input, binary }: Pending, seconds: number): void {
    const checked = validateInput(this.options.model.input, input);
    if (!checked.ok) {
      const summary = checked.issues.map((issue) => `${issue.loc.slice(1).join(".") || "body"}: ${issue.msg}`).join("; ");
      this.internalError(`Input validation failed: ${summary}`);
      return;
    }
    const value = checked.value;
    const output = generateOutput(
      this.options.model,
      { ...value, output_format: value.format ?? value.output_format },
      {
        files: this.options.files,
        cdnBase: `${this.options.origin}/cdn`,
        maxImageSide: REALTIME_MAX_IMAGE_SIDE,
        flagNsfw: false,
        inferenceSeconds: seconds,
      },
    );
    const requestId = typeof value.request_id === "string" && value.request_id !== "" ? value.request_id : randomUUID();
    this.send({ ...output, num_inference_steps: value.num_inference_steps, request_id: requestId }, binary);
    this.send({ type: "x-fal-message", action: "timings", timing: seconds }, false);
  }

  /** True when the input asked for a scenario (which then replaces the normal answer). */
  private runScenario(input: unknown): boolean {
    const name = input && typeof input === "object" ? (input as Record<string, unknown>)[REALTIME_SCENARIO_FIELD] : undefined;
    if (name === undefined) return false;
    const close = typeof name === "string" ? /^close-(\d{4})$/.exec(name) : null;
    if (name === "internal-error") this.internalError("Simulated app failure (emulator scenario internal-error)");
    else if (name === "drop") this.ws.terminate();
    else if (name === "unauthorized") RealtimeSocketSession.refuse(this.ws);
    else if (name === "timeout") this.idleOut();
    else if (close) this.closeWith(Number(close[1]), `Emulator scenario ${name}`);
    else this.internalError(`Unknown emulator scenario ${JSON.stringify(name)} (internal-error, close-<code>, drop, unauthorized, timeout)`);
    return true;
  }

  private closeWith(code: number, reason: string): void {
    try {
      this.ws.close(code, reason);
    } catch (error) {
      this.internalError(`Cannot close with code ${code}: ${(error as Error).message}`);
    }
  }

  /** An app failure, as the service reports it: the error message, then the connection ends. */
  private internalError(reason: string): void {
    this.send({ type: "x-fal-error", error: "INTERNAL_ERROR", reason }, false);
    this.closeWith(1011, "INTERNAL_ERROR");
  }

  private idleOut(): void {
    this.send(TIMEOUT_MESSAGE, false);
    this.closeWith(1000, "");
  }

  private send(message: unknown, binary: boolean): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(binary ? encode(message) : JSON.stringify(message));
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.closed || this.busy) return;
    this.idleTimer = setTimeout(() => this.idleOut(), this.options.idleMs);
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private dispose(): void {
    this.closed = true;
    this.clearIdle();
    if (this.workTimer !== undefined) clearTimeout(this.workTimer);
    this.workTimer = undefined;
    this.pending.length = 0;
  }
}
