// rest.fal.ai storage routes under <url>/rest/storage (wire doc §8.1, checklist rows 11 and 13):
//
//   POST /rest/storage/upload/initiate?storage_type=fal-cdn-v3            (also gcs)
//   POST /rest/storage/upload/initiate-multipart?storage_type=fal-cdn-v3
//     body {"content_type": "...", "file_name": "..."}, optional X-Fal-Object-Lifecycle: {json}
//     -> 200 {"upload_url": "http://localhost:<port>/cdn-upload/<token>?signature=<s>", (https:// with TLS)
//             "file_url":   "<origin>/cdn/files/<unique>/<file_name>"}
//
// The upload_url deliberately names host "localhost" while the REST routes are addressed as
// 127.0.0.1: same server, different host, so tests can prove a client does not send its API key
// along with the bytes (a real presigned URL lives on another host). Auth is checked in routes.ts.

import { parseJsonBody, replyDetail, replyJson, replyNotFound, replyMethodNotAllowed, type Ctx } from "./http";
import { parseStorageScenarios, SCENARIO_HEADER, STORAGE_SCENARIOS } from "./scenarios";
import type { EmulatorState } from "./state";

const STORAGE_TYPES = ["fal-cdn-v3", "gcs"];

export function handleStorage(ctx: Ctx, segments: string[], state: EmulatorState): void {
  // segments after "storage": ["upload", "initiate" | "initiate-multipart"]
  const action = segments.length === 2 && segments[0] === "upload" ? segments[1] : undefined;
  if (action !== "initiate" && action !== "initiate-multipart") return replyNotFound(ctx);
  if (ctx.method !== "POST") return replyMethodNotAllowed(ctx, ["POST"]);
  const multipart = action === "initiate-multipart";

  const storageType = ctx.query.get("storage_type") ?? "fal-cdn-v3";
  // Only fal-cdn-v3 has this multipart protocol; GCS multipart works differently (wire doc §8.3).
  if (!STORAGE_TYPES.includes(storageType) || (multipart && storageType !== "fal-cdn-v3")) {
    return replyDetail(ctx, 400, `Unsupported storage_type '${storageType}' for ${action}`);
  }

  const parsed = parseJsonBody(ctx.body);
  if (!parsed.ok) return replyJson(ctx, 422, { detail: parsed.detail });
  const body = parsed.value;
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return replyJson(ctx, 422, { detail: [missing("body", body)] });
  }
  const { content_type: contentType = "application/octet-stream", file_name: fileName } = body as Record<string, unknown>;
  if (typeof fileName !== "string" || fileName === "") return replyJson(ctx, 422, { detail: [missing("file_name", fileName)] });
  if (typeof contentType !== "string" || contentType === "") {
    return replyJson(ctx, 422, { detail: [missing("content_type", contentType)] });
  }

  const lifecycle = parseLifecycle(ctx.headers["x-fal-object-lifecycle"]);
  if (!lifecycle.ok) return replyDetail(ctx, 400, "X-Fal-Object-Lifecycle must be a JSON object");

  const scenarios = parseStorageScenarios(ctx.headers[SCENARIO_HEADER]);
  if (!scenarios.ok) {
    return replyDetail(ctx, 400, `Unknown emulator scenario '${scenarios.unknown}'. Known for storage: ${STORAGE_SCENARIOS.join(", ")}.`);
  }

  const upload = state.uploads.create({
    kind: multipart ? "multipart" : "single",
    fileName,
    contentType,
    lifecycle: lifecycle.value,
    scenarios: scenarios.scenarios,
  }, ctx.origin);
  const port = ctx.wire.localPort;
  replyJson(ctx, 200, {
    upload_url: `${ctx.wire.scheme}://localhost:${port}/cdn-upload/${upload.token}?signature=${upload.signature}`,
    file_url: upload.fileUrl,
  });
}

function missing(field: string, input: unknown) {
  return { type: "missing", loc: ["body", field], msg: "Field required", input: input ?? null };
}

/** Absent header -> undefined (stored as such); present -> must be a JSON object. */
function parseLifecycle(header: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (header === undefined || header.trim() === "") return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(header);
    return value && typeof value === "object" && !Array.isArray(value) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}
