// fal.storage.upload: the official fal-cdn-v3 flow (initiate through the authenticated request
// path, then PUT to the signed URL without credentials or middleware), multipart above 90 MiB
// with parts in parallel, each retried natively, and progress across the whole upload. Requests to
// a fal CDN host follow the CDN override; the file_url returned is fal's, unchanged.
import type { UploadInput, UploadOptions } from "../../types/storage";
import type { RetryOptions } from "../../types/retry";
import { abortReason } from "../core/abort";
import { TransportError } from "../core/errors";
import { buildLifecycleConfig } from "./lifecycle";
import { defaultFileName } from "./mime";
import { Deadline } from "../native/deadline";
import { settleRecord } from "../native/settle";
import { requestSpec, type RequestParts } from "../native/spec";
import { CLIENT_RETRY, mergeRetry } from "../core/retry";
import { performCall, type CallContext } from "../core/transport";
import { openUploadSource, type PartBody, type UploadSource } from "./upload-source";
import { cdnRequestUrl, resolveBaseUrls } from "../core/urls";
import { checkCallTimeout } from "../api/validate";

export const MULTIPART_THRESHOLD = 90 * 1024 * 1024;
export const PART_SIZE = 10 * 1024 * 1024;
export const PART_CONCURRENCY = 4;
/** Policy of each PUT (single or part); the user's config.retry wins, as for every other call. */
export const UPLOAD_PART_RETRY: Partial<RetryOptions> = {
  maxRetries: 3,
  baseDelay: 500,
  retryableStatusCodes: [408, 429, 500, 502, 503, 504],
};

type Initiated = { upload_url: string; file_url: string };
type CompletedPart = { partNumber: number; etag: string };

/** Sums the bytes sent by every request of one upload (each request reports its own attempt). */
class Progress {
  private readonly sent = new Map<number, number>();
  constructor(
    private readonly onProgress: UploadOptions["onProgress"],
    public total: number | undefined,
  ) {}
  update(key: number, sent: number): void {
    if (!this.onProgress) return;
    // A retried attempt starts again from 0; keep the count monotonic.
    if (sent <= (this.sent.get(key) ?? 0)) return;
    this.sent.set(key, sent);
    let sum = 0;
    for (const value of this.sent.values()) sum += value;
    this.onProgress(sum, this.total);
  }
  get wanted(): boolean {
    return this.onProgress !== undefined;
  }
}

/** The upload's options plus its whole-call deadline (which also carries the user's signal). */
type UploadCall = UploadOptions & { deadline: Deadline };

async function initiate(ctx: CallContext, source: UploadSource, multipart: boolean, options: UploadCall): Promise<Initiated> {
  const lifecycle = buildLifecycleConfig(options.lifecycle);
  const contentType = source.contentType;
  const rest = resolveBaseUrls(ctx.config.baseUrls).rest;
  const route = multipart ? "initiate-multipart" : "initiate";
  const result = await performCall<Initiated>(ctx, {
    method: "POST",
    url: `${rest}/storage/upload/${route}?storage_type=fal-cdn-v3`,
    headers: lifecycle ? { "X-Fal-Object-Lifecycle": JSON.stringify(lifecycle) } : undefined,
    input: { content_type: contentType, file_name: source.name ?? defaultFileName(contentType) },
    retry: mergeRetry(CLIENT_RETRY, ctx.config.retry),
    signal: options.signal,
    kind: "json",
    api: "fal.storage.upload",
    deadline: options.deadline,
  });
  if (!result || typeof result.upload_url !== "string" || typeof result.file_url !== "string") {
    throw new Error(`fal-native: storage ${route} answered without upload_url/file_url: ${JSON.stringify(result)}`);
  }
  return result;
}

/**
 * A request to the signed upload URL: no Authorization, no middleware; retried natively. Every
 * request to storage passes here, so the CDN override (cdnRequestUrl) applies to the single PUT,
 * each part and the complete alike, and none of them can carry the key to wherever it points.
 */
async function sendToStorage(
  ctx: CallContext,
  parts: Omit<RequestParts, "retry" | "progress">,
  progress: Progress,
  key: number,
  deadline: Deadline,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const url = cdnRequestUrl(parts.url, ctx.config.baseUrls);
  const spec = requestSpec({ ...parts, url, retry: mergeRetry(UPLOAD_PART_RETRY, ctx.config.retry), progress: progress.wanted });
  const call = { api: "fal.storage.upload", method: spec.method, url: spec.url };
  const record = await deadline.request(ctx.engine, spec, call, signal, (p) => progress.update(key, p.sent));
  return settleRecord(record, call, { kind: "json" });
}

function bodyOf(part: PartBody): Pick<RequestParts, "body" | "bodyFile"> {
  return part.bodyFile ? { bodyFile: part.bodyFile } : { body: part.body ?? new Uint8Array(0) };
}

async function singleUpload(ctx: CallContext, source: UploadSource, body: PartBody, progress: Progress, options: UploadCall): Promise<string> {
  const { upload_url, file_url } = await initiate(ctx, source, false, options);
  const put = { method: "PUT", url: upload_url, headers: { "Content-Type": source.contentType }, ...bodyOf(body) };
  await sendToStorage(ctx, put, progress, 0, options.deadline, options.signal);
  return file_url;
}

/**
 * Parts from `next` (called one at a time, in order), uploaded at most PART_CONCURRENCY at a time.
 * The first failure cancels the parts still in flight and rejects with an error naming the part.
 */
async function multipartUpload(
  ctx: CallContext,
  source: UploadSource,
  next: () => Promise<PartBody | null>,
  progress: Progress,
  options: UploadCall,
): Promise<string> {
  const { upload_url, file_url } = await initiate(ctx, source, true, options);
  const url = new URL(upload_url);
  const base = `${url.origin}${url.pathname}`;
  const controller = new AbortController();
  const userSignal = options.signal;
  const onUserAbort = () => controller.abort(abortReason(userSignal!));
  userSignal?.addEventListener("abort", onUserAbort, { once: true });

  const parts: CompletedPart[] = [];
  let failure: unknown;
  let numbered = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const take = (): Promise<{ number: number; body: PartBody } | null> => {
    const result = chain.then(async () => {
      const body = await next();
      return body ? { number: ++numbered, body } : null;
    });
    chain = result.catch(() => undefined);
    return result;
  };
  const worker = async () => {
    while (failure === undefined && !controller.signal.aborted) {
      let part: { number: number; body: PartBody } | null;
      try {
        part = await take();
      } catch (error) {
        failure ??= error;
        controller.abort(error);
        return;
      }
      if (!part || failure !== undefined) return;
      try {
        const answer = (await sendToStorage(
          ctx,
          { method: "PUT", url: `${base}/${part.number}${url.search}`, headers: {}, ...bodyOf(part.body) },
          progress,
          part.number,
          options.deadline,
          controller.signal,
        )) as Partial<CompletedPart> | undefined;
        if (!answer || typeof answer.etag !== "string") {
          throw new Error(`storage answered without an etag: ${JSON.stringify(answer)}`);
        }
        parts[part.number - 1] = { partNumber: part.number, etag: answer.etag };
      } catch (error) {
        if (failure === undefined && !userSignal?.aborted) {
          const reason = error instanceof Error ? error.message : String(error);
          failure = new Error(`fal-native: upload of part ${part.number} failed: ${reason}`, { cause: error });
          controller.abort(failure);
        }
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: PART_CONCURRENCY }, worker));
  } finally {
    userSignal?.removeEventListener("abort", onUserAbort);
  }
  if (userSignal?.aborted) throw abortReason(userSignal);
  if (failure !== undefined) throw failure;

  await sendToStorage(
    ctx,
    {
      method: "POST",
      url: `${base}/complete${url.search}`,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ parts }),
    },
    new Progress(undefined, undefined),
    -1,
    options.deadline,
    options.signal,
  );
  return file_url;
}

export async function upload(ctx: CallContext, input: UploadInput, options: UploadOptions = {}): Promise<string> {
  const timeout = checkCallTimeout("fal.storage.upload", options.callTimeout) ?? ctx.config.callTimeout;
  // Opening checks local files (missing, unreadable, directory) before any request is made.
  const source = await openUploadSource(input);
  if (options.signal?.aborted) throw abortReason(options.signal);
  const rest = resolveBaseUrls(ctx.config.baseUrls).rest;
  const deadline = new Deadline(timeout, { api: "fal.storage.upload", method: "POST", url: `${rest}/storage/upload/initiate` });
  try {
    return await uploadWithin(ctx, source, { ...options, deadline });
  } catch (error) {
    // A part that hit the deadline fails the upload with the deadline's error, not "part N failed".
    if (deadline.expired && hitDeadline(error)) throw timeoutError(deadline);
    throw error;
  }
}

/** Whether `error` (or the error it wraps) is a request that ran into the whole-call timeout. */
function hitDeadline(error: unknown): boolean {
  const isTimeout = (e: unknown) => e instanceof TransportError && (e.cause as Error | undefined)?.name === "TimeoutError";
  return isTimeout(error) || (error instanceof Error && isTimeout(error.cause));
}

/** The whole-call timeout as the error it ends the upload with. */
function timeoutError(deadline: Deadline): unknown {
  try {
    settleRecord(deadline.record(), deadline.current, { kind: "json" });
  } catch (error) {
    return error;
  }
  return undefined;
}

async function uploadWithin(ctx: CallContext, source: UploadSource, options: UploadCall): Promise<string> {
  const progress = new Progress(options.onProgress, source.size);

  if (source.size !== undefined && source.range) {
    const { size, range } = source;
    if (size <= MULTIPART_THRESHOLD) return singleUpload(ctx, source, await range(0, size), progress, options);
    let offset = 0;
    return multipartUpload(ctx, source, async () => {
      if (offset >= size) return null;
      const length = Math.min(PART_SIZE, size - offset);
      const body = await range(offset, length);
      offset += length;
      return body;
    }, progress, options);
  }

  // A stream of unknown length: buffer up to the threshold, then decide.
  const read = source.read!;
  const buffered: PartBody[] = [];
  let bufferedSize = 0;
  for (;;) {
    const chunk = await read(PART_SIZE);
    if (!chunk) break;
    buffered.push(chunk);
    bufferedSize += chunk.size;
    if (bufferedSize > MULTIPART_THRESHOLD) break;
  }
  if (bufferedSize <= MULTIPART_THRESHOLD) {
    const bytes = Buffer.concat(buffered.map((c) => c.body as Uint8Array), bufferedSize);
    source.size = progress.total = bufferedSize;
    return singleUpload(ctx, source, { body: bytes, size: bufferedSize }, progress, options);
  }
  return multipartUpload(ctx, source, async () => {
    const chunk = buffered.shift() ?? (await read(PART_SIZE));
    return chunk;
  }, progress, options);
}
