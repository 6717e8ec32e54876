// subscribe: submit, wait for COMPLETED, fetch the result.
//
// Fast path (no middleware, no proxy that applies, no custom responseHandler): the whole sequence
// is one native job; JS wakes only for onEnqueue, onQueueUpdate and the end. Credentials are
// resolved once per subscribe there (the official client resolves them per HTTP request).
// Otherwise the same sequence runs from JS, one native request per call, so the middleware and
// the responseHandler see every request, exactly as officially.
import type { QueueClient, QueueSubscribeOptions } from "../../types/queue";
import type { Result, RunOptions, QueueStatus } from "../../types/common";
import type { StorageClient } from "../../types/storage";
import { abortReason } from "../core/abort";
import { middlewareApplies, resolveCredentials } from "../core/config";
import { baseHeaders } from "../core/headers";
import { parseJsonText } from "../native/response";
import { settleRecord } from "../native/settle";
import { nativeTimeout, subscribeSpec } from "../native/spec";
import { DEFAULT_POLL_INTERVAL } from "./polling";
import { checkSubmitOptions, submitCallParams } from "./queue";
import { mergeRetry, QUEUE_RETRY, QUEUE_STATUS_RETRY } from "../core/retry";
import { toSpec, type CallContext } from "../core/transport";
import { isUsableRequestId, queueRequestsPrefix, resolveBaseUrls } from "../core/urls";
import { SUBSCRIBE_RULES } from "./validate";

export type SubscribeOptions = RunOptions<any> & QueueSubscribeOptions & { hint?: string };

export async function subscribe<Output>(
  ctx: CallContext,
  queue: QueueClient,
  storage: StorageClient,
  endpointId: string,
  options: SubscribeOptions,
): Promise<Result<Output>> {
  const opts = checkSubmitOptions("fal.subscribe", endpointId, options, SUBSCRIBE_RULES) as SubscribeOptions;
  if (opts.abortSignal?.aborted) throw abortReason(opts.abortSignal);
  // Streaming mode follows the SSE status stream from JS (its events are few and small).
  if (opts.mode !== "streaming" && !middlewareApplies(ctx.config) && !ctx.config.responseHandler) {
    return subscribeNative<Output>(ctx, storage, endpointId, opts);
  }
  return subscribeFromJs<Output>(queue, endpointId, opts);
}

async function subscribeFromJs<Output>(queue: QueueClient, endpointId: string, options: SubscribeOptions): Promise<Result<Output>> {
  const submitted = await queue.submit(endpointId, options);
  const requestId = submitted?.request_id;
  if (typeof requestId !== "string" || !isUsableRequestId(requestId)) {
    throw new Error(`fal-native: the submit response for ${endpointId} has no usable request_id`);
  }
  options.onEnqueue?.(requestId);
  await queue.subscribeToStatus(endpointId, { ...(options as object), requestId } as any);
  // The official client does not pass abortSignal here; an abort should stop this call too.
  return queue.result(endpointId, { requestId, abortSignal: options.abortSignal });
}

async function subscribeNative<Output>(
  ctx: CallContext,
  storage: StorageClient,
  endpointId: string,
  options: SubscribeOptions,
): Promise<Result<Output>> {
  const { config, engine } = ctx;
  const bases = resolveBaseUrls(config.baseUrls);
  const input = options.input ? await storage.transformInput(options.input) : undefined;
  const credentials = await resolveCredentials(config);
  const submit = submitCallParams(endpointId, options, bases, input, config.retry, config.callTimeout, "fal.subscribe");
  const submitSpec = toSpec({ method: submit.method, url: submit.url, headers: submit.headers }, credentials, input, submit.retry);
  // callTimeout bounds the submit request; the wait as a whole is the official `timeout`.
  const submitTimeout = nativeTimeout(submit.timeout);
  if (submitTimeout > 0) submitSpec.timeout = submitTimeout;
  const timeout = options.timeout ?? 0;
  const spec = subscribeSpec({
    submit: submitSpec,
    requestsPrefix: queueRequestsPrefix(endpointId, bases),
    headers: baseHeaders(credentials),
    logs: options.logs ?? false,
    pollInterval: ("pollInterval" in options && options.pollInterval) || DEFAULT_POLL_INTERVAL,
    statusUpdates: typeof options.onQueueUpdate === "function",
    timeout,
    statusRetry: mergeRetry(QUEUE_STATUS_RETRY, config.retry),
    resultRetry: mergeRetry(QUEUE_RETRY, config.retry),
  });

  let enqueued = false;
  const record = await engine.subscribe(spec, options.abortSignal, (progress) => {
    if (progress.type === "enqueued") {
      enqueued = true;
      options.onEnqueue?.(progress.requestId);
    } else {
      options.onQueueUpdate?.(parseStatus(progress.body));
    }
  });
  // Which step failed (inferred from its URL for a native side that does not name the method).
  const url = (record.type === "error" && record.url) || submitSpec.url;
  const named = record.type === "error" ? (record as { method?: string }).method : undefined;
  const method = named || (url === submitSpec.url ? submitSpec.method : url.endsWith("/cancel") ? "PUT" : "GET");
  return settleRecord(record, { api: "fal.subscribe", method, url }, { kind: "subscribe", enqueued, timeout }) as Result<Output>;
}

function parseStatus(body: string): QueueStatus {
  try {
    return parseJsonText(body) as QueueStatus;
  } catch (err) {
    throw new Error(`fal-native: malformed queue status JSON: ${(err as Error).message}`);
  }
}
