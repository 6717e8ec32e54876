// fal.realtime.connect's handler: checked once, up front, so a mistake is a clear TypeError at the
// call site instead of a failure inside a socket callback later.
import type { RealtimeConnectionHandler } from "../../types/realtime";
import type { TokenProvider } from "../../types/auth";
import type { ApiError } from "../core/errors";
import { ensureEndpointIdFormat } from "../core/endpoint";
import { describeValue } from "../api/validate";

/** The official default: at most one message every 128 ms. */
export const DEFAULT_THROTTLE_INTERVAL_MS = 128;
/** Inclusive bounds of `max_buffering`, as the service accepts it. */
export const MIN_MAX_BUFFERING = 1;
export const MAX_MAX_BUFFERING = 60;

export type RealtimeOptions = {
  app: string;
  connectionKey?: string;
  clientOnly: boolean;
  throttleInterval: number;
  maxBuffering?: number;
  path?: string;
  encodeMessage?: (input: any) => Uint8Array | string;
  decodeMessage?: (data: any) => Promise<any> | any;
  onResult: (result: any) => void;
  onError?: (error: ApiError<any>) => void;
  tokenProvider?: TokenProvider;
  tokenExpirationSeconds?: number;
};

const API = "fal.realtime.connect";

function fail(what: string, expected: string, got: unknown): never {
  throw new TypeError(`${API}: ${what} must be ${expected}, got ${describeValue(got)}`);
}

function optionalFunction<T>(handler: Record<string, unknown>, name: string): T | undefined {
  const value = handler[name];
  if (value === undefined) return undefined;
  if (typeof value !== "function") fail(`handler.${name}`, "a function", value);
  return value as T;
}

export function checkRealtimeArguments(app: unknown, handler: unknown): RealtimeOptions {
  if (typeof app !== "string" || app === "") fail("app", 'a non-empty endpoint id like "fal-ai/fast-lcm-diffusion"', app);
  try {
    ensureEndpointIdFormat(app);
  } catch (error) {
    throw new TypeError(`${API}: ${(error as Error).message}`);
  }
  if (handler === null || typeof handler !== "object" || Array.isArray(handler)) {
    fail("handler", "an object with an onResult function", handler);
  }
  const h = handler as RealtimeConnectionHandler<unknown> & Record<string, unknown>;
  if (typeof h.onResult !== "function") fail("handler.onResult", "a function", h.onResult);

  const { connectionKey, clientOnly, throttleInterval, maxBuffering, path, tokenExpirationSeconds } = h;
  if (connectionKey !== undefined && (typeof connectionKey !== "string" || connectionKey === "")) {
    fail("handler.connectionKey", "a non-empty string", connectionKey);
  }
  if (clientOnly !== undefined && typeof clientOnly !== "boolean") fail("handler.clientOnly", "a boolean", clientOnly);
  if (throttleInterval !== undefined && (typeof throttleInterval !== "number" || !Number.isFinite(throttleInterval) || throttleInterval < 0)) {
    fail("handler.throttleInterval", "a number of milliseconds >= 0", throttleInterval);
  }
  if (maxBuffering !== undefined) {
    // The official message says the same; the official client only throws it later, mid-connect.
    if (typeof maxBuffering !== "number" || !Number.isInteger(maxBuffering) || maxBuffering < MIN_MAX_BUFFERING || maxBuffering > MAX_MAX_BUFFERING) {
      fail("handler.maxBuffering", `an integer between ${MIN_MAX_BUFFERING} and ${MAX_MAX_BUFFERING} (inclusive)`, maxBuffering);
    }
  }
  if (path !== undefined && typeof path !== "string") fail("handler.path", 'a string like "/realtime"', path);
  if (typeof path === "string" && /[?#]/.test(path)) fail("handler.path", "a path without a query string or fragment", path);
  if (tokenExpirationSeconds !== undefined && (typeof tokenExpirationSeconds !== "number" || !Number.isFinite(tokenExpirationSeconds) || tokenExpirationSeconds <= 0)) {
    fail("handler.tokenExpirationSeconds", "a positive number of seconds", tokenExpirationSeconds);
  }

  return {
    app,
    connectionKey,
    clientOnly: clientOnly ?? false,
    throttleInterval: throttleInterval ?? DEFAULT_THROTTLE_INTERVAL_MS,
    maxBuffering,
    path,
    encodeMessage: optionalFunction(h, "encodeMessage"),
    decodeMessage: optionalFunction(h, "decodeMessage"),
    onResult: h.onResult as (result: any) => void,
    onError: optionalFunction(h, "onError"),
    tokenProvider: optionalFunction(h, "tokenProvider"),
    tokenExpirationSeconds,
  };
}
