// verifyWebhook: check a delivery's X-Fal-Webhook-* headers and Ed25519 signature against fal's
// JWKS (jwks.ts), then parse its body (wire doc §11).
//
// The signed message is `request_id \n user_id \n timestamp \n hex(sha256(raw body))`, so the body
// must be the exact bytes received: verify before any JSON parser touches it.

import { createHash, verify as verifySignature, type KeyObject } from "node:crypto";
import type { WebHookResponse } from "../../types/common";
import { getKeys, JwksUnavailableError, keysOf, resolveJwksUrl, type WebhookJwks } from "./jwks";

/**
 * Which check failed:
 * - "missing_header": an X-Fal-Webhook-* header is missing, empty, or malformed (timestamp not a number);
 * - "stale_timestamp": X-Fal-Webhook-Timestamp is more than `toleranceSeconds` (300) from now, either way;
 * - "bad_signature": the signature is not 64 hex-encoded bytes, or no published key verifies it (after
 *   one JWKS refetch);
 * - "unknown_key": the JWKS holds no usable Ed25519 key (even after a refetch);
 * - "malformed_body": the body verified but is not a JSON webhook object (request_id and status);
 * - "jwks_unavailable": the JWKS could not be fetched or parsed (network, non-2xx, not JSON).
 */
export type WebhookVerificationReason =
  | "missing_header"
  | "stale_timestamp"
  | "bad_signature"
  | "unknown_key"
  | "malformed_body"
  | "jwks_unavailable";

export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;
  /** X-Fal-Webhook-Request-Id, when the delivery had one. */
  readonly requestId?: string;

  constructor(reason: WebhookVerificationReason, message: string, options: { requestId?: string; cause?: unknown } = {}) {
    super(`fal-native/webhooks: ${message}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "WebhookVerificationError";
    this.reason = reason;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }
}

/** Anything request headers come as: a plain object, node's IncomingHttpHeaders, or a fetch Headers. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/** The raw body exactly as received. */
export type WebhookBody = string | ArrayBuffer | ArrayBufferView;

export interface WebhookVerifyOptions {
  /**
   * The JWKS URL. Default: FAL_WEBHOOK_JWKS_URL, else `<baseUrls.rest or FAL_REST_URL>/.well-known/jwks.json`
   * when either is set (so the emulator's env points here too), else fal's
   * https://rest.alpha.fal.ai/.well-known/jwks.json.
   */
  jwksUrl?: string;
  /** Same as createFalClient's config.baseUrls; only `rest` is used (see jwksUrl). */
  baseUrls?: { rest?: string };
  /** Use these keys instead of fetching any (pinned keys, offline tests). */
  jwks?: WebhookJwks;
  /** Allowed distance of X-Fal-Webhook-Timestamp from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** How long a fetched JWKS is reused (default and maximum: 24 h). */
  cacheTtlMs?: number;
  /**
   * When no cached key verifies a signature, the JWKS is fetched again once, unless the cached
   * copy is younger than this (default 10000 ms), so forged deliveries cannot make every request
   * refetch it. 0: always refetch once.
   */
  refetchCooldownMs?: number;
  /** JWKS fetch deadline, retries included (default 10000 ms). */
  jwksTimeoutMs?: number;
}

export interface VerifyWebhookParams extends WebhookVerifyOptions {
  headers: WebhookHeaders;
  body: WebhookBody;
}

/** What verification established besides the body. */
export interface VerifiedWebhookMeta {
  requestId: string;
  userId: string;
  /** X-Fal-Webhook-Timestamp, unix seconds. */
  timestamp: number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
const DEFAULT_REFETCH_COOLDOWN_MS = 10_000;
const DEFAULT_JWKS_TIMEOUT_MS = 10_000;

export const HEADER_REQUEST_ID = "x-fal-webhook-request-id";
export const HEADER_USER_ID = "x-fal-webhook-user-id";
export const HEADER_TIMESTAMP = "x-fal-webhook-timestamp";
export const HEADER_SIGNATURE = "x-fal-webhook-signature";

/** Verify a delivery and return its parsed body; rejects with WebhookVerificationError. */
export async function verifyWebhook<Output = any>(params: VerifyWebhookParams): Promise<WebHookResponse<Output>> {
  return (await verifyWebhookWithMeta<Output>(params)).webhook;
}

/** verifyWebhook plus the verified header values (the receivers use them). */
export async function verifyWebhookWithMeta<Output = any>(
  params: VerifyWebhookParams,
): Promise<{ webhook: WebHookResponse<Output>; meta: VerifiedWebhookMeta }> {
  if (!params || typeof params !== "object") throw new TypeError("fal-native/webhooks: verifyWebhook expects { headers, body }");
  const bytes = bodyBytes(params.body);
  const requestId = header(params.headers, HEADER_REQUEST_ID);
  const userId = header(params.headers, HEADER_USER_ID);
  const timestampText = header(params.headers, HEADER_TIMESTAMP);
  const signatureHex = header(params.headers, HEADER_SIGNATURE);
  const missing = [
    [HEADER_REQUEST_ID, requestId],
    [HEADER_USER_ID, userId],
    [HEADER_TIMESTAMP, timestampText],
    [HEADER_SIGNATURE, signatureHex],
  ].filter(([, value]) => value === undefined).map(([name]) => titleCase(name as string));
  if (missing.length > 0) {
    throw new WebhookVerificationError("missing_header", `missing ${missing.join(", ")}`, { requestId });
  }
  const ids = { requestId: requestId as string };
  if (!/^\d{1,15}$/.test(timestampText as string)) {
    throw new WebhookVerificationError("missing_header", `X-Fal-Webhook-Timestamp is not unix seconds: ${JSON.stringify(timestampText)}`, ids);
  }
  const timestamp = Number(timestampText);
  const tolerance = params.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.floor(Date.now() / 1000) - timestamp;
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    throw new WebhookVerificationError("stale_timestamp", `X-Fal-Webhook-Timestamp is ${when} (tolerance ${tolerance} s)`, ids);
  }
  const signature = /^[0-9a-fA-F]{128}$/.test(signatureHex as string) ? Buffer.from(signatureHex as string, "hex") : undefined;
  if (!signature) {
    throw new WebhookVerificationError("bad_signature", "X-Fal-Webhook-Signature is not a hex-encoded 64-byte Ed25519 signature", ids);
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  const message = Buffer.from(`${requestId}\n${userId}\n${timestampText}\n${digest}`, "utf8");
  const matches = (keys: KeyObject[]) => keys.some((key) => verifySignature(null, message, key, signature));

  if (params.jwks !== undefined) {
    const keys = keysOf(params.jwks);
    if (keys.length === 0) throw new WebhookVerificationError("unknown_key", "the given jwks holds no Ed25519 key", ids);
    if (!matches(keys)) throw new WebhookVerificationError("bad_signature", "the signature does not match any key in the given jwks", ids);
  } else {
    const url = resolveJwksUrl(params);
    const request = {
      url,
      cacheTtlMs: params.cacheTtlMs ?? Number.POSITIVE_INFINITY,
      timeoutMs: params.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
    };
    const load = async (forceRefreshOlderThanMs?: number) => {
      try {
        return await getKeys({ ...request, forceRefreshOlderThanMs });
      } catch (error) {
        if (error instanceof JwksUnavailableError) throw new WebhookVerificationError("jwks_unavailable", error.message, { ...ids, cause: error });
        throw error;
      }
    };
    let { keys, generation } = await load();
    if (!matches(keys)) {
      // Keys may have rotated since the copy was cached: fetch once more (not for a fresh copy).
      const cooldown = params.refetchCooldownMs ?? DEFAULT_REFETCH_COOLDOWN_MS;
      const fresh = await load(cooldown);
      const refetched = fresh.generation !== generation;
      ({ keys, generation } = fresh);
      if (keys.length === 0) {
        throw new WebhookVerificationError("unknown_key", `the JWKS at ${url} holds no Ed25519 key`, ids);
      }
      if (!matches(keys)) {
        const note = refetched ? " (JWKS refetched)" : "";
        throw new WebhookVerificationError("bad_signature", `the signature does not match any key of ${url}${note}`, ids);
      }
    }
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new WebhookVerificationError("malformed_body", `the body is not JSON: ${(error as Error).message}`, ids);
  }
  const body = parsed as Record<string, unknown>;
  if (!body || typeof body !== "object" || Array.isArray(body) || typeof body.request_id !== "string" || (body.status !== "OK" && body.status !== "ERROR")) {
    throw new WebhookVerificationError("malformed_body", 'the body is not a fal webhook (expected request_id and status "OK" or "ERROR")', ids);
  }
  return {
    webhook: body as unknown as WebHookResponse<Output>,
    meta: { requestId: requestId as string, userId: userId as string, timestamp },
  };
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (!headers || typeof headers !== "object") throw new TypeError("fal-native/webhooks: headers must be an object or a Headers");
  let value: string | string[] | null | undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    value = (headers as { get(name: string): string | null }).get(name);
  } else {
    const record = headers as Record<string, string | string[] | undefined>;
    value = record[name];
    if (value === undefined) {
      const key = Object.keys(record).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : record[key];
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function bodyBytes(body: WebhookBody): Uint8Array {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const what = body === null ? "null" : typeof body === "object" ? "an already-parsed object (did a JSON body parser run first?)" : typeof body;
  throw new TypeError(`fal-native/webhooks: body must be the raw bytes or string received, got ${what}`);
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
}
