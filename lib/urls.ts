// Where requests go: the four base URLs (config > env > fal defaults) and the URL builders.
import type { BaseUrls } from "../types/config";
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
 * Absolute endpoint URLs are used as they are for fal hosts (as officially) and under our base-URL
 * overrides. Returns the URL as parsed: its serialization, not the caller's text, is what gets
 * requested, so the host checked here is the host connected to.
 */
function directUrl(id: string, bases: ResolvedBaseUrls): URL | undefined {
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Anchored at a label boundary: "evilfal.ai" must not receive the key.
  if (/(^|\.)fal\.(ai|run)$/.test(url.hostname)) return url;
  const under = SERVICES.some((s) => {
    if (bases[s] === DEFAULT_BASE_URLS[s]) return false;
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
