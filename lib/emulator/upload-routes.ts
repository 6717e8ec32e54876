// The fake CDN's presigned upload URLs (wire doc §8.1, checklist rows 12 and 13):
//
//   PUT  /cdn-upload/<token>?signature=<s>            single upload: stores the raw body
//   PUT  /cdn-upload/<token>/<n>?signature=<s>        multipart part n (1-based)
//                                                      -> {"partNumber": n, "etag": "<md5>"} + ETag header
//   POST /cdn-upload/<token>/complete?signature=<s>   {"parts":[{"partNumber","etag"}]} -> file servable
//
// No Authorization is required (the URL itself is the credential, as with a presigned URL); one
// that is sent anyway is accepted and shows up in emulator.requests for tests to assert on. PUT
// bodies are streamed by this route (server.ts skips its 20 MiB read for them) and kept as chunks.

import { createHash } from "node:crypto";
import { parseJsonBody, readChunks, replyDetail, replyJson, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import type { EmulatorState } from "./state";
import type { PendingUpload } from "./uploads";

/** server.ts asks this before reading a body: these requests are streamed by the route. */
export function streamsUploadBody(method: string, path: string): boolean {
  return method === "PUT" && path.startsWith("/cdn-upload/");
}

export async function handleUpload(ctx: Ctx, segments: string[], state: EmulatorState): Promise<void> {
  const [token, action, ...extra] = segments;
  const upload = token === undefined ? undefined : state.uploads.get(token);
  if (!upload || extra.length > 0) return drainThen(ctx, () => replyNotFound(ctx));
  if (ctx.query.get("signature") !== upload.signature) {
    return drainThen(ctx, () => replyDetail(ctx, 403, "Invalid or missing upload URL signature (keep the query string of upload_url)"));
  }

  if (action === undefined) {
    if (ctx.method !== "PUT") return replyMethodNotAllowed(ctx, ["PUT"]);
    if (upload.kind !== "single") return drainThen(ctx, () => replyDetail(ctx, 400, "This is a multipart upload: PUT parts to <upload_url>/<partNumber>"));
    return putSingle(ctx, upload, state);
  }
  if (action === "complete") {
    if (ctx.method !== "POST") return replyMethodNotAllowed(ctx, ["POST"]);
    return complete(ctx, upload, state);
  }
  const partNumber = /^[1-9]\d{0,4}$/.test(action) ? Number(action) : NaN;
  if (!Number.isInteger(partNumber) || partNumber > 10_000) return drainThen(ctx, () => replyNotFound(ctx));
  if (ctx.method !== "PUT") return replyMethodNotAllowed(ctx, ["PUT"]);
  if (upload.kind !== "multipart") return drainThen(ctx, () => replyDetail(ctx, 400, "Not a multipart upload: PUT the bytes to upload_url itself"));
  if (upload.completed) return drainThen(ctx, () => replyDetail(ctx, 400, "Upload already completed"));
  return putPart(ctx, upload, partNumber);
}

async function putSingle(ctx: Ctx, upload: PendingUpload, state: EmulatorState): Promise<void> {
  if (upload.scenarios.has("put-fail-once") && !upload.putFailed) {
    upload.putFailed = true;
    return drainThen(ctx, () => replyDetail(ctx, 503, "Storage temporarily unavailable (emulator scenario put-fail-once)"));
  }
  const read = await readChunks(ctx.req);
  if (!read.ok) return replyTooLarge(ctx, read.reason);
  state.files.putUpload(upload.fileKey, {
    chunks: read.chunks,
    size: read.size,
    contentType: ctx.headers["content-type"] || upload.contentType,
    fileName: upload.fileName,
    lifecycle: upload.lifecycle,
  });
  upload.completed = true;
  replyJson(ctx, 200, {});
}

async function putPart(ctx: Ctx, upload: PendingUpload, partNumber: number): Promise<void> {
  if (upload.scenarios.has("part-fail-always") && partNumber === 2) {
    return drainThen(ctx, () => replyDetail(ctx, 500, "part storage unavailable"));
  }
  if (upload.scenarios.has("part-fail-once") && !upload.failedParts.has(partNumber)) {
    upload.failedParts.add(partNumber);
    return drainThen(ctx, () => replyDetail(ctx, 500, "part storage unavailable (emulator scenario part-fail-once)"));
  }
  const hash = createHash("md5");
  const read = await readChunks(ctx.req, undefined, (chunk) => hash.update(chunk));
  if (!read.ok) return replyTooLarge(ctx, read.reason);
  const etag = hash.digest("hex");
  // A re-sent part replaces the earlier one, as in S3.
  upload.parts.set(partNumber, { chunks: read.chunks, size: read.size, etag });
  // JSON body for the JS client, ETag header (quoted, per HTTP) for the fal SDK (wire doc §8.3).
  replyJson(ctx, 200, { partNumber, etag }, { etag: `"${etag}"` });
}

async function complete(ctx: Ctx, upload: PendingUpload, state: EmulatorState): Promise<void> {
  const fileUrl = upload.fileUrl;
  if (upload.kind !== "multipart") return replyDetail(ctx, 400, "Not a multipart upload");
  // A retried complete after success is answered again rather than failing on freed parts.
  if (upload.completed) return replyJson(ctx, 200, { file_url: fileUrl });

  const parsed = parseJsonBody(ctx.body);
  const parts = parsed.ok && parsed.value && typeof parsed.value === "object" ? (parsed.value as { parts?: unknown }).parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0) return replyDetail(ctx, 400, "Body must be {\"parts\": [{\"partNumber\": n, \"etag\": \"...\"}, ...]}");

  const listed = new Map<number, string>();
  for (const item of parts as unknown[]) {
    const { partNumber, etag } = (item ?? {}) as { partNumber?: unknown; etag?: unknown };
    if (typeof partNumber !== "number" || !Number.isInteger(partNumber) || partNumber < 1 || typeof etag !== "string") {
      return replyDetail(ctx, 400, `Invalid part entry ${JSON.stringify(item)}: need integer partNumber >= 1 and string etag`);
    }
    if (listed.has(partNumber)) return replyDetail(ctx, 400, `Part ${partNumber} is listed twice`);
    listed.set(partNumber, etag);
  }
  // Clients may list parts in any order (the Python SDK lists them in completion order).
  const numbers = [...listed.keys()].sort((a, b) => a - b);
  for (let expected = 1; expected <= numbers[numbers.length - 1]; expected++) {
    if (!listed.has(expected)) return replyDetail(ctx, 400, `Part ${expected} is missing from the parts list`);
  }
  for (const n of numbers) {
    const stored = upload.parts.get(n);
    if (!stored) return replyDetail(ctx, 400, `Part ${n} was never uploaded`);
    // Accept the etag with or without the quotes of the ETag header.
    if (listed.get(n)!.replace(/^"|"$/g, "") !== stored.etag) return replyDetail(ctx, 400, `Part ${n}: etag does not match`);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for (const n of numbers) {
    const part = upload.parts.get(n)!;
    for (const chunk of part.chunks) chunks.push(chunk);
    size += part.size;
  }
  state.files.putUpload(upload.fileKey, {
    chunks,
    size,
    contentType: upload.contentType,
    fileName: upload.fileName,
    lifecycle: upload.lifecycle,
  });
  state.uploads.markCompleted(upload);
  replyJson(ctx, 200, { file_url: fileUrl });
}

function replyTooLarge(ctx: Ctx, reason: "too-large" | "aborted"): void {
  // An aborted upload has nobody left to answer; the bytes read so far are simply dropped.
  if (reason === "too-large") replyDetail(ctx, 413, "Upload too large (limit 1.5 GiB)", { connection: "close" });
}

/**
 * Reject a streamed PUT only after its body has been drained: answering while the client is
 * still sending makes it see ECONNRESET instead of the status (as readBody does for 413s).
 */
async function drainThen(ctx: Ctx, reply: () => void): Promise<void> {
  if (streamsUploadBody(ctx.method, ctx.path) && !ctx.req.readableEnded) {
    await new Promise<void>((done) => {
      ctx.req.on("end", done);
      ctx.req.on("error", () => done());
      ctx.req.on("close", () => done());
      ctx.req.resume();
    });
  }
  reply();
}
