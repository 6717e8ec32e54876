// The one module that builds native specs. Every request the native engine runs is made here, so
// the rules that keep it safe hold for all of them: the URL handed over is the WHATWG
// serialization of the URL that was checked (never the caller's raw text, which curl may read
// differently), the method is an HTTP token, header lines cannot inject, every request carries the
// User-Agent, and retry options become the native policy in one way.
import type { RetryOptions } from "../../types/retry";
import type { NativeRequestSpec, NativeRetryPolicy, NativeStreamSpec, NativeSubscribeSpec } from "./binding";
import { checkMethod, toHeaderLines, userAgentHeader } from "../core/headers";

/** A native request spec, as the rest of lib/ names it (lib/ outside lib/native/ never imports the binding). */
export type RequestSpec = NativeRequestSpec;
/** A native streaming spec. */
export type StreamRequestSpec = NativeStreamSpec;

/** Longest timer Node (and the native side) can arm: larger values are clamped to it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `url` parsed as a WHATWG URL and serialized again: the exact text whose host was (or will be)
 * checked. A backslash, a userinfo trick or a control character cannot make the native side
 * connect somewhere else, because it never sees the unparsed text. Only absolute http(s) URLs.
 */
export function serializeUrl(url: unknown, what = "request URL"): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    // e.g. a relative proxyUrl ("/api/fal/proxy") applied outside a browser
    throw new TypeError(`fal-native: ${what} ${JSON.stringify(String(url))} is not an absolute http(s) URL`);
  }
  return parsed.href;
}

/** The native retry policy of a merged RetryOptions (the only conversion). */
export function toNativeRetry(options: RetryOptions): NativeRetryPolicy {
  return {
    maxRetries: options.maxRetries,
    baseDelay: options.baseDelay,
    maxDelay: options.maxDelay,
    backoffMultiplier: options.backoffMultiplier,
    enableJitter: options.enableJitter,
    retryableStatusCodes: [...options.retryableStatusCodes],
  };
}

/** A whole-call limit in ms as the native side takes it: 0 for none, clamped to MAX_TIMER_MS. */
export function nativeTimeout(ms: number | undefined): number {
  if (ms === undefined || !(ms > 0)) return 0;
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}

export type RequestParts = {
  method: string;
  url: string;
  /**
   * Header name -> value, in send order. A User-Agent is appended unless one is given (any case).
   * Undefined values are skipped.
   */
  headers: Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
  bodyFile?: NativeRequestSpec["bodyFile"];
  downloadTo?: string;
  progress?: boolean;
  retry: RetryOptions;
  /** Whole-call limit in ms (0 or unset: none). */
  timeout?: number;
  /** Names the caller in errors about the method ("fal.run: options.method"). */
  methodWhat?: string;
  /** fal.run and streams: the server may say nothing until the model has run (see the binding). */
  awaitsModel?: boolean;
};

type Headers = Record<string, string | string[] | undefined>;
type HeaderEntries = [name: string, value: string | undefined][];

/** Header lines with the User-Agent added when the caller did not set one. */
export function headerLines(headers: Headers): string[] {
  const names = Object.keys(headers);
  const cached = recentHeaderLines.find((entry) => sameHeaders(entry.headers, names, headers));
  if (cached) return cached.lines;
  const hasUserAgent = names.some((name) => name.toLowerCase() === "user-agent" && headers[name] !== undefined);
  const lines = Object.freeze(toHeaderLines(hasUserAgent ? headers : { ...headers, ...userAgentHeader() })) as string[];
  const entries = Object.entries(headers);
  // Array values are joined into their line: such sets are rare and simply not kept.
  if (entries.every(([, value]) => typeof value !== "object")) {
    recentHeaderLines.unshift({ headers: entries as HeaderEntries, lines });
    recentHeaderLines.length = Math.min(recentHeaderLines.length, RECENT_HEADER_SETS);
  }
  return lines;
}

// A client sends the same few header sets over and over (a subscribe's submit headers and its
// shared ones, per key): their checked lines are kept, so a call compares a few strings instead of
// validating and joining every header again. Frozen: the native side only reads them.
const RECENT_HEADER_SETS = 4;
const recentHeaderLines: { headers: HeaderEntries; lines: string[] }[] = [];

/** Same names with the same values in the same order (the order of the lines). */
function sameHeaders(entries: HeaderEntries, names: string[], headers: Headers): boolean {
  return names.length === entries.length && names.every((name, i) => entries[i][0] === name && entries[i][1] === headers[name]);
}

/** One native request spec. Throws a TypeError for a bad method, URL or header. */
export function requestSpec(parts: RequestParts): NativeRequestSpec {
  const spec: NativeRequestSpec = {
    method: checkMethod(parts.method, parts.methodWhat ?? "fal-native: the request method"),
    url: serializeUrl(parts.url),
    headers: headerLines(parts.headers),
    retry: toNativeRetry(parts.retry),
  };
  if (parts.body !== undefined) spec.body = parts.body;
  if (parts.bodyFile !== undefined) spec.bodyFile = parts.bodyFile;
  if (parts.downloadTo !== undefined) spec.downloadTo = parts.downloadTo;
  if (parts.progress) spec.progress = true;
  if (parts.awaitsModel) spec.awaitsModel = true;
  const timeout = nativeTimeout(parts.timeout);
  if (timeout > 0) spec.timeout = timeout;
  return spec;
}

export type SubscribeParts = Omit<NativeSubscribeSpec, "requestsPrefix" | "headers" | "statusRetry" | "resultRetry" | "proxy"> & {
  requestsPrefix: string;
  headers: Record<string, string | undefined>;
  statusRetry: RetryOptions;
  resultRetry: RetryOptions;
};

/** A native subscribe job: the submit spec plus the status/result/cancel calls' shared parts. */
export function subscribeSpec(parts: SubscribeParts): NativeSubscribeSpec {
  return {
    ...parts,
    requestsPrefix: serializeUrl(parts.requestsPrefix, "queue URL"),
    headers: headerLines(parts.headers),
    timeout: nativeTimeout(parts.timeout),
    statusRetry: toNativeRetry(parts.statusRetry),
    resultRetry: toNativeRetry(parts.resultRetry),
  };
}

/** A native streaming request around a request spec from requestSpec. */
export function streamSpec(request: NativeRequestSpec, idleTimeout: number, highWaterMark: number): NativeStreamSpec {
  return { request, idleTimeout: nativeTimeout(idleTimeout), highWaterMark };
}
