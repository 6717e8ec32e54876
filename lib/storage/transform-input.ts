// Auto-upload of inputs (run/submit/subscribe): Blob/File values, and (unlike @fal-ai/client,
// which would send Buffers as {"type":"Buffer","data":[...]}) byte arrays, anywhere in plain objects
// and arrays, are uploaded and replaced by their URLs. At most 4 uploads of one input at a time.
import type { UploadInput } from "../../types/storage";
import { createLimiter } from "../core/limit";

export const TRANSFORM_CONCURRENCY = 4;

function isUploadable(value: unknown): value is UploadInput {
  return (typeof Blob !== "undefined" && value instanceof Blob) || value instanceof ArrayBuffer || value instanceof Uint8Array;
}

/** True when `value` holds something transformInput would upload. */
function needsUpload(value: unknown, depth = 0): boolean {
  if (depth > 256 || value === null || typeof value !== "object") return false;
  if (isUploadable(value)) return true;
  if (Array.isArray(value)) return value.some((v) => needsUpload(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (needsUpload((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

export async function transformInput<T>(input: T, upload: (file: UploadInput) => Promise<string>): Promise<T> {
  // Inputs without files come back as they are (same object), like the official client's copies would serialize.
  if (!needsUpload(input)) return input;
  const limit = createLimiter(TRANSFORM_CONCURRENCY);
  const walk = async (value: unknown): Promise<unknown> => {
    if (isUploadable(value)) return limit(() => upload(value));
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      const entries = await Promise.all(Object.entries(value).map(async ([key, v]) => [key, await walk(v)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  };
  return (await walk(input)) as T;
}
