// fal's webhook signing keys: the JWKS, fetched with the native engine (a libcurl GET, like every
// other fal-native call), cached per URL for at most 24 h, decoded tolerantly.
//
// Which URL (first that is set):
//   1. the `jwksUrl` option
//   2. FAL_WEBHOOK_JWKS_URL
//   3. `${baseUrls.rest}/.well-known/jwks.json` (the option, as in createFalClient's config)
//   4. `${FAL_REST_URL}/.well-known/jwks.json`
//   5. https://rest.alpha.fal.ai/.well-known/jwks.json (where fal documents it)
// So a process pointed at the emulator with its env (FAL_REST_URL=<emulator>/rest) verifies
// against the emulator's key without further settings.

import { createPublicKey, type KeyObject } from "node:crypto";
import { Engine } from "../native/engine";
import { bodyText, isOk } from "../native/response";
import { toSpec } from "../core/transport";
import { BASE_URL_ENV, normalizeBaseUrl } from "../core/urls";

export const DEFAULT_JWKS_URL = "https://rest.alpha.fal.ai/.well-known/jwks.json";
export const JWKS_URL_ENV = "FAL_WEBHOOK_JWKS_URL";
/** fal's guidance: cache the JWKS for at most a day. */
export const MAX_JWKS_CACHE_MS = 24 * 60 * 60 * 1000;

export interface JwksSource {
  jwksUrl?: string;
  baseUrls?: { rest?: string };
}

export function resolveJwksUrl(options: JwksSource): string {
  if (options.jwksUrl !== undefined) return checkUrl(options.jwksUrl, "jwksUrl");
  const fromEnv = process.env[JWKS_URL_ENV];
  if (fromEnv) return checkUrl(fromEnv, JWKS_URL_ENV);
  const rest = options.baseUrls?.rest ?? (process.env[BASE_URL_ENV.rest] || undefined);
  if (rest !== undefined) {
    const source = options.baseUrls?.rest !== undefined ? "baseUrls.rest" : BASE_URL_ENV.rest;
    return `${normalizeBaseUrl(rest, source)}/.well-known/jwks.json`;
  }
  return DEFAULT_JWKS_URL;
}

function checkUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`fal-native/webhooks: ${source} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`fal-native/webhooks: ${source} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.href;
}

/** One JWK as fal publishes it: {"kty":"OKP","crv":"Ed25519","x":"<base64url>"}. */
export interface WebhookJwk {
  kty?: string;
  crv?: string;
  x?: string;
  kid?: string;
  [key: string]: unknown;
}

export interface WebhookJwks {
  keys: WebhookJwk[];
}

/**
 * An Ed25519 public key from a JWK's `x`: base64url with or without `=` padding, or standard
 * base64 (`+`, `/`), whitespace ignored. Undefined when it is not an Ed25519 key of 32 bytes.
 */
export function publicKeyFromJwk(jwk: WebhookJwk): KeyObject | undefined {
  if (!jwk || typeof jwk !== "object" || typeof jwk.x !== "string") return undefined;
  if (jwk.kty !== undefined && jwk.kty !== "OKP") return undefined;
  if (jwk.crv !== undefined && jwk.crv !== "Ed25519") return undefined;
  const x = jwk.x.replace(/\s+/g, "").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  if (!/^[A-Za-z0-9_-]+$/.test(x)) return undefined;
  const raw = Buffer.from(x, "base64url");
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  } catch {
    return undefined;
  }
}

export function keysOf(jwks: unknown): KeyObject[] {
  const list = jwks && typeof jwks === "object" && Array.isArray((jwks as WebhookJwks).keys) ? (jwks as WebhookJwks).keys : [];
  return list.map(publicKeyFromJwk).filter((key): key is KeyObject => key !== undefined);
}

export class JwksUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JwksUnavailableError";
  }
}

interface CacheEntry {
  keys: KeyObject[];
  /** Counts fetches, so callers can tell a refetch happened. */
  generation: number;
  fetchedAt: number;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();
const pending = new Map<string, Promise<CacheEntry>>();
let engine: Engine | undefined;
let generations = 0;

/** Forget every cached JWKS (tests; or after you rotated keys on a fake). */
export function clearJwksCache(): void {
  cache.clear();
}

export interface KeyRequest {
  url: string;
  /** How long a fetched JWKS is used (capped at 24 h). */
  cacheTtlMs: number;
  /** Fetch timeout, retries included. */
  timeoutMs: number;
  /** Refetch even when cached, unless the cached copy is younger than this (ms). */
  forceRefreshOlderThanMs?: number;
}

/** The keys at `url`: cached, or fetched (one fetch at a time per URL). */
export async function getKeys(request: KeyRequest): Promise<{ keys: KeyObject[]; generation: number }> {
  const now = Date.now();
  const hit = cache.get(request.url);
  const force = request.forceRefreshOlderThanMs !== undefined && hit !== undefined && now - hit.fetchedAt >= request.forceRefreshOlderThanMs;
  if (hit && hit.expiresAt > now && !force) return hit;
  let inFlight = pending.get(request.url);
  if (!inFlight) {
    inFlight = fetchKeys(request).finally(() => pending.delete(request.url));
    pending.set(request.url, inFlight);
  }
  return inFlight;
}

async function fetchKeys(request: KeyRequest): Promise<CacheEntry> {
  const json = await nativeGetJson(request.url, request.timeoutMs);
  const keys = keysOf(json);
  const fetchedAt = Date.now();
  const entry = { keys, generation: ++generations, fetchedAt, expiresAt: fetchedAt + Math.min(Math.max(0, request.cacheTtlMs), MAX_JWKS_CACHE_MS) };
  cache.set(request.url, entry);
  return entry;
}

/** A native GET (no credentials: the JWKS is public) that resolves with the parsed JSON body. */
async function nativeGetJson(url: string, timeoutMs: number): Promise<unknown> {
  engine ??= new Engine();
  const spec = toSpec({ method: "GET", url, headers: { accept: "application/json" } }, undefined, undefined, {
    maxRetries: 2,
    baseDelay: 250,
    maxDelay: 2000,
    backoffMultiplier: 2,
    retryableStatusCodes: [429, 500, 502, 503, 504],
    enableJitter: true,
  });
  spec.timeout = timeoutMs;
  let record;
  try {
    record = await engine.request(spec);
  } catch (error) {
    throw new JwksUnavailableError(`fetching the webhook JWKS from ${url} failed: ${(error as Error).message}`, { cause: error });
  }
  if (record.type === "error") {
    throw new JwksUnavailableError(`fetching the webhook JWKS from ${url} failed: ${record.message} (${record.code})`);
  }
  if (record.type !== "response") throw new JwksUnavailableError(`fetching the webhook JWKS from ${url} failed: unexpected ${record.type}`);
  const { response } = record;
  if (!isOk(response)) throw new JwksUnavailableError(`fetching the webhook JWKS from ${url} failed: HTTP ${response.status}`);
  try {
    return JSON.parse(bodyText(response));
  } catch (error) {
    throw new JwksUnavailableError(`the webhook JWKS at ${url} is not JSON: ${(error as Error).message}`);
  }
}
