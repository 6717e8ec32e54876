// The key the proxy adds to forwarded requests, and the strings that must never go back out.
import type { ProxyCredentials, ProxyRequestInfo } from "./types";

export function validateCredentials(value: unknown): ProxyCredentials | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && value.trim() !== "") return value;
  if (typeof value === "function") return value as ProxyCredentials;
  throw new TypeError(
    `fal-native/proxy: credentials must be a non-empty string or a function returning the key, got ${value === "" ? "an empty string" : typeof value}`,
  );
}

/** FAL_KEY, else FAL_KEY_ID:FAL_KEY_SECRET; read per request so a late-loaded .env applies. */
function keyFromEnv(): string | undefined {
  const env = process.env;
  if (env.FAL_KEY) return env.FAL_KEY;
  if (env.FAL_KEY_ID && env.FAL_KEY_SECRET) return `${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}`;
  return undefined;
}

/** The key for this request, or undefined when none is configured. */
export async function resolveKey(credentials: ProxyCredentials | undefined, info: ProxyRequestInfo): Promise<string | undefined> {
  const value = typeof credentials === "function" ? await credentials(info) : (credentials ?? keyFromEnv());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`fal-native/proxy: the credentials function must return a string, got ${typeof value}`);
  }
  const key = value.trim();
  return key === "" ? undefined : key;
}

/**
 * Substrings whose presence in a response header means the header leaks the key: the whole key
 * and, for "id:secret" keys, the secret alone (short fragments are skipped so ordinary header
 * values are not dropped by accident).
 */
export function secretFragments(key: string): string[] {
  const fragments = [key];
  const colon = key.indexOf(":");
  if (colon >= 0) {
    const secret = key.slice(colon + 1);
    if (secret.length >= 8) fragments.push(secret);
  }
  return fragments;
}
