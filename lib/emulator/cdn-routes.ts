// The emulator's CDN under <url>/cdn: `GET /cdn/files/<name>` serves generated (and later,
// uploaded) files with their Content-Type. No authentication, like fal's media URLs.

import { replyBytes, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import type { EmulatorState } from "./state";

export function handleCdn(ctx: Ctx, segments: string[], state: EmulatorState): void {
  if (segments[0] !== "files" || segments.length < 2) return replyNotFound(ctx);
  if (ctx.method !== "GET" && ctx.method !== "HEAD") return replyMethodNotAllowed(ctx, ["GET", "HEAD"]);
  const file = state.files.get(segments.slice(1).join("/"));
  if (!file) return replyNotFound(ctx);
  replyBytes(ctx, 200, file.bytes, file.contentType, {
    // Names are derived from the image recipe, so the bytes behind a URL never change.
    "cache-control": "public, max-age=31536000, immutable",
  });
}
