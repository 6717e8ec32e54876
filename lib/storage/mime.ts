// Content types for uploads from file paths, and the official file-name rule for nameless Blobs.
import * as path from "path";

const BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  json: "application/json",
  txt: "text/plain",
  pdf: "application/pdf",
  zip: "application/zip",
};

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

export function contentTypeForPath(file: string): string {
  return BY_EXTENSION[path.extname(file).slice(1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/** As @fal-ai/client: `<Date.now()>.<ext>`, ext = MIME subtype cut at `-` or `;` ("octet" for octet-stream). */
export function defaultFileName(contentType: string): string {
  const subtype = contentType.split("/")[1] ?? "";
  const ext = subtype.split(/[-;]/)[0] || "bin";
  return `${Date.now()}.${ext}`;
}
