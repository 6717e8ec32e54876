// Storage types: the official upload/transformInput shapes, widened for Node inputs, plus downloads.
import type { Readable } from "stream";

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
 * What `upload` accepts. The official client takes a Blob (or File); fal-native also takes bytes
 * (Buffer, Uint8Array, ArrayBuffer), a file path or `file:` URL (read natively in ranges) and a Node
 * Readable stream.
 */
export type UploadInput = Blob | Uint8Array | ArrayBuffer | string | URL | Readable;

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
  /** The body (downloads without `to`). */
  bytes?: Buffer;
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
