// Storage types: the official upload/transformInput shapes, widened for Node inputs, plus downloads.
//
// No type here comes from @types/node, as in @fal-ai/client's declarations: TypeScript 6 and 7
// default `types` to [], so a program only has Node's types when its tsconfig lists "node" (or a
// file references them), and fal-native's main entry must compile in such a program as the official
// client's does. Node's Buffer and Readable are therefore described without naming them: Buffer
// through `globalThis` (NodeBuffer below), a Readable by the members the upload code uses. A
// `/// <reference types="node" />` would instead pull Node's globals into every program importing
// fal-native (browser-typed Electron renderers too) and fail wherever @types/node is not installed.

export type ObjectExpiration = "never" | "immediate" | "1h" | "1d" | "7d" | "30d" | "1y" | number;

export type StorageACLDecision = "hide" | "forbid" | "allow";

export interface StorageACLRule {
  user: string;
  decision: StorageACLDecision;
}

export interface StorageACL {
  default?: StorageACLDecision;
  rules?: StorageACLRule[];
}

/** Lifecycle of stored objects: expiry (a preset or seconds) and the initial ACL. */
export interface StorageSettings {
  expiresIn?: ObjectExpiration;
  initialAcl?: StorageACL;
}

/**
 * Node's `Buffer` when the program has Node's types, `Uint8Array` (Buffer's base class) otherwise:
 * read from the type of `globalThis`, which has a `Buffer` only when @types/node is loaded, so
 * nothing here names Buffer itself.
 */
export type NodeBuffer = typeof globalThis extends { Buffer: { prototype: infer B } } ? B : Uint8Array;

/**
 * A Node Readable stream (`fs.createReadStream(...)`, `Readable.from(...)`), described by what
 * storage.upload checks and uses (`read` and `pipe` functions, async iteration) so that it needs no
 * @types/node. A web ReadableStream has neither `read` nor `pipe` and is not accepted, as at run time.
 */
export interface NodeReadableLike {
  read(size?: number): unknown;
  pipe(destination: any, options?: any): unknown;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

/**
 * What `upload` accepts. The official client takes a Blob (or File); fal-native also takes bytes
 * (Buffer, Uint8Array, ArrayBuffer), a file path or `file:` URL (read natively in ranges) and a Node
 * Readable stream.
 */
export type UploadInput = Blob | Uint8Array | ArrayBuffer | string | URL | NodeReadableLike;

export type UploadOptions = {
  /** Sent as the `X-Fal-Object-Lifecycle` header of the upload. */
  lifecycle?: StorageSettings;
  /** fal-native: bytes sent so far across the whole upload; `total` is undefined for streams of unknown length. */
  onProgress?: (sent: number, total: number | undefined) => void;
  /** fal-native: aborts the upload, cancelling in-flight transfers. */
  signal?: AbortSignal;
  /**
   * fal-native addition: the longest this whole call may take, in ms (retries, backoff and, for
   * uploads and downloads, every request of the call included). On expiry the native transfer is
   * cancelled and the call rejects with a TransportError whose code is "ETIMEDOUT" (not retryable
   * by isRetryableError, as a user's own deadline). 0: no limit. Default: config.callTimeout.
   * Not to be confused with `startTimeout` (server-side, seconds) or subscribe's `timeout`.
   */
  callTimeout?: number;
};

/** fal-native: options of `storage.download`. */
export type DownloadOptions = {
  /**
   * A directory (existing, ending in a path separator, or whenever several URLs are given; created
   * if missing) or a file path. Omitted: the bytes are returned in a Buffer.
   */
  to?: string;
  /** Bytes received so far across all downloads of the call, and the sum of known sizes. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** The response Content-Type must start with this string (or match this RegExp). */
  expectContentType?: string | RegExp;
  /** Fail (and stop the transfer) when a response is larger than this. */
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * fal-native addition: the longest this whole call may take, in ms (retries, backoff and, for
   * uploads and downloads, every request of the call included). On expiry the native transfer is
   * cancelled and the call rejects with a TransportError whose code is "ETIMEDOUT" (not retryable
   * by isRetryableError, as a user's own deadline). 0: no limit. Default: config.callTimeout.
   * Not to be confused with `startTimeout` (server-side, seconds) or subscribe's `timeout`.
   */
  callTimeout?: number;
};

/** fal-native: one downloaded URL. */
export interface DownloadedFile {
  url: string;
  /** Where the file was written (downloads with `to`). */
  path?: string;
  /** The body (downloads without `to`): a Buffer (typed as one when the program has Node's types). */
  bytes?: NodeBuffer;
  contentType: string;
  size: number;
}

export interface StorageClient {
  /** Uploads a file and resolves with its URL. */
  upload: (file: UploadInput, options?: UploadOptions) => Promise<string>;
  /**
   * Replaces Blob/File values and byte arrays (Buffer, Uint8Array, ArrayBuffer) in `input`
   * (recursively through plain objects and arrays) with uploaded URLs.
   */
  transformInput: (input: Record<string, any>) => Promise<Record<string, any>>;
  /** fal-native: downloads one URL or several (at most 4 at a time) to disk or into Buffers. */
  download: {
    (url: string, options?: DownloadOptions): Promise<DownloadedFile>;
    (urls: string[], options?: DownloadOptions): Promise<DownloadedFile[]>;
  };
  /**
   * fal-native: downloads every media file of a result: objects with a `url` and an image/video/audio
   * `content_type`, and every entry of an `images` array.
   */
  downloadResultMedia: (data: unknown, options?: DownloadOptions) => Promise<DownloadedFile[]>;
}
