// Where a realtime connection gets its token, and how long that token lives (wire doc 10.2).
import type { CallContext } from "../core/transport";
import { getTemporaryAuthToken, TOKEN_EXPIRATION_SECONDS } from "../core/token";
import { describeValue } from "../api/validate";
import type { RealtimeOptions } from "./options";
import { tokenScope } from "./url";

export type TokenSource = {
  fetch(): Promise<string>;
  /** Seconds the token lives, so it is refreshed at 90% of it; undefined: never refreshed. */
  expirationSeconds: number | undefined;
};

export function tokenSource(ctx: CallContext, options: RealtimeOptions): TokenSource {
  const { tokenProvider, tokenExpirationSeconds, app, path } = options;
  if (tokenProvider) {
    const scope = tokenScope(app, path);
    return {
      // A provider that throws synchronously is treated like one that rejects.
      fetch: () => Promise.resolve().then(() => tokenProvider(scope)).then(checkToken),
      // As officially: a custom provider is refreshed only when told how long its tokens live.
      expirationSeconds: tokenExpirationSeconds,
    };
  }
  // The default provider asks the REST API with the client's credentials. fal-native also lets
  // tokenExpirationSeconds set the requested lifetime here (the official client ignores it).
  const expirationSeconds = tokenExpirationSeconds ?? TOKEN_EXPIRATION_SECONDS;
  return {
    fetch: () => getTemporaryAuthToken(ctx, app, { expirationSeconds }),
    expirationSeconds,
  };
}

function checkToken(token: unknown): string {
  if (typeof token !== "string" || token === "") {
    throw new TypeError(`fal.realtime: handler.tokenProvider must resolve to a non-empty token string, got ${describeValue(token)}`);
  }
  return token;
}
