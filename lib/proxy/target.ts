// Which URLs the proxy will call with the server's key, and where they really go.
//
// The client names its target in `x-fal-target-url`. Only fal's API may be reached: https, no
// port, no userinfo, a host that *is* fal.run or one of its subdomains (apps, the queue), or
// rest.fal.ai for the storage upload routes only. Everything else on fal.ai (key management,
// billing, tokens) stays out of reach, because the key the proxy injects could manage the account.
// Only after a target passes is it mapped onto the configured base URL, by building a new URL from
// the base plus the target's normalized path and query, so no client input can pick the host.
import type { ResolvedBaseUrls } from "../core/urls";

export type Service = "run" | "queue" | "rest";

export type CheckedTarget = {
  ok: true;
  /** The fal URL as the client named it (normalized by the URL parser). */
  target: URL;
  /** Which base URL it maps onto; undefined for other fal.run subdomains (forwarded as is). */
  service: Service | undefined;
  /** Whether the path is an app endpoint (fal.run hosts), as opposed to a storage route. */
  isAppCall: boolean;
};

export type RejectedTarget = { ok: false; status: number; detail: string };

/** rest.fal.ai routes the official clients call through a proxy (all POST). */
export const STORAGE_ROUTES: readonly string[] = [
  "/storage/upload/initiate",
  "/storage/upload/initiate-multipart",
  "/storage/upload/complete-multipart",
];

const reject = (detail: string, status = 400): RejectedTarget => ({ ok: false, status, detail });

function isFalRunHost(hostname: string): boolean {
  return hostname === "fal.run" || hostname.endsWith(".fal.run");
}

/** Checks `x-fal-target-url` (the raw header value) for `method`. */
export function checkTarget(raw: string | undefined, method: string): CheckedTarget | RejectedTarget {
  if (raw === undefined || raw.trim() === "") return reject("missing the x-fal-target-url header");
  let target: URL;
  try {
    target = new URL(raw.trim());
  } catch {
    return reject("x-fal-target-url is not an absolute URL");
  }
  if (target.protocol !== "https:") return reject("x-fal-target-url must be an https URL");
  if (target.username !== "" || target.password !== "") return reject("x-fal-target-url must not carry credentials");
  if (target.port !== "") return reject("x-fal-target-url must not name a port");
  if (target.hash !== "") target.hash = "";
  const host = target.hostname;
  if (host === "fal.run") return { ok: true, target, service: "run", isAppCall: true };
  if (host === "queue.fal.run") return { ok: true, target, service: "queue", isAppCall: true };
  if (isFalRunHost(host)) return { ok: true, target, service: undefined, isAppCall: true };
  if (host === "rest.fal.ai") {
    if (!STORAGE_ROUTES.includes(target.pathname.replace(/\/+$/, ""))) {
      return reject("only the storage upload routes of rest.fal.ai can be called through this proxy");
    }
    if (method !== "POST") return reject("the storage upload routes take POST");
    return { ok: true, target, service: "rest", isAppCall: false };
  }
  return reject("x-fal-target-url is not a fal API URL (https://fal.run, https://queue.fal.run or a rest.fal.ai storage route)");
}

/** The URL really requested: the target's path and query under the service's base URL. */
export function upstreamUrl(checked: CheckedTarget, bases: ResolvedBaseUrls): URL {
  const { target, service } = checked;
  if (service === undefined) return new URL(target.href);
  // `target.pathname` is normalized (no dot segments) and starts with "/", so it can only extend
  // the base path; the origin comes from configuration alone.
  const base = new URL(bases[service]);
  const prefix = base.pathname.replace(/\/+$/, "");
  const out = new URL(base.origin);
  out.pathname = `${prefix}${target.pathname}`;
  out.search = target.search;
  return out;
}
