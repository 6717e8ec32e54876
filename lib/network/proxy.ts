// Which HTTP proxy a request goes through. One rule for every request fal-native makes (the
// native engine's and the realtime WebSocket's), decided here in JS: the native side is told the
// proxy of each request, or "" for a direct connection, and never reads the environment itself.
//
// The environment rules are undici's EnvHttpProxyAgent, which is what `fetch` (and so the official
// client) uses under Node 24's NODE_USE_ENV_PROXY=1, except that fal-native honours them always:
//   http: URLs   http_proxy, else HTTP_PROXY
//   https: URLs  https_proxy, else HTTPS_PROXY, else the http proxy
//   NO_PROXY     no_proxy, else NO_PROXY: entries split on commas and spaces; "*" means never
//                proxy; "host" matches that host only; ".host" or "*.host" matches its
//                subdomains; ":port" limits an entry to that port (default ports included).
import { describeValue } from "../api/validate";

type NoProxyEntry = { hostname: string; port: string };

export type ProxySettings = {
  http: string | undefined;
  https: string | undefined;
  noProxy: NoProxyEntry[];
  /** NO_PROXY is "*": no request is proxied. */
  bypassAll: boolean;
  /** Where the proxies came from, for error messages: "config.proxy" or the variable names. */
  source: { http?: string; https?: string };
};

/** `proxy` in the client config: a proxy URL for every request, or false for none at all. */
export type ProxyOption = string | false | undefined;

function checkProxyUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`fal-native: ${where} must be an http:// or https:// proxy URL, got ${JSON.stringify(redactProxyUrl(value))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`fal-native: ${where} must be an http:// or https:// proxy URL, got ${JSON.stringify(redactProxyUrl(value))}`);
  }
  return value;
}

/** The proxy URL without its password, for messages. */
export function redactProxyUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString().replace(/\/$/, "");
  } catch {
    return value.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}

export function checkProxyOption(value: unknown): ProxyOption {
  if (value === undefined || value === false) return value;
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`fal-native: config.proxy must be an http(s) proxy URL or false, got ${describeValue(value)}`);
  }
  return checkProxyUrl(value, "config.proxy");
}

function parseNoProxy(text: string): NoProxyEntry[] {
  return text
    .split(/[,\s]+/)
    .filter((entry) => entry !== "")
    .map((entry) => {
      const withPort = /^(.+):(\d+)$/.exec(entry);
      const host = (withPort ? withPort[1] : entry).toLowerCase();
      return { hostname: host, port: withPort ? withPort[2] : "" };
    });
}

function fromEnv(env: NodeJS.ProcessEnv, lower: string, upper: string): { value?: string; name?: string } {
  if (env[lower]) return { value: env[lower], name: lower };
  if (env[upper]) return { value: env[upper], name: upper };
  return {};
}

/** The settings a client uses: from `config.proxy` when given, else from the environment. */
export function proxySettings(option: ProxyOption, env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const noProxyText = env.no_proxy || env.NO_PROXY || "";
  const noProxy = parseNoProxy(noProxyText);
  const bypassAll = noProxy.some((entry) => entry.hostname === "*");
  if (option === false) return { http: undefined, https: undefined, noProxy: [], bypassAll: true, source: {} };
  if (typeof option === "string") {
    return { http: option, https: option, noProxy, bypassAll, source: { http: "config.proxy", https: "config.proxy" } };
  }
  const http = fromEnv(env, "http_proxy", "HTTP_PROXY");
  const https = fromEnv(env, "https_proxy", "HTTPS_PROXY");
  const httpUrl = http.value !== undefined ? checkProxyUrl(http.value, http.name!) : undefined;
  const httpsUrl = https.value !== undefined ? checkProxyUrl(https.value, https.name!) : httpUrl;
  return {
    http: httpUrl,
    https: httpsUrl,
    noProxy,
    bypassAll,
    source: { http: http.name, https: https.name ?? http.name },
  };
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" };

function bypassed(settings: ProxySettings, url: URL): boolean {
  if (settings.bypassAll) return true;
  // URL keeps IPv6 literals bracketed, as NO_PROXY entries write them.
  const hostname = url.hostname.toLowerCase();
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  return settings.noProxy.some((entry) => {
    if (entry.port && entry.port !== port) return false;
    if (/^[.*]/.test(entry.hostname)) return hostname.endsWith(entry.hostname.replace(/^\*/, ""));
    return hostname === entry.hostname;
  });
}

/** The proxy URL for a request to `url` ("" for a direct connection). */
export function proxyFor(settings: ProxySettings, url: string | URL): string {
  const target = typeof url === "string" ? new URL(url) : url;
  const secure = target.protocol === "https:" || target.protocol === "wss:";
  const proxy = secure ? settings.https : settings.http;
  if (proxy === undefined || bypassed(settings, target)) return "";
  return proxy;
}

/** "the proxy http://corp:3128 (from HTTPS_PROXY)", for error messages. */
export function describeProxy(settings: ProxySettings, proxy: string): string {
  const source = proxy === settings.https ? settings.source.https : settings.source.http;
  return `the proxy ${redactProxyUrl(proxy)}${source ? ` (from ${source})` : ""}`;
}
