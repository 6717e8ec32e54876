// Blobs and Files across IPC. Electron's IPC clones typed arrays and ArrayBuffers but not Blobs,
// so the renderer reads each Blob into bytes and marks it; main turns the mark back into a Blob
// (a File when it had a name) so fal-native's upload sees the same content type and name.
// Free of the native addon and of Node-only modules: both sides import it.
import { BLOB_MARKER, asLocalBytes, isArrayBuffer, isPlainObject, type EncodedBlob } from "./protocol";

const MAX_DEPTH = 64;

type BlobLike = { size: number; type: string; name?: string; arrayBuffer(): Promise<ArrayBuffer> };

/** Duck-typed: Blobs from another realm (a context-isolated world) fail `instanceof Blob`. */
export function isBlobLike(value: unknown): value is BlobLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as BlobLike).arrayBuffer === "function" &&
    typeof (value as BlobLike).size === "number" &&
    typeof (value as BlobLike).type === "string"
  );
}

async function encodeBlob(blob: BlobLike): Promise<{ [BLOB_MARKER]: EncodedBlob }> {
  const encoded: EncodedBlob = { bytes: new Uint8Array(await blob.arrayBuffer()), type: blob.type };
  if (typeof blob.name === "string" && blob.name) encoded.name = blob.name;
  return { [BLOB_MARKER]: encoded };
}

/** Renderer: a copy of `input` with every Blob/File replaced by its marked bytes. */
export async function encodeInput(value: unknown, depth = 0): Promise<unknown> {
  if (depth > MAX_DEPTH) throw new TypeError("fal-native/electron: the input is nested too deeply (or has a cycle)");
  if (isBlobLike(value)) return encodeBlob(value);
  if (Array.isArray(value)) return Promise.all(value.map((item) => encodeInput(item, depth + 1)));
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value) && !isArrayBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await encodeInput(item, depth + 1);
    return out;
  }
  return value;
}

/** Renderer: what `storage.upload` may send. File paths and streams stay in the main process. */
export async function encodeUploadFile(file: unknown): Promise<unknown> {
  if (isBlobLike(file)) return encodeBlob(file);
  if (isArrayBuffer(file) || ArrayBuffer.isView(file)) return asLocalBytes(file);
  throw new TypeError(
    `fal-native/electron: storage.upload from a renderer takes a Blob, File, ArrayBuffer or Uint8Array, got ${
      typeof file === "string" ? "a string (file paths can only be uploaded from the main process)" : describe(file)
    }`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

function isMarked(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === BLOB_MARKER;
}

function decodeBlob(marked: Record<string, unknown>): Blob {
  const encoded = marked[BLOB_MARKER] as Partial<EncodedBlob> | undefined;
  if (!encoded || !ArrayBuffer.isView(encoded.bytes) || typeof encoded.type !== "string") {
    throw new TypeError("fal-native/electron: a Blob in the request is malformed");
  }
  const parts = [asLocalBytes(encoded.bytes) as Uint8Array<ArrayBuffer>];
  if (typeof encoded.name === "string" && typeof File === "function") {
    return new File(parts, encoded.name, { type: encoded.type });
  }
  return new Blob(parts, { type: encoded.type });
}

/** Main: a copy of a renderer's input with marked bytes turned back into Blobs/Files. */
export function decodeInput(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new TypeError("fal-native/electron: the input is nested too deeply");
  // Bytes become this realm's Uint8Array, which fal-native uploads like any byte array in an input.
  if (isArrayBuffer(value) || ArrayBuffer.isView(value)) return asLocalBytes(value);
  if (Array.isArray(value)) return value.map((item) => decodeInput(item, depth + 1));
  if (isPlainObject(value)) {
    if (isMarked(value)) return decodeBlob(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = decodeInput(item, depth + 1);
    return out;
  }
  return value;
}

/** Main: the upload body a renderer sent; anything but bytes is refused (no paths from renderers). */
export function decodeUploadFile(file: unknown): Blob | Uint8Array {
  if (isPlainObject(file) && isMarked(file)) return decodeBlob(file);
  if (isArrayBuffer(file) || ArrayBuffer.isView(file)) return asLocalBytes(file);
  throw new TypeError(
    `fal-native/electron: storage.upload from a renderer takes a Blob, File, ArrayBuffer or Uint8Array, got ${
      typeof file === "string" ? "a string (file paths can only be uploaded from the main process)" : describe(file)
    }`,
  );
}
