// fal-native webhooks listen: a local webhook receiver that verifies every delivery (the
// emulator's or fal's, e.g. through a tunnel) and prints one line per delivery; with --forward it
// POSTs verified bodies, with their original headers, to your app and answers fal with your app's
// status (so fal retries when your app fails). Unverified deliveries get 401 and are not forwarded.
//
// Line format (stdout):   <time> <request id> <OK|ERROR> verified <payload summary>
//                         <time> <request id> REJECTED <reason>: <message>
// With --json: one JSON object per delivery instead ({time, requestId, verified, reason?, status?,
// error?, payload_error?, summary?, duplicate, forwarded?}).
import * as http from "node:http";
import * as https from "node:https";
import { numberOption, stringOption, flag } from "../args";
import type { Command } from "../command";
import { UsageError } from "../exit-codes";
import { resolveJwksUrl } from "../../webhooks/jwks";
import { verifyWebhookWithMeta, WebhookVerificationError } from "../../webhooks/verify";
import type { WebHookResponse } from "../../../types/common";

const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Request headers not passed on by --forward (hop-by-hop, or recomputed). */
const NOT_FORWARDED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "expect", "upgrade"]);

export const webhooksCommand: Command = {
  name: "webhooks",
  summary: "receive fal webhooks locally: verify and print each delivery (and forward it)",
  usage: ["webhooks listen [--port N] [--host H] [--forward URL] [--jwks-url URL]"],
  description:
    "Listens for webhook POSTs on any path, checks each one's X-Fal-Webhook-* signature against fal's\n" +
    "JWKS, and prints the request id, status, verification result and a payload summary. Point\n" +
    "--webhook (or webhookUrl) at it. The JWKS comes from --jwks-url, else FAL_WEBHOOK_JWKS_URL, else\n" +
    "<FAL_REST_URL>/.well-known/jwks.json (the emulator's, after eval of its export lines), else fal's.\n" +
    "Verified deliveries get 200 (or, with --forward, the status your app answered); others get 401.\n" +
    "Runs until Ctrl-C.",
  optionGroups: [
    {
      title: "Listener",
      options: {
        port: { type: "string", short: "p", value: "N", help: "port (default 0: a free one; the listening line says which)" },
        host: { type: "string", value: "HOST", help: "address to listen on (default 127.0.0.1)" },
        forward: { type: "string", value: "URL", help: "POST verified deliveries (body and headers as received) to this URL" },
        "jwks-url": { type: "string", value: "URL", help: "where fal's public keys are (default: see above)" },
      },
    },
  ],
  positionals: { min: 1, max: 1, names: ["listen"] },
  ownsSignals: true,
  examples: [
    "fal-native webhooks listen --port 8788",
    "fal-native webhooks listen --port 8788 --forward http://localhost:3000/api/fal/webhook",
    "fal-native submit fal-ai/flux-1/schnell -i prompt=otter --emulator $URL --webhook http://127.0.0.1:8788/",
  ],
  async run(ctx) {
    const { values, positionals } = ctx.args;
    if (positionals[0] !== "listen") throw new UsageError(`unknown webhooks subcommand "${positionals[0]}" (expected: listen)`);
    const port = numberOption(values, "port", "a port number") ?? 0;
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port expects a port number (0-65535), got "${port}"`);
    const host = stringOption(values, "host") ?? "127.0.0.1";
    const forward = stringOption(values, "forward");
    if (forward !== undefined && !/^https?:\/\/[^/]/i.test(forward)) throw new UsageError(`--forward expects an http(s) URL, got "${forward}"`);
    let jwksUrl: string;
    try {
      jwksUrl = resolveJwksUrl({ jwksUrl: stringOption(values, "jwks-url") });
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/^fal-native\/webhooks: jwksUrl/, "--jwks-url"));
    }
    const json = flag(values, "json");
    const quiet = flag(values, "quiet");
    const seen = new Set<string>();

    const print = (record: Record<string, unknown>, line: string) => {
      ctx.io.stdout.write(json ? `${JSON.stringify(record)}\n` : `${line}\n`);
    };

    const server = http.createServer((req, res) => {
      void handle(req, res).catch((error: unknown) => {
        ctx.io.stderr.write(`fal-native webhooks: ${(error as Error).message}\n`);
        if (!res.headersSent) reply(res, 500, { error: "listener failed" });
      });
    });

    const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.method !== "POST") return reply(res, 405, { error: "webhooks are POSTed" });
      const body = await readBody(req);
      if (body === undefined) return reply(res, 413, { error: "body too large" });
      const time = new Date().toISOString();
      const headerId = req.headers["x-fal-webhook-request-id"];
      try {
        const { webhook } = await verifyWebhookWithMeta({ headers: req.headers, body, jwksUrl, refetchCooldownMs: 1000 });
        const duplicate = seen.has(webhook.request_id);
        seen.add(webhook.request_id);
        const record: Record<string, unknown> = {
          time,
          requestId: webhook.request_id,
          verified: true,
          status: webhook.status,
          duplicate,
          summary: summarize(webhook),
        };
        if (webhook.error !== undefined) record.error = webhook.error;
        if (webhook.payload_error !== undefined) record.payload_error = webhook.payload_error;
        let answer = 200;
        let forwardNote = "";
        if (forward !== undefined) {
          const forwarded = await forwardTo(forward, req.headers, body);
          record.forwarded = forwarded;
          answer = forwarded.status !== undefined && forwarded.status < 600 ? forwarded.status : 502;
          forwardNote = forwarded.status !== undefined ? ` -> forwarded: ${forwarded.status}` : ` -> forward failed: ${forwarded.error}`;
        }
        print(record, `${time} ${webhook.request_id} ${webhook.status} verified${duplicate ? " (duplicate)" : ""} ${record.summary}${forwardNote}`);
        reply(res, answer, answer >= 200 && answer < 300 ? { ok: true } : { error: "forward target failed" });
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        const requestId = typeof headerId === "string" ? headerId : "-";
        print(
          { time, requestId, verified: false, reason: error.reason, message: error.message },
          `${time} ${requestId} REJECTED ${error.reason}: ${error.message.replace(/^fal-native\/webhooks: /, "")}`,
        );
        reply(res, error.reason === "jwks_unavailable" ? 503 : 401, { error: error.message, reason: error.reason });
      }
    };

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as { port: number; address: string };
    const shown = host.includes(":") ? `[${host}]` : host;
    ctx.io.stdout.write(`listening for fal webhooks on http://${shown}:${address.port}/\n`);
    if (!quiet) ctx.io.stderr.write(`verifying against ${jwksUrl}${forward ? `; forwarding to ${forward}` : ""}\n`);

    return new Promise<number>((resolve) => {
      const stop = () => server.close(() => resolve(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A short description of the payload: image/video/audio counts and URLs, else its keys. */
export function summarize(webhook: WebHookResponse): string {
  if (webhook.payload_error !== undefined) return `payload: null (${webhook.payload_error.slice(0, 60)}...)`;
  const payload = webhook.payload as unknown;
  const prefix = webhook.status === "ERROR" ? `${webhook.error}; ` : "";
  if (payload === null || typeof payload !== "object") return `${prefix}payload: ${JSON.stringify(payload)}`;
  const record = payload as Record<string, unknown>;
  if (Array.isArray(record.images)) {
    const urls = record.images.map((image) => (image && typeof image === "object" ? (image as { url?: unknown }).url : undefined));
    return `${prefix}${record.images.length} image${record.images.length === 1 ? "" : "s"}${urls[0] ? ` (${String(urls[0])}${urls.length > 1 ? ", ..." : ""})` : ""}`;
  }
  for (const key of ["video", "audio", "image"]) {
    const file = record[key] as { url?: unknown } | undefined;
    if (file && typeof file === "object" && typeof file.url === "string") return `${prefix}${key} ${file.url}`;
  }
  if (webhook.status === "ERROR" && record.detail !== undefined) {
    const detail = JSON.stringify(record.detail);
    return `${prefix}detail: ${detail.length > 120 ? `${detail.slice(0, 117)}...` : detail}`;
  }
  const keys = Object.keys(record);
  return `${prefix}payload keys: ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", ..." : ""}`;
}

function forwardTo(url: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const outgoing: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) outgoing[name] = value;
    }
    outgoing["content-length"] = String(body.length);
    const request = (target.protocol === "https:" ? https : http).request(target, { method: "POST", headers: outgoing, timeout: 30_000 }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode }));
      response.on("error", (error) => resolve({ error: error.message }));
    });
    request.on("timeout", () => request.destroy(new Error("no response within 30 s")));
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}
