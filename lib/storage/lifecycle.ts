// StorageSettings -> the `x-fal-object-lifecycle-preference` header of run and submit.
import type { StorageSettings } from "../../types/storage";

export const OBJECT_LIFECYCLE_PREFERENCE_HEADER = "x-fal-object-lifecycle-preference";

const EXPIRATION_SECONDS: Record<string, number | undefined> = {
  never: undefined,
  immediate: 60,
  "1h": 3600,
  "1d": 86400,
  "7d": 604800,
  "30d": 2592000,
  "1y": 31536000,
};

export function getExpirationDurationSeconds(settings: StorageSettings): number | undefined {
  const { expiresIn } = settings;
  if (expiresIn === undefined) return undefined;
  return typeof expiresIn === "number" ? expiresIn : EXPIRATION_SECONDS[expiresIn];
}

/** The lifecycle JSON object, or undefined when the settings produce nothing (then no header). */
export function buildLifecycleConfig(settings: StorageSettings | undefined): Record<string, unknown> | undefined {
  if (!settings) return undefined;
  const config: Record<string, unknown> = {};
  const seconds = getExpirationDurationSeconds(settings);
  if (seconds !== undefined) config.expiration_duration_seconds = seconds;
  if (settings.initialAcl !== undefined) config.initial_acl = settings.initialAcl;
  return Object.keys(config).length > 0 ? config : undefined;
}

export function buildObjectLifecycleHeaders(settings: StorageSettings | undefined): Record<string, string> {
  const config = buildLifecycleConfig(settings);
  return config ? { [OBJECT_LIFECYCLE_PREFERENCE_HEADER]: JSON.stringify(config) } : {};
}
