// The queue client: submit, status, result, cancel and status polling, each one native request.
import type {
  BaseQueueOptions,
  QueueClient,
  QueueStatusOptions,
  QueueStatusStreamOptions,
  QueueStatusSubscriptionOptions,
  SubmitOptions,
} from "../../types/queue";
import type { CallTimeoutOption, CompletedQueueStatus, InQueueQueueStatus, QueueStatus, Result } from "../../types/common";
import type { StorageClient } from "../../types/storage";
import type { RetryOptions } from "../../types/retry";
import { buildSubmitHeaders } from "../core/headers";
import { mergeRetry, QUEUE_RETRY, QUEUE_STATUS_RETRY, CLIENT_RETRY } from "../core/retry";
import { performCall, type CallContext, type CallParams } from "../core/transport";
import { buildUrl, requestUrl, resolveBaseUrls, statusUrl, resultUrl, cancelUrl, type ResolvedBaseUrls } from "../core/urls";
import { pollUntilCompleted } from "./polling";
import { streamUntilCompleted } from "../streaming/status-stream";
import { openStream } from "../streaming/streaming-client";
import {
  checkEndpointId,
  checkOptions,
  checkOptionTypes,
  checkHeaders,
  checkRequestId,
  SUBMIT_RULES,
  POLL_RULES,
} from "./validate";

/** The submit call (shared by queue.submit and both subscribe paths). */
export function submitCallParams(
  endpointId: string,
  options: SubmitOptions<unknown> & CallTimeoutOption,
  bases: ResolvedBaseUrls,
  input: unknown,
  userRetry: Partial<RetryOptions>,
  defaultTimeout = 0,
  api = "fal.queue.submit",
): CallParams {
  return {
    api,
    timeout: options.callTimeout ?? defaultTimeout,
    method: options.method ?? "post",
    // fal_webhook replaces any other query, as officially; the endpoint path is kept.
    url: buildUrl(endpointId, bases, {
      service: "queue",
      method: options.method,
      input,
      query: options.webhookUrl ? { fal_webhook: options.webhookUrl } : undefined,
    }),
    headers: buildSubmitHeaders(options),
    input,
    retry: mergeRetry(QUEUE_RETRY, userRetry),
    signal: options.abortSignal,
    kind: "json",
  };
}

/** Checks for submit/subscribe options shared by queue.submit and subscribe. */
export function checkSubmitOptions(api: string, endpointId: unknown, options: unknown, rules = SUBMIT_RULES): SubmitOptions<any> {
  checkEndpointId(api, endpointId);
  const opts = checkOptions<SubmitOptions<any>>(api, options);
  checkOptionTypes(api, opts, rules);
  checkHeaders(api, opts.headers);
  return opts;
}

export function createQueueClient(ctx: CallContext, storage: StorageClient): QueueClient {
  const bases = () => resolveBaseUrls(ctx.config.baseUrls);
  const retry = (perCall: Partial<RetryOptions>) => mergeRetry(perCall, ctx.config.retry);

  function requestIdOptions<T extends BaseQueueOptions>(api: string, endpointId: unknown, options: unknown): T {
    checkEndpointId(api, endpointId);
    const opts = checkOptions<T>(api, options);
    checkRequestId(api, opts);
    return opts;
  }

  /** status, result and cancel: one request about a request id, under the call's own limits. */
  function requestIdCall<T>(
    api: string,
    opts: BaseQueueOptions & CallTimeoutOption,
    call: Pick<CallParams, "method" | "url" | "kind">,
    perCallRetry: Partial<RetryOptions>,
  ): Promise<T> {
    return performCall<T>(ctx, {
      ...call,
      api,
      retry: retry(perCallRetry),
      signal: opts.abortSignal,
      timeout: opts.callTimeout ?? ctx.config.callTimeout,
    });
  }

  const queue: QueueClient = {
    async submit(endpointId, options): Promise<InQueueQueueStatus> {
      const opts = checkSubmitOptions("fal.queue.submit", endpointId, options);
      const input = opts.input ? await storage.transformInput(opts.input) : undefined;
      return performCall(ctx, submitCallParams(endpointId, opts, bases(), input, ctx.config.retry, ctx.config.callTimeout));
    },

    async status(endpointId, options): Promise<QueueStatus> {
      const opts = requestIdOptions<QueueStatusOptions & CallTimeoutOption>("fal.queue.status", endpointId, options);
      checkOptionTypes("fal.queue.status", opts, POLL_RULES.filter(([key]) => key === "logs"));
      const url = statusUrl(endpointId, opts.requestId, opts.logs ?? false, bases());
      return requestIdCall("fal.queue.status", opts, { method: "get", url, kind: "json" }, QUEUE_STATUS_RETRY);
    },

    async streamStatus(endpointId, options) {
      const api = "fal.queue.streamStatus";
      const opts = requestIdOptions<QueueStatusStreamOptions>(api, endpointId, options);
      checkOptionTypes(api, opts, POLL_RULES.filter(([key]) => key === "logs" || key === "connectionMode"));
      const logs = opts.logs ? "1" : "0";
      const url = `${requestUrl(endpointId, opts.requestId, bases())}/status/stream?logs=${logs}`;
      const streamOptions = {
        url,
        method: "get",
        connectionMode: opts.connectionMode,
        queryParams: { logs },
        signal: opts.abortSignal,
      };
      return openStream(ctx, endpointId, streamOptions, { url, input: undefined, tokenApp: endpointId });
    },

    async subscribeToStatus(endpointId, options): Promise<CompletedQueueStatus> {
      const api = "fal.queue.subscribeToStatus";
      const opts = requestIdOptions<QueueStatusSubscriptionOptions>(api, endpointId, options);
      checkOptionTypes(api, opts, POLL_RULES);
      if (opts.mode === "streaming") return streamUntilCompleted(queue, endpointId, opts);
      return pollUntilCompleted(queue, endpointId, opts);
    },

    async result<Output>(endpointId: string, options: BaseQueueOptions): Promise<Result<Output>> {
      const opts = requestIdOptions<BaseQueueOptions & CallTimeoutOption>("fal.queue.result", endpointId, options);
      const url = resultUrl(endpointId, opts.requestId, bases());
      return requestIdCall("fal.queue.result", opts, { method: "get", url, kind: "result" }, QUEUE_RETRY);
    },

    async cancel(endpointId, options): Promise<void> {
      const opts = requestIdOptions<BaseQueueOptions & CallTimeoutOption>("fal.queue.cancel", endpointId, options);
      const url = cancelUrl(endpointId, opts.requestId, bases());
      await requestIdCall("fal.queue.cancel", opts, { method: "put", url, kind: "void" }, CLIENT_RETRY);
    },
  };
  return queue;
}
