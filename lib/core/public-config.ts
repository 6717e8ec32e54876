// FalStream.config: the configuration of the client that opened a stream, in the shape
// @fal-ai/client gives it (its RequiredConfig: the user's Config over the official defaults).
// fal-native itself runs on the validated ResolvedConfig (config.ts); this view exists only so that
// code reading `stream.config` as it would with the official client finds the same values.
// Free of the native addon and of Node-only modules, like streaming/stream-core.ts.
import type { Config, CredentialsResolver, RequiredConfig } from "../../types/config";
import type { RequestMiddleware } from "../../types/middleware";
import { ApiError, ValidationError } from "./errors";
import { DEFAULT_RETRY_OPTIONS } from "./retry";

const passThrough: RequestMiddleware = (request) => Promise.resolve(request);

/**
 * The official default decoding of a web Response, for `config.responseHandler` when the user gave
 * none (fal-native decodes its own responses natively and never calls it): the parsed JSON, text or
 * bytes of a 2xx; an ApiError (ValidationError for 422) otherwise.
 */
export async function defaultResponseHandler<Output>(response: Response): Promise<Output> {
  const contentType = response.headers.get("content-type") ?? "";
  const requestId = response.headers.get("x-fal-request-id") || undefined;
  const timeoutType = response.headers.get("x-fal-request-timeout-type") || undefined;
  const isJson = contentType.includes("application/json");
  if (!response.ok) {
    const { status, statusText } = response;
    if (!isJson) throw new ApiError({ message: `HTTP ${status}: ${statusText}`, status, requestId, timeoutType });
    const body = await response.json();
    const ErrorClass = status === 422 ? ValidationError : ApiError;
    throw new ErrorClass({ message: body?.message || statusText, status, body, requestId, timeoutType });
  }
  if (isJson) return response.json();
  if (contentType.includes("application/octet-stream")) return (await response.arrayBuffer()) as Output;
  return (await response.text()) as Output;
}

function definedOnly<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The view of one client's configuration. `credentials` and `requestMiddleware` are the ones the
 * client resolved (the default FAL_KEY reader; the user's middleware composed with the proxyUrl
 * route), so the view agrees with what requests actually use.
 */
export function clientConfigView(
  config: Config,
  resolved: { credentials: string | CredentialsResolver | undefined; requestMiddleware: RequestMiddleware | undefined },
): RequiredConfig {
  return {
    ...config,
    // Undefined after an explicit `credentials: undefined`, as in the official client.
    credentials: resolved.credentials as RequiredConfig["credentials"],
    suppressLocalCredentialsWarning: config.suppressLocalCredentialsWarning ?? false,
    // Undefined when unset, as in the official client (whose type also says it is always there).
    proxyUrl: config.proxyUrl as RequiredConfig["proxyUrl"],
    requestMiddleware: resolved.requestMiddleware ?? passThrough,
    responseHandler: config.responseHandler ?? defaultResponseHandler,
    fetch: config.fetch ?? (globalThis.fetch as typeof fetch),
    // Values left undefined keep the default, as the client's own retry merging does.
    retry: { ...DEFAULT_RETRY_OPTIONS, ...definedOnly(config.retry) },
  };
}
