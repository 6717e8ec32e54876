// Storage client placeholder. Uploads (and so auto-upload of Blob/File inputs) are a later issue;
// until then inputs without Blobs pass through untouched and Blobs fail loudly instead of being
// serialized as "{}".
import type { StorageClient } from "../types/storage";

const NOT_YET = "fal-native: file uploads (fal.storage.upload and Blob/File inputs) are not implemented yet";

function containsBlob(value: unknown, depth = 0): boolean {
  if (depth > 64 || value === null || typeof value !== "object") return false;
  if (typeof Blob !== "undefined" && value instanceof Blob) return true;
  if (Array.isArray(value)) return value.some((v) => containsBlob(v, depth + 1));
  // Only plain objects are walked, as the official transformInput does.
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (containsBlob((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

export function createStorageClient(): StorageClient {
  return {
    upload: async () => {
      throw new Error(NOT_YET);
    },
    transformInput: async (input) => {
      if (containsBlob(input)) throw new Error(NOT_YET);
      return input;
    },
  };
}
