// Header policy in both directions.
//
// To fal: the client's `x-fal-*` headers (fal's own request options: lifecycle, runner hints,
// timeouts...), its content negotiation headers and user agent, plus the server's key. Nothing
// else: not the client's authorization or cookies (they belong to your app), not the target header.
//
// Back to the client: fal's headers minus hop-by-hop ones, cookies set by fal's edge, and any
// header that contains the key.
import type { IncomingHeaders } from "./types";

export const TARGET_URL_HEADER = "x-fal-target-url";

const FORWARDED_PLAIN_HEADERS = ["accept", "accept-encoding", "accept-language", "content-encoding", "content-type", "user-agent"];
const NOT_FORWARDED_FAL_HEADERS = new Set([TARGET_URL_HEADER, "x-fal-client-proxy"]);

/** One value for a header that may be repeated (node:http gives arrays for some). */
export function singleHeader(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value[0];
  return value;
}

export function upstreamRequestHeaders(
  incoming: IncomingHeaders,
  key: string,
  proxyId: string,
  body: { present: boolean; length?: number },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(incoming)) {
    const name = rawName.toLowerCase();
    if (value === undefined) continue;
    const forwarded = FORWARDED_PLAIN_HEADERS.includes(name) || (name.startsWith("x-fal-") && !NOT_FORWARDED_FAL_HEADERS.has(name));
    if (forwarded) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  out.accept ??= "application/json";
  if (body.present) {
    out["content-type"] ??= "application/json";
    if (body.length !== undefined) out["content-length"] = String(body.length);
  }
  out.authorization = `Key ${key}`;
  out["x-fal-client-proxy"] = proxyId;
  return out;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const NOT_RETURNED = new Set(["set-cookie", "authorization"]);

/** fal's response headers that may be sent to the client. */
export function downstreamResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
  secrets: string[],
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [rawName, value] of Object.entries(upstream)) {
    const name = rawName.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_RETURNED.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (secrets.some((secret) => one.includes(secret) || name.includes(secret))) continue;
      out.push([name, one]);
    }
  }
  return out;
}
