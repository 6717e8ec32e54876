// The emulator's CDN under <url>/cdn: `GET|HEAD /cdn/files/<name>` serves generated and uploaded
// files with their Content-Type. No authentication, like fal's media URLs. An upload's file_url
// answers 404 until its PUT (or multipart complete) has finished.

import { replyBytes, replyChunks, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import type { EmulatorState } from "./state";

export async function handleCdn(ctx: Ctx, segments: string[], state: EmulatorState): Promise<void> {
  if (segments[0] !== "files" || segments.length < 2) return replyNotFound(ctx);
  if (ctx.method !== "GET" && ctx.method !== "HEAD") return replyMethodNotAllowed(ctx, ["GET", "HEAD"]);
  const name = segments.slice(1).join("/");
  const upload = state.files.getUpload(name);
  if (upload) {
    // Streamed chunk by chunk: a 1 GiB upload is served without joining it into one Buffer.
    // Not immutable: a presigned URL may be PUT again, replacing the bytes.
    return replyChunks(ctx, 200, upload.chunks, upload.size, upload.contentType, { "cache-control": "no-cache" });
  }
  const file = state.files.get(name);
  if (!file) return replyNotFound(ctx);
  replyBytes(ctx, 200, file.bytes, file.contentType, {
    // Names are derived from the image recipe, so the bytes behind a URL never change.
    "cache-control": "public, max-age=31536000, immutable",
  });
}
