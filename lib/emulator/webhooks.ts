// Outbound webhooks (wire doc §11, checklist rows 18 and 19). A queue request submitted with
// `?fal_webhook=<url>` gets, once COMPLETED, a signed POST to that URL:
//
//   {"request_id", "gateway_request_id", "status": "OK"|"ERROR", ["error",] "payload", ["payload_error"]}
//
//   status   "OK" when the model answered 2xx, else "ERROR" with error "Invalid status code: <code>"
//   payload  the model's output, or its error body; null (plus payload_error) when not JSON
//
// Headers: Content-Type: application/json, X-Fal-Webhook-Request-Id, X-Fal-Webhook-User-Id,
// X-Fal-Webhook-Timestamp (unix seconds) and X-Fal-Webhook-Signature: the hex Ed25519 signature of
// `request_id \n user_id \n timestamp \n hex(sha256(body))`, made with this emulator's key, whose
// public half is served at `GET <rest>/.well-known/jwks.json` (no key needed).
//
// Retries: a receiver that answers non-2xx, refuses the connection or takes longer than
// timing.webhookTimeoutMs (default 15 s, as fal) is tried again, 10 times, on fal's schedule of
// about 2 hours (RETRY_SCHEDULE_MS) multiplied by timing.webhookRetryScale (default 0.01). Every
// attempt gets a fresh timestamp and signature over the same body.
//
// Scenarios (x-fal-emulator-scenario on the submit, see routes.ts): webhook-bad-signature (signed
// with a key the JWKS does not have), webhook-stale-timestamp (timestamp 10 minutes old, correctly
// signed), webhook-duplicate (delivered a second time after the first success), webhook-non-json
// (payload null plus payload_error, as when the result is not JSON).

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { Job } from "./queue";
import type { ResolvedTiming, WebhookAttempt, WebhookDelivery } from "./types";

/** fal's documented schedule: 10 retries over about 2 hours (the gaps between attempts, in ms). */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 1_500_000, 1_800_000, 2_100_000,
];

export const PAYLOAD_ERROR =
  "Response payload is not JSON serializable. Either return a JSON serializable object or use the queue endpoint to retrieve the response.";

/** How far in the past the webhook-stale-timestamp scenario dates its deliveries. */
export const STALE_TIMESTAMP_SECONDS = 600;

const DEFAULT_USER_ID = "fal-native-emulator";
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookOptions {
  /**
   * Ed25519 private key that signs deliveries (a KeyObject or PKCS#8 PEM). Default: a fresh key
   * pair per emulator. A fixed key lets receivers keep a pinned JWKS across emulator restarts.
   */
  privateKey?: KeyObject | string;
  /** The X-Fal-Webhook-User-Id header (default "fal-native-emulator"). */
  userId?: string;
}

export interface Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
  use?: string;
  alg?: string;
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private privateKey: KeyObject;
  private retiredKeys: KeyObject[] = [];
  private readonly userId: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly agents = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };
  private disposed = false;

  constructor(
    options: WebhookOptions,
    private readonly timing: ResolvedTiming,
    private readonly log: ((line: string) => void) | undefined,
    private readonly maxKept = 10_000,
  ) {
    this.privateKey = options.privateKey
      ? typeof options.privateKey === "string"
        ? createPrivateKey(options.privateKey)
        : options.privateKey
      : generateKeyPairSync("ed25519").privateKey;
    if (this.privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("fal-native emulator: webhooks.privateKey must be an Ed25519 key");
    this.userId = options.userId ?? DEFAULT_USER_ID;
  }

  /** `{"keys":[...]}`: the current key first, then keys retired by rotateKey(). */
  jwks(): { keys: Jwk[] } {
    return { keys: [this.privateKey, ...this.retiredKeys].map((key) => toJwk(key)) };
  }

  /** Sign with a new key from now on. The old one stays in the JWKS unless `dropOld`. */
  rotateKey(dropOld = false): void {
    this.retiredKeys = dropOld ? [] : [this.privateKey, ...this.retiredKeys];
    this.privateKey = generateKeyPairSync("ed25519").privateKey;
  }

  /** Called for every request that reached COMPLETED. */
  completed(job: Job): void {
    if (!job.webhookUrl || !job.outcome || this.disposed) return;
    const scenarios: string[] = [...job.scenarios].filter((s) => s.startsWith("webhook-"));
    const body = webhookBody(job, job.scenarios.has("webhook-non-json"));
    this.start(job.id, job.webhookUrl, body, scenarios, false);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const request of this.inFlight) request.destroy(new Error("emulator closed"));
    this.inFlight.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private start(requestId: string, url: string, body: string, scenarios: string[], duplicate: boolean): void {
    const delivery: WebhookDelivery = {
      requestId,
      url,
      body,
      headers: {},
      attempts: [],
      state: "pending",
      scenarios,
      duplicate,
      createdAt: Date.now(),
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > this.maxKept) this.deliveries.splice(0, this.deliveries.length - this.maxKept);
    void this.attempt(delivery);
  }

  private signedHeaders(delivery: WebhookDelivery): Record<string, string> {
    const scenarios = new Set(delivery.scenarios);
    const now = Math.floor(Date.now() / 1000);
    const timestamp = String(scenarios.has("webhook-stale-timestamp") ? now - STALE_TIMESTAMP_SECONDS : now);
    const digest = createHash("sha256").update(delivery.body).digest("hex");
    const message = `${delivery.requestId}\n${this.userId}\n${timestamp}\n${digest}`;
    const key = scenarios.has("webhook-bad-signature") ? generateKeyPairSync("ed25519").privateKey : this.privateKey;
    return {
      "content-type": "application/json",
      "user-agent": "fal-native-emulator-webhooks",
      "x-fal-webhook-request-id": delivery.requestId,
      "x-fal-webhook-user-id": this.userId,
      "x-fal-webhook-timestamp": timestamp,
      "x-fal-webhook-signature": sign(null, Buffer.from(message, "utf8"), key).toString("hex"),
    };
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    if (this.disposed) return;
    const number = delivery.attempts.length + 1;
    const total = RETRY_SCHEDULE_MS.length + 1;
    const headers = this.signedHeaders(delivery);
    delivery.headers = headers;
    const started = Date.now();
    const result = await this.post(delivery.url, headers, delivery.body);
    if (this.disposed) return;
    const attempt: WebhookAttempt = { time: started, durationMs: Date.now() - started, headers, ...result };
    delivery.attempts.push(attempt);
    const outcome = result.status !== undefined ? `${result.status}` : `failed (${result.error})`;
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    const label = `webhook ${delivery.requestId}${delivery.duplicate ? " (duplicate)" : ""} -> ${delivery.url} attempt ${number}/${total}: ${outcome} in ${attempt.durationMs} ms`;
    if (ok) {
      delivery.state = "delivered";
      this.log?.(label);
      if (delivery.scenarios.includes("webhook-duplicate") && !delivery.duplicate) {
        this.start(delivery.requestId, delivery.url, delivery.body, delivery.scenarios, true);
      }
      return;
    }
    if (number >= total) {
      delivery.state = "failed";
      this.log?.(`${label}; giving up`);
      return;
    }
    const delay = Math.round(RETRY_SCHEDULE_MS[number - 1] * this.timing.webhookRetryScale);
    this.log?.(`${label}; retry in ${delay} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delay);
    this.timers.add(timer);
  }

  /** One POST: the receiver's status, or why there was none. Never rejects. */
  private post(url: string, headers: Record<string, string>, body: string): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
        if (target.protocol !== "http:" && target.protocol !== "https:") throw new Error(`unsupported scheme ${target.protocol}`);
      } catch (error) {
        resolve({ error: `invalid webhook URL: ${(error as Error).message}` });
        return;
      }
      const secure = target.protocol === "https:";
      const payload = Buffer.from(body, "utf8");
      let settled = false;
      const finish = (value: { status?: number; error?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        resolve(value);
      };
      const request = (secure ? https : http).request(
        target,
        {
          method: "POST",
          headers: { ...headers, "content-length": String(payload.length) },
          agent: secure ? this.agents.https : this.agents.http,
        },
        (response) => {
          let received = 0;
          response.on("data", (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) response.destroy();
          });
          response.on("end", () => finish({ status: response.statusCode }));
          response.on("close", () => finish({ status: response.statusCode }));
          response.on("error", () => finish({ status: response.statusCode }));
        },
      );
      const timer = setTimeout(() => {
        request.destroy(new Error(`no response within ${this.timing.webhookTimeoutMs} ms`));
      }, this.timing.webhookTimeoutMs);
      this.inFlight.add(request);
      request.on("error", (error: NodeJS.ErrnoException) => finish({ error: error.code ? `${error.code}: ${error.message}` : error.message }));
      request.end(payload);
    });
  }
}

/** The webhook body for a completed job (field order as fal sends it). */
export function webhookBody(job: Job, forceNonJson: boolean): string {
  const { status, body } = (job.outcome as NonNullable<Job["outcome"]>).response;
  const ok = status >= 200 && status < 300;
  const out: Record<string, unknown> = { request_id: job.id, gateway_request_id: job.id, status: ok ? "OK" : "ERROR" };
  if (!ok) out.error = `Invalid status code: ${status}`;
  const json = forceNonJson ? undefined : jsonOf(body);
  out.payload = json === undefined ? null : JSON.parse(json);
  if (json === undefined) out.payload_error = PAYLOAD_ERROR;
  return JSON.stringify(out);
}

function jsonOf(value: unknown): string | undefined {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function toJwk(privateKey: KeyObject): Jwk {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as { x: string };
  return { kty: "OKP", crv: "Ed25519", x: jwk.x };
}
