// Where a realtime connection goes: the run base URL turned into ws(s), the app, the path, and
// the token and buffering as query parameters (wire doc 10.1).
import { ensureEndpointIdFormat } from "../core/endpoint";
import { resolveBaseUrls, type ResolvedBaseUrls } from "../core/urls";

export const DEFAULT_REALTIME_PATH = "/realtime";

/**
 * The path appended to the app id: the user's `path` (with one leading slash), else "/realtime"
 * unless the id already ends with it.
 */
export function realtimePath(app: string, path: string | undefined): string {
  if (path) return `/${path.replace(/^\/+/, "")}`;
  return app.endsWith(DEFAULT_REALTIME_PATH) ? "" : DEFAULT_REALTIME_PATH;
}

/** What a tokenProvider is asked for, e.g. "fal-ai/fast-lcm-diffusion/realtime". */
export function tokenScope(app: string, path: string | undefined): string {
  return `${ensureEndpointIdFormat(app)}${realtimePath(app, path)}`;
}

/** https://fal.run -> wss://fal.run; an http override (the emulator) -> ws://. */
export function websocketBase(bases: ResolvedBaseUrls): string {
  return bases.run.replace(/^http(s?):/, (_match, secure: string) => `ws${secure}:`);
}

export function realtimeUrl(
  baseUrls: Partial<ResolvedBaseUrls>,
  app: string,
  params: { token: string; maxBuffering?: number; path?: string },
): string {
  const query = new URLSearchParams({ fal_jwt_token: params.token });
  if (params.maxBuffering !== undefined) query.set("max_buffering", String(params.maxBuffering));
  return `${websocketBase(resolveBaseUrls(baseUrls))}/${tokenScope(app, params.path)}?${query.toString()}`;
}
