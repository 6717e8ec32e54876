// Temporary, app-scoped tokens from `POST <rest>/tokens/` (wire doc 10.2). Realtime connections
// and client-mode streams put such a token in the URL (`?fal_jwt_token=`) instead of the key.
import type { CallContext } from "./transport";
import { parseEndpointId } from "./endpoint";
import { mergeRetry, CLIENT_RETRY } from "./retry";
import { performCall } from "./transport";
import { resolveBaseUrls } from "./urls";
import { describeValue } from "../api/validate";

/** What the official client asks for, and when its realtime connection refreshes (90% of it). */
export const TOKEN_EXPIRATION_SECONDS = 120;

export type TemporaryTokenOptions = {
  /** Lifetime to request, in seconds (default 120, as the official client). */
  expirationSeconds?: number;
  /** Cancels the token request. */
  signal?: AbortSignal;
};

/**
 * Fetches a temporary token allowed to call `app` (only its alias is sent, as officially). The
 * request goes through the client's credentials, middleware, proxy and retry settings like any
 * other call. Resolves with the token string; rejects with ApiError/TransportError on failure
 * and with a TypeError when the answer holds no token.
 */
export async function getTemporaryAuthToken(ctx: CallContext, app: string, options: TemporaryTokenOptions = {}): Promise<string> {
  if (typeof app !== "string" || app === "") {
    throw new TypeError(`fal-native: the app id for a temporary token must be a non-empty string, got ${describeValue(app)}`);
  }
  const expiration = options.expirationSeconds ?? TOKEN_EXPIRATION_SECONDS;
  if (typeof expiration !== "number" || !Number.isFinite(expiration) || expiration <= 0) {
    throw new TypeError(`fal-native: token expirationSeconds must be a positive number, got ${describeValue(expiration)}`);
  }
  const { alias } = parseEndpointId(app);
  const url = `${resolveBaseUrls(ctx.config.baseUrls).rest}/tokens/`;
  const answer = await performCall<unknown>(ctx, {
    method: "POST",
    url,
    input: { allowed_apps: [alias], token_expiration: expiration },
    retry: mergeRetry(CLIENT_RETRY, ctx.config.retry),
    signal: options.signal,
    kind: "json",
  });
  return tokenFrom(answer, url);
}

/** The service answers a bare JSON string; old proxies wrap it as {detail}, some as {token}. */
function tokenFrom(answer: unknown, url: string): string {
  if (typeof answer === "string" && answer !== "") return answer;
  if (answer && typeof answer === "object") {
    const { detail, token } = answer as { detail?: unknown; token?: unknown };
    if (typeof detail === "string" && detail !== "") return detail;
    if (typeof token === "string" && token !== "") return token;
  }
  throw new TypeError(`fal-native: POST ${url} answered ${describeValue(answer)} instead of a token string`);
}
