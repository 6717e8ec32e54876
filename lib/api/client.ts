// createFalClient: one config, one native engine, and the run/subscribe/queue API on top.
import type { Config } from "../../types/config";
import type { FalClient } from "../../types/client";
import type { CallTimeoutOption, Result, RunOptions } from "../../types/common";
import { createConfig } from "../core/config";
import { Engine } from "../native/engine";
import { ClientNetwork } from "../network/client-network";
import { buildRunHeaders } from "../core/headers";
import { createQueueClient } from "./queue";
import { createRealtimeClient } from "../realtime";
import { mergeRetry, RUN_RETRY } from "../core/retry";
import { createStorageClient } from "../storage/storage-client";
import { createStreamingClient } from "../streaming/streaming-client";
import { subscribe, type SubscribeOptions } from "./subscribe";
import { performCall, type CallContext } from "../core/transport";
import { buildUrl, resolveBaseUrls } from "../core/urls";
import { checkEndpointId, checkOptions, checkOptionTypes, RUN_RULES } from "./validate";

export function createFalClient(userConfig: Config = {}): FalClient {
  const config = createConfig(userConfig);
  // The native client behind the engine starts on the first request, not here.
  const ctx: CallContext = { config, engine: new Engine(new ClientNetwork(config.network)) };
  const storage = createStorageClient(ctx);
  const queue = createQueueClient(ctx, storage);
  const streaming = createStreamingClient(ctx, storage);
  const realtime = createRealtimeClient(ctx);

  async function run<Output>(endpointId: string, options?: RunOptions<any>): Promise<Result<Output>> {
    checkEndpointId("fal.run", endpointId);
    const opts = checkOptions<RunOptions<any> & CallTimeoutOption>("fal.run", options);
    checkOptionTypes("fal.run", opts, RUN_RULES);
    const headers = buildRunHeaders(opts); // validates startTimeout with the official messages
    const bases = resolveBaseUrls(config.baseUrls);
    const input = opts.input ? await storage.transformInput(opts.input) : undefined;
    return performCall(ctx, {
      method: opts.method ?? "post",
      url: buildUrl(endpointId, bases, { method: opts.method, input }),
      headers,
      input,
      retry: mergeRetry(RUN_RETRY, config.retry),
      signal: opts.abortSignal,
      kind: "result",
      api: "fal.run",
      timeout: opts.callTimeout ?? config.callTimeout,
      // A run answers only once the model has run (minutes at times): no first-byte stall.
      awaitsModel: true,
    });
  }

  return {
    queue,
    realtime,
    storage,
    streaming,
    stream: streaming.stream,
    run: run as FalClient["run"],
    subscribe: ((endpointId: string, options: SubscribeOptions) =>
      subscribe(ctx, queue, storage, endpointId, options)) as FalClient["subscribe"],
  };
}
