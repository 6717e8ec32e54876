/** Provides a temporary token for `app` (e.g. "fal-ai/myapp/realtime"). */
export type TokenProvider = (app: string) => Promise<string>;
