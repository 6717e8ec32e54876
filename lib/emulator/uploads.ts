// Uploads that were initiated but are not finished yet: what the presigned upload URL points at.
//
// An upload becomes a servable file (FileStore) when its single PUT arrives, or, for multipart,
// when /complete names all its parts with matching etags. Parts are kept as the chunks they
// arrived in; completing just lists them in order, so even a 1 GiB upload is never copied.

import { randomBytes } from "node:crypto";
import type { StorageScenario } from "./scenarios";

export interface UploadPart {
  chunks: Buffer[];
  size: number;
  /** MD5 hex of the part, like S3's etag for a non-multipart object (no quotes). */
  etag: string;
}

export interface PendingUpload {
  token: string;
  /** Random query value that must come back on every PUT/complete: proves clients keep the search part of upload_url. */
  signature: string;
  kind: "single" | "multipart";
  /** FileStore key: "<unique>/<file_name>". */
  fileKey: string;
  /** What initiate returned, "<origin>/cdn/files/<fileKey, URL-encoded>". */
  fileUrl: string;
  fileName: string;
  contentType: string;
  lifecycle: unknown;
  scenarios: Set<StorageScenario>;
  parts: Map<number, UploadPart>;
  /** Part numbers that already failed once under part-fail-once. */
  failedParts: Set<number>;
  /** The single PUT already failed once under put-fail-once. */
  putFailed: boolean;
  completed: boolean;
}

export type NewUpload = Pick<PendingUpload, "kind" | "fileName" | "contentType" | "lifecycle" | "scenarios">;

export class UploadStore {
  private readonly pending = new Map<string, PendingUpload>();

  /** `origin` is the REST origin as the client addressed it; file_url is built on it. */
  create(init: NewUpload, origin: string): PendingUpload {
    const token = randomBytes(12).toString("hex");
    const unique = randomBytes(8).toString("hex");
    const upload: PendingUpload = {
      ...init,
      token,
      signature: randomBytes(8).toString("hex"),
      fileKey: `${unique}/${init.fileName}`,
      fileUrl: `${origin}/cdn/files/${unique}/${init.fileName.split("/").map(encodeURIComponent).join("/")}`,
      parts: new Map(),
      failedParts: new Set(),
      putFailed: false,
      completed: false,
    };
    this.pending.set(token, upload);
    return upload;
  }

  get(token: string): PendingUpload | undefined {
    return this.pending.get(token);
  }

  /** Finished uploads keep their record (so a repeated /complete is answered) but not their bytes. */
  markCompleted(upload: PendingUpload): void {
    upload.completed = true;
    upload.parts.clear();
  }

  clear(): void {
    this.pending.clear();
  }
}
