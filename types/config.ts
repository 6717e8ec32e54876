// Client configuration: the official options plus fal-native's `baseUrls`.
import type { ProxyRuntimeGate, RequestMiddleware } from "./middleware";
import type { ResponseHandler } from "./response";
import type { RetryOptions } from "./retry";

/** Returns the API key ("key" or "key_id:key_secret"), or undefined to send none. */
export type CredentialsResolver = () => string | undefined;

/** The object form of `proxyUrl`: where to send requests and when the proxy applies. */
export type ProxyUrlConfig = {
  /** The proxy server URL; it must forward requests to fal (target in `x-fal-target-url`). */
  url: string;
  /** Default `"browser"`. */
  when?: ProxyRuntimeGate;
};

/**
 * fal-native addition: where each fal service lives. Each value is an http(s) origin with an
 * optional path prefix, e.g. `"http://127.0.0.1:8787/queue"`. Unset values come from the
 * environment (FAL_RUN_URL, FAL_QUEUE_URL, FAL_REST_URL, FAL_CDN_URL), then from fal's defaults.
 */
export type BaseUrls = {
  /** Synchronous runs; default `https://fal.run`. */
  run?: string;
  /** The queue API; default `https://queue.fal.run`. */
  queue?: string;
  /** REST API (storage, tokens); default `https://rest.fal.ai`. */
  rest?: string;
  /** CDN; default `https://v3.fal.media`. */
  cdn?: string;
};

export type Config = {
  /**
   * The API key, or a function returning it (called for every request). Default: FAL_KEY, else
   * FAL_KEY_ID:FAL_KEY_SECRET from the environment.
   */
  credentials?: undefined | string | CredentialsResolver;
  /** Silences the warning about credentials exposed in a browser. */
  suppressLocalCredentialsWarning?: boolean;
  /** Proxy server for requests; a string applies only in a browser (see ProxyUrlConfig.when). */
  proxyUrl?: string | ProxyUrlConfig;
  /** Sees (and may rewrite) the method, URL and headers of every request. */
  requestMiddleware?: RequestMiddleware;
  /** Decodes responses of submit, status and cancel (not run/result, as in @fal-ai/client). */
  responseHandler?: ResponseHandler<any>;
  /**
   * Accepted for compatibility and otherwise unused: fal-native sends every request through its
   * native engine, never through `fetch`.
   */
  fetch?: typeof fetch;
  /** Merged over the defaults; in fal-native it also wins over per-call policies. */
  retry?: Partial<RetryOptions>;
  /** fal-native addition: base URL overrides (see BaseUrls). */
  baseUrls?: BaseUrls;
  /**
   * fal-native addition: the CA certificates to trust (PEM text or bytes, or a list of them), as
   * Node's `tls` `ca` option: they replace the default trust store (Node's bundled roots,
   * NODE_EXTRA_CA_CERTS and, under --use-system-ca, the system store).
   */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /**
   * fal-native addition: an HTTP(S) proxy URL for every request (NO_PROXY still applies), or
   * `false` to ignore HTTP_PROXY / HTTPS_PROXY. Unset: those variables decide, as under Node's
   * NODE_USE_ENV_PROXY=1. Not to be confused with `proxyUrl`, fal's server-side proxy route.
   */
  proxy?: string | false;
  /**
   * fal-native addition: the default `callTimeout` (ms) of run, queue.submit, queue.status,
   * queue.result, queue.cancel, storage.upload and storage.download: the longest one call may take,
   * retries included, before it rejects with a TransportError (code "ETIMEDOUT"). Default 0: no
   * limit (each HTTP attempt still has the native connect and stall deadlines). subscribe's own
   * `timeout` and a stream's idle `timeout` are separate and unchanged.
   */
  callTimeout?: number;
  /**
   * fal-native addition: how many connections queue, storage and token calls may use at once per
   * host (1 to 1024; default 32, as undici's Pool). Over HTTP/2 a host gets 4 connections of
   * multiplexed streams instead. fal.run calls and streams are not counted: they may wait minutes.
   */
  maxConnectionsPerHost?: number;
};

/** The options of @fal-ai/client's own Config: the ones RequiredConfig always has. */
type OfficialConfigOption =
  | "credentials"
  | "suppressLocalCredentialsWarning"
  | "proxyUrl"
  | "requestMiddleware"
  | "responseHandler"
  | "fetch"
  | "retry";

/**
 * The configuration a client runs with, as `FalStream.config` holds it (@fal-ai/client's
 * RequiredConfig, with fal-native's options added): the Config given to createFalClient or
 * fal.config with the official defaults filled in. `credentials` defaults to the FAL_KEY reader,
 * `requestMiddleware` is the user's composed with the `proxyUrl` route (identity without either),
 * `responseHandler` the default decoding, `fetch` the global fetch (unused by fal-native), `retry`
 * the user's values over the default policy; fal-native's own options are as given. As in the
 * official type, `proxyUrl` is typed as present but is undefined when none was configured, and
 * `credentials` is undefined after an explicit `credentials: undefined`.
 * Read-only in effect: changing it does not reconfigure the client.
 */
export type RequiredConfig = Required<Pick<Config, Exclude<OfficialConfigOption, "retry">>> &
  Omit<Config, OfficialConfigOption> & {
    retry: RetryOptions;
  };
