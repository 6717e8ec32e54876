// Public types of fal-native/proxy: options, the framework-neutral request/response pair, and
// what hooks are shown about a request.
import type { Readable } from "stream";
import type { BaseUrls } from "../../types/config";

/** Header map with lower-case names, as node:http gives them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** What hooks see of an incoming proxy request. */
export type ProxyRequestInfo = {
  /** Upper-case HTTP method. */
  method: string;
  /**
   * The client's headers (lower-case names), including its own `authorization` and cookies so your
   * `authorize` hook can check your app's session. None of the client's auth is sent to fal.
   */
  headers: IncomingHeaders;
  /** The fal URL the client asked for (`x-fal-target-url`), already checked to be a fal URL. */
  target: URL;
  /** "node", "express", "nextjs-pages-router" or "nextjs-app-router". */
  adapter: string;
  /** The framework's own request object (node:http IncomingMessage or web Request). */
  request: unknown;
};

/** The fal API key: "key" or "key_id:key_secret" (sent as `Authorization: Key <value>`). */
export type ProxyCredentials =
  | string
  | ((info: ProxyRequestInfo) => string | undefined | null | Promise<string | undefined | null>);

export type ProxyOptions = {
  /**
   * The key injected into every forwarded request. Default: FAL_KEY, else
   * FAL_KEY_ID:FAL_KEY_SECRET, read from the environment on every request.
   */
  credentials?: ProxyCredentials;
  /**
   * Where fal's hosts really are (same shape and defaults as the client's `baseUrls`, including
   * FAL_RUN_URL, FAL_QUEUE_URL and FAL_REST_URL). A target is first checked to be a fal URL, then
   * `https://fal.run/...` goes to `run`, `https://queue.fal.run/...` to `queue` and the storage
   * routes of `https://rest.fal.ai` to `rest`. Use it to put the emulator behind the proxy.
   */
  baseUrls?: BaseUrls;
  /**
   * Endpoint ids the proxy may call, e.g. `["fal-ai/flux/dev", "fal-ai/flux-pro/*"]` (`*` is one
   * path segment, `**` any number). Queue status/result/cancel of an allowed app stay allowed.
   * Storage routes are not affected. Default: every fal endpoint.
   */
  allowedEndpoints?: string[];
  /**
   * Your own access check, after the built-in fal-URL check (it can only narrow it). Return false
   * to answer 403.
   */
  isAllowed?: (target: URL, info: ProxyRequestInfo) => boolean | Promise<boolean>;
  /**
   * Your authentication of the caller (session cookie, your own bearer token...). Return false
   * to answer 401. Default: every caller is served; protect the route some other way.
   */
  authorize?: (info: ProxyRequestInfo) => boolean | Promise<boolean>;
  /** Called with unexpected errors (a throwing hook, an upstream failure). Default: console.error. */
  onError?: (error: unknown) => void;
};

/** A request as every adapter hands it to the core. */
export type ProxyRequest = {
  method: string;
  headers: IncomingHeaders;
  /**
   * The body to forward: a stream (forwarded as it arrives), bytes, or nothing. Ignored for GET
   * and HEAD.
   */
  body: Readable | Buffer | null;
  /** Length of `body` when a stream's length is known (the client's content-length). */
  bodyLength?: number;
  /** Fires when the client goes away: the upstream request is aborted. */
  signal?: AbortSignal;
  adapter: string;
  request: unknown;
};

/** What the core answers: status, headers to send, and the body (streamed from fal or bytes). */
export type ProxyResponse = {
  status: number;
  headers: Array<[string, string]>;
  body: Readable | Buffer;
};
