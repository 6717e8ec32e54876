// fal.stream and the stream opener shared with queue.streamStatus: options -> one native
// streaming request -> a FalStream. Server mode goes through credentials, middleware and proxy
// like any call; client mode fetches a temporary token and sends no key at all.
import type { StreamingClient, StreamOptions, FalStream } from "../../types/streaming";
import type { StorageClient } from "../../types/storage";
import { ensureEndpointIdFormat } from "../core/endpoint";
import { settleRecord } from "../native/settle";
import { requestSpec, streamSpec as nativeStreamSpec, type StreamRequestSpec } from "../native/spec";
import { mergeRetry } from "../core/retry";
import { NativeFalStream } from "./fal-stream";
import { getTemporaryAuthToken } from "../core/token";
import { buildRequestSpec, type CallContext } from "../core/transport";
import { buildUrl, resolveBaseUrls } from "../core/urls";
import { checkEndpointId, checkOptions, checkOptionTypes, describeValue, STREAM_RULES } from "../api/validate";

const EVENT_STREAM = "text/event-stream";

/**
 * Unacknowledged bytes the I/O thread may hand over before it pauses the transfer. Everything
 * handed over in one go is turned into JS strings and parsed in one event-loop turn: with 1 MiB a
 * fast stream held the loop for 10-35 ms at a time (stream bench, 10,000 events); 32 KiB keeps
 * those turns to a few ms and costs no throughput, since on("data") consumers acknowledge at once.
 * An event larger than this still goes through whole (the check comes before each read).
 */
const HIGH_WATER_MARK = 32 * 1024;

/** "/stream" unless the id already ends with it (official resolveEndpointPath). */
function streamPath(endpointId: string): string {
  return endpointId.endsWith("/stream") ? "" : "/stream";
}

export function defaultStreamUrl(ctx: CallContext, endpointId: string, queryParams?: Record<string, string>): string {
  const bases = resolveBaseUrls(ctx.config.baseUrls);
  // GET input is not put in the query for streams (only queryParams), as officially.
  return buildUrl(endpointId, bases, { path: streamPath(endpointId), query: queryParams });
}

function checkStreamOptions(api: string, endpointId: unknown, options: unknown): StreamOptions<any> {
  checkEndpointId(api, endpointId);
  const opts = checkOptions<StreamOptions<any>>(api, options);
  checkOptionTypes(api, opts as Record<string, unknown>, STREAM_RULES);
  if (opts.queryParams !== undefined) {
    for (const [key, value] of Object.entries(opts.queryParams)) {
      if (typeof value !== "string") {
        throw new TypeError(`${api}: options.queryParams[${JSON.stringify(key)}] must be a string, got ${describeValue(value)}`);
      }
    }
  }
  return opts;
}

type OpenParams = {
  url: string;
  input: unknown;
  /** The id a client-mode token is requested for (endpoint id without path). */
  tokenApp: string;
};

async function streamSpec(ctx: CallContext, stream: NativeFalStream<any, any>, params: OpenParams): Promise<StreamRequestSpec> {
  const { options } = stream;
  const method = (options.method ?? "post").toUpperCase();
  const accept = options.accept ?? EVENT_STREAM;
  // Only transport failures before the response are retried (the native job never retries once
  // the body started); statuses are not, since the official stream handler never throws.
  const retry = { ...mergeRetry({}, ctx.config.retry), retryableStatusCodes: [] };
  let request;
  if (options.connectionMode === "client") {
    const token = options.tokenProvider
      ? await options.tokenProvider(`${ensureEndpointIdFormat(params.tokenApp)}${streamPath(params.tokenApp)}`)
      : await getTemporaryAuthToken(ctx, params.tokenApp, { signal: stream.signal });
    if (typeof token !== "string" || token === "") {
      throw new TypeError(`fal.stream: tokenProvider must resolve to a non-empty token string, got ${describeValue(token)}`);
    }
    const url = new URL(params.url);
    url.searchParams.set("fal_jwt_token", token);
    const body = method !== "GET" && params.input ? JSON.stringify(params.input) : undefined;
    request = requestSpec({
      method,
      methodWhat: "fal.stream: options.method",
      url: url.toString(),
      // No Authorization: the token in the URL is the credential.
      headers: { accept, "content-type": "application/json" },
      ...(body !== undefined ? { body } : {}),
      retry,
      awaitsModel: true,
    });
  } else {
    request = await buildRequestSpec(ctx.config, {
      method,
      url: params.url,
      headers: { accept },
      input: params.input,
      retry,
      kind: "json",
      awaitsModel: true,
    });
  }
  return nativeStreamSpec(request, options.timeout ?? 0, HIGH_WATER_MARK);
}

/** Starts one stream; the FalStream is returned at once and fails through its own events. */
export function openStream<Input, Output>(
  ctx: CallContext,
  endpointId: string,
  options: StreamOptions<Input>,
  params: OpenParams,
): FalStream<Input, Output> {
  const stream = new NativeFalStream<Input, Output>(endpointId, params.url, options, ctx.config.publicConfig);
  streamSpec(ctx, stream, params).then(
    (spec) => {
      if (stream.signal.aborted) return;
      const handle = ctx.engine.stream(spec, stream.signal, stream.onRecord);
      const call = { api: "fal.stream", method: spec.request.method, url: spec.request.url };
      stream.attach(handle, (record, head) => {
        try {
          settleRecord(record, call, { kind: "stream", head, idleTimeout: options.timeout ?? 0 });
          return {};
        } catch (error) {
          return { error };
        }
      });
    },
    (error) => stream.fail(error),
  );
  // FalStream is the official class type (private members included, for assignability to it); a
  // NativeFalStream has every public member and cannot have the official privates.
  return stream as unknown as FalStream<Input, Output>;
}

export function createStreamingClient(ctx: CallContext, storage: StorageClient): StreamingClient {
  return {
    async stream(endpointId: string, options: StreamOptions<any>) {
      const opts = checkStreamOptions("fal.stream", endpointId, options);
      // autoUpload: false keeps Blobs as they are (the official client ignores the option).
      const input = opts.input && opts.autoUpload !== false ? await storage.transformInput(opts.input) : opts.input;
      const url = opts.url ?? defaultStreamUrl(ctx, endpointId, opts.queryParams);
      return openStream(ctx, endpointId, { ...opts, input }, { url, input, tokenApp: endpointId });
    },
  } as StreamingClient;
}
