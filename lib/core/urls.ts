// Where requests go: the four base URLs (config > env > fal defaults), the URL builders, and the
// one rule that sends the client's CDN requests to a CDN override (cdnRequestUrl).
import type { BaseUrls } from "../../types/config";
import { ensureEndpointIdFormat, appPrefix } from "./endpoint";

export type ResolvedBaseUrls = Required<BaseUrls>;
type Service = keyof ResolvedBaseUrls;

export const DEFAULT_BASE_URLS: ResolvedBaseUrls = {
  run: "https://fal.run",
  queue: "https://queue.fal.run",
  rest: "https://rest.fal.ai",
  cdn: "https://v3.fal.media",
};

export const BASE_URL_ENV: Record<Service, string> = {
  run: "FAL_RUN_URL",
  queue: "FAL_QUEUE_URL",
  rest: "FAL_REST_URL",
  cdn: "FAL_CDN_URL",
};

const SERVICES = Object.keys(DEFAULT_BASE_URLS) as Service[];

/**
 * Validates one base URL ("http(s)://host[:port][/prefix]") and returns it without a trailing
 * slash. `source` names the option in the error ("config.baseUrls.queue", "FAL_QUEUE_URL").
 */
export function normalizeBaseUrl(value: unknown, source: string): string {
  const fail = (why: string): never => {
    throw new TypeError(
      `fal-native: ${source} must be an http(s) URL such as "http://127.0.0.1:8787/queue" (${why}), got ${JSON.stringify(value)}`,
    );
  };
  if (typeof value !== "string" || value.trim() === "") fail("not a non-empty string");
  let url: URL;
  try {
    url = new URL((value as string).trim());
  } catch {
    return fail("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`unsupported scheme ${url.protocol}`);
  if (url.search || url.hash) fail("query strings and fragments are not allowed");
  if (url.username || url.password) fail("credentials in the URL are not allowed");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Validates config.baseUrls once, when the client is created. */
export function validateConfigBaseUrls(baseUrls: BaseUrls | undefined): Partial<ResolvedBaseUrls> {
  if (baseUrls === undefined) return {};
  if (baseUrls === null || typeof baseUrls !== "object") {
    throw new TypeError(`fal-native: config.baseUrls must be an object like { queue: "http://..." }, got ${typeof baseUrls}`);
  }
  const out: Partial<ResolvedBaseUrls> = {};
  for (const key of Object.keys(baseUrls)) {
    if (!(SERVICES as string[]).includes(key)) {
      throw new TypeError(`fal-native: config.baseUrls.${key} is not a known service (expected ${SERVICES.join(", ")})`);
    }
    const value = (baseUrls as Record<string, unknown>)[key];
    if (value !== undefined) out[key as Service] = normalizeBaseUrl(value, `config.baseUrls.${key}`);
  }
  return out;
}

// Env values are re-read per request (like FAL_KEY, so dotenv loaded after import still works);
// parsed values are memoized by their raw text.
const envMemo = new Map<string, string>();

function fromEnv(service: Service): string | undefined {
  const name = BASE_URL_ENV[service];
  const raw = typeof process !== "undefined" ? process.env[name] : undefined;
  if (raw === undefined || raw === "") return undefined;
  const key = `${name}=${raw}`;
  let parsed = envMemo.get(key);
  if (parsed === undefined) {
    parsed = normalizeBaseUrl(raw, name);
    envMemo.set(key, parsed);
  }
  return parsed;
}

/** Config wins over env, env over the fal defaults. Throws a TypeError for a bad env value. */
export function resolveBaseUrls(fromConfig: Partial<ResolvedBaseUrls>): ResolvedBaseUrls {
  const out = {} as ResolvedBaseUrls;
  for (const service of SERVICES) {
    out[service] = fromConfig[service] ?? fromEnv(service) ?? DEFAULT_BASE_URLS[service];
  }
  return out;
}

/**
 * Whether `hostname` (as a WHATWG URL gives it: lower case) is fal's media CDN: `fal.media` or
 * any subdomain of it (v3.fal.media, v3b.fal.media, ...), anchored at a label boundary so that
 * "evilfal.media" is not. A fully qualified name with its trailing dot is the same host.
 */
export function isFalCdnHost(hostname: string): boolean {
  return /(^|\.)fal\.media\.?$/.test(hostname);
}

/**
 * THE CDN RULE, the only place it is decided. Every request the client itself makes to fal's CDN
 * (the storage upload PUTs, multipart parts and complete, and storage.download /
 * downloadResultMedia GETs) goes through here:
 *
 * - When a CDN base is set (`config.baseUrls.cdn`, else `FAL_CDN_URL` read now, at each call) and
 *   the URL is http(s) on a fal CDN host (isFalCdnHost), the request goes to
 *   `<cdn base><path>[?query]`: the original origin (scheme, host, port, userinfo) is replaced by
 *   the base, whose path prefix comes first; the path and query are kept as they are.
 * - Without a set base nothing is rewritten. The default `https://v3.fal.media` is where fal's
 *   URLs already point, so a v3b.fal.media URL keeps going to v3b.fal.media.
 * - Other hosts are never rewritten (a file URL on your own server, an emulator URL).
 *
 * Only the request is redirected. URLs handed back to the caller (an upload's `file_url`, URLs in
 * results, `DownloadedFile.url`) stay as fal sent them: they are what fal's servers fetch when
 * such a URL is passed back as an input, and a local mirror's address would mean nothing there.
 *
 * Key safety: these requests carry no credentials whether rewritten or not (public media and
 * presigned upload URLs; they bypass the authenticated path and middleware), so a CDN base that
 * is not a fal host never sees the key. Callers must keep it that way.
 *
 * Throws the TypeError of normalizeBaseUrl (naming FAL_CDN_URL) for a malformed env value;
 * config values were checked when the client was made.
 */
export function cdnRequestUrl(url: string, fromConfig: Partial<ResolvedBaseUrls>): string {
  const base = fromConfig.cdn ?? fromEnv("cdn");
  if (base === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL: left to the caller's own check, which names the bad value
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || !isFalCdnHost(parsed.hostname)) return url;
  return `${base}${parsed.pathname}${parsed.search}`;
}

/**
 * Absolute endpoint URLs are used as they are for fal hosts (as officially) and under our base-URL
 * overrides. Returns the URL as parsed: its serialization, not the caller's text, is what gets
 * requested, so the host checked here is the host connected to.
 */
function directUrl(id: string, bases: ResolvedBaseUrls): URL | undefined {
  // An absolute URL has a scheme ending in ":"; an endpoint id ("fal-ai/flux/dev") never does.
  // Checked first because a failed parse throws, which costs more than the rest of a subscribe's setup.
  if (!id.includes(":")) return undefined;
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Anchored at a label boundary: "evilfal.ai" must not receive the key.
  if (/(^|\.)fal\.(ai|run)$/.test(url.hostname)) return url;
  // The CDN override is not a place fal's API lives: an endpoint URL under it is not direct, or a
  // CDN mirror (which never receives the key, see cdnRequestUrl) would get it this way.
  const under = SERVICES.some((s) => {
    if (s === "cdn" || bases[s] === DEFAULT_BASE_URLS[s]) return false;
    const base = new URL(bases[s]);
    return url.origin === base.origin && url.pathname.startsWith(`${base.pathname.replace(/\/$/, "")}/`);
  });
  return under ? url : undefined;
}

export type BuildUrlOptions = {
  method?: string;
  input?: unknown;
  query?: Record<string, string>;
  path?: string;
  /** "queue" or "run" (default). */
  service?: "run" | "queue";
};

/**
 * `<base>/<id>[/<path>][?query]`. GET input becomes query parameters (URLSearchParams, so values
 * become strings), merged over `query`, as in @fal-ai/client's buildUrl.
 */
export function buildUrl(id: string, bases: ResolvedBaseUrls, options: BuildUrlOptions = {}): string {
  const method = (options.method ?? "post").toLowerCase();
  const path = (options.path ?? "").replace(/^\//, "").replace(/\/{2,}/, "/");
  const params = {
    ...(options.query || {}),
    ...(method === "get" && options.input && typeof options.input === "object" ? (options.input as object) : {}),
  };
  const query = Object.keys(params).length > 0 ? `?${new URLSearchParams(params as Record<string, string>).toString()}` : "";
  const direct = directUrl(id, bases);
  if (direct) {
    const href = direct.href;
    return `${href.endsWith("/") ? href : `${href}/`}${path}${query}`;
  }
  const base = bases[options.service ?? "run"];
  const url = `${base}/${ensureEndpointIdFormat(id)}/${path}`;
  return `${url.replace(/\/$/, "")}${query}`;
}

/** `<queue>/[ns/]owner/alias/requests/`: status, result and cancel drop the endpoint path. */
export function queueRequestsPrefix(id: string, bases: ResolvedBaseUrls): string {
  return `${bases.queue}/${appPrefix(id)}/requests/`;
}

/**
 * Whether a request id can be a URL path segment: not empty and not only dots, which every URL
 * parser (and many servers) resolve as "." / ".." even percent-encoded. native/request_path.cc
 * applies the same rule to ids the server sends.
 */
export function isUsableRequestId(requestId: string): boolean {
  return /[^.]/.test(requestId);
}

/** `<queue>/<app>/requests/<id>`, the base of a request's status, result, cancel and stream URLs. */
export function requestUrl(id: string, requestId: string, bases: ResolvedBaseUrls): string {
  if (!isUsableRequestId(requestId)) throw new TypeError(`fal-native: request id ${JSON.stringify(requestId)} cannot be a URL path segment`);
  return `${queueRequestsPrefix(id, bases)}${encodeURIComponent(requestId)}`;
}

export function statusUrl(id: string, requestId: string, logs: boolean, bases: ResolvedBaseUrls): string {
  return `${requestUrl(id, requestId, bases)}/status?logs=${logs ? "1" : "0"}`;
}

export function resultUrl(id: string, requestId: string, bases: ResolvedBaseUrls): string {
  return requestUrl(id, requestId, bases);
}

export function cancelUrl(id: string, requestId: string, bases: ResolvedBaseUrls): string {
  return `${requestUrl(id, requestId, bases)}/cancel`;
}
