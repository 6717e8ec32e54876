// Upload inputs -> one shape the upload flow reads: a size (if known), a content type, a name, and
// bodies for byte ranges (files are read by the native I/O thread; only Blobs and streams touch JS).
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { fileURLToPath } from "url";
import type { UploadInput } from "../../types/storage";
import type { RequestSpec } from "../native/spec";
import { contentTypeForPath, DEFAULT_CONTENT_TYPE } from "./mime";
import { describeValue } from "../api/validate";

/** A request body: bytes in memory or a file range read natively. */
export type PartBody = Pick<RequestSpec, "body" | "bodyFile"> & { size: number };

export interface UploadSource {
  /** undefined for a stream: known once it ends. */
  size: number | undefined;
  contentType: string;
  /** undefined: the official `<Date.now()>.<ext>` rule applies. */
  name: string | undefined;
  /** Known size: the body of [offset, offset + length). */
  range?: (offset: number, length: number) => Promise<PartBody>;
  /** Unknown size: the next chunk of at most `max` bytes (exactly `max` unless the stream ended), null at the end. */
  read?: (max: number) => Promise<PartBody | null>;
}

function bytesSource(bytes: Uint8Array, contentType = DEFAULT_CONTENT_TYPE, name?: string): UploadSource {
  return {
    size: bytes.byteLength,
    contentType,
    name,
    range: async (offset, length) => ({ body: bytes.subarray(offset, offset + length), size: length }),
  };
}

function blobSource(blob: Blob): UploadSource {
  const name = typeof (blob as File).name === "string" && (blob as File).name ? (blob as File).name : undefined;
  return {
    size: blob.size,
    contentType: blob.type || DEFAULT_CONTENT_TYPE,
    name,
    range: async (offset, length) => ({
      body: new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
      size: length,
    }),
  };
}

function fileError(file: string, error: NodeJS.ErrnoException): Error {
  const code = error.code ?? "EIO";
  const what =
    code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : error.message;
  return Object.assign(new Error(`fal-native: cannot upload ${JSON.stringify(file)}: ${what} (${code})`, { cause: error }), {
    code,
    path: file,
  });
}

/** Checked before any request: the file exists, is a regular file and is readable. */
async function pathSource(file: string): Promise<UploadSource> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (error) {
    throw fileError(file, error as NodeJS.ErrnoException);
  }
  const absolute = path.resolve(file);
  return {
    size: stat.size,
    contentType: contentTypeForPath(file),
    name: path.basename(file),
    range: async (offset, length) => ({ bodyFile: { path: absolute, offset, length }, size: length }),
  };
}

function isReadable(value: unknown): value is Readable {
  return (
    value instanceof Readable ||
    (typeof value === "object" && value !== null && typeof (value as Readable).pipe === "function" && typeof (value as Readable).read === "function")
  );
}

/** Pulls the stream (with backpressure) into chunks of `max` bytes. */
function streamSource(stream: Readable): UploadSource {
  const iterator = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let ended = false;
  const name = typeof (stream as fs.ReadStream).path === "string" ? path.basename((stream as fs.ReadStream).path as string) : undefined;
  return {
    size: undefined,
    contentType: name ? contentTypeForPath(name) : DEFAULT_CONTENT_TYPE,
    name,
    read: async (max) => {
      while (!ended && pendingSize < max) {
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          break;
        }
        const chunk = typeof next.value === "string" ? Buffer.from(next.value) : Buffer.from(next.value as Uint8Array);
        pending.push(chunk);
        pendingSize += chunk.length;
      }
      if (pendingSize === 0) return null;
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingSize);
      const take = Math.min(max, all.length);
      const body = all.subarray(0, take);
      const rest = all.subarray(take);
      pending = rest.length ? [rest] : [];
      pendingSize = rest.length;
      return { body, size: take };
    },
  };
}

export async function openUploadSource(input: UploadInput): Promise<UploadSource> {
  if (typeof Blob !== "undefined" && input instanceof Blob) return blobSource(input);
  if (input instanceof ArrayBuffer) return bytesSource(new Uint8Array(input));
  if (ArrayBuffer.isView(input)) return bytesSource(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  if (input instanceof URL || (typeof input === "string" && input.startsWith("file:"))) {
    const url = input instanceof URL ? input : new URL(input);
    if (url.protocol !== "file:") throw new TypeError(`fal-native: storage.upload takes file: URLs only, got ${url.href}`);
    return pathSource(fileURLToPath(url));
  }
  if (typeof input === "string") return pathSource(input);
  if (isReadable(input)) return streamSource(input);
  throw new TypeError(
    `fal-native: storage.upload expects a Blob/File, Buffer, Uint8Array, ArrayBuffer, file path, file: URL or Readable, got ${describeValue(input)}`,
  );
}
