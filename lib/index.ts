// Public entry point: the same runtime exports as @fal-ai/client, plus fal-native additions.
import type { Config } from "../types/config";
import type { FalClient, SingletonFalClient } from "../types/client";
import { createFalClient } from "./api/client";

export { createFalClient } from "./api/client";
export { withMiddleware, withProxy } from "./core/middleware";
export { ApiError, ValidationError } from "./core/errors";
export { isRetryableError } from "./core/retry";
export { parseEndpointId } from "./core/endpoint";
export { isQueueStatus, isCompletedQueueStatus } from "./api/queue-status";

// Types exported by @fal-ai/client.
export type { TokenProvider } from "../types/auth";
export type { FalClient } from "../types/client";
export type { ProxyUrlConfig } from "../types/config";
export type { ProxyRuntimeEnv, ProxyRuntimeGate, RequestMiddleware, RequestProxyConfig } from "../types/middleware";
export type { QueueClient } from "../types/queue";
export type { RealtimeClient } from "../types/realtime";
export type { ResponseHandler } from "../types/response";
export type { RetryOptions } from "../types/retry";
export type { StorageACL, StorageACLRule, StorageClient, StorageSettings } from "../types/storage";
export type { FalStream, StreamingClient } from "../types/streaming";
export type { OutputType } from "../types/endpoint";
export type {
  Result,
  RunOptions,
  UrlOptions,
  RequestLog,
  Metrics,
  InQueueQueueStatus,
  InProgressQueueStatus,
  CompletedQueueStatus,
  QueueStatus,
  ValidationErrorInfo,
  WebHookResponse,
} from "../types/common";

// fal-native additions.
export { TransportError } from "./core/errors";
export type { Config, BaseUrls, CredentialsResolver } from "../types/config";
export type { EndpointType, InputType, UploadableInput } from "../types/endpoint";
export type { EndpointTypeMap } from "../types/endpoints";
export type { RequestConfig } from "../types/middleware";
export type {
  QueuePriority,
  QueueSubscribeOptions,
  SubmitOptions,
  QueueStatusOptions,
  BaseQueueOptions,
  QueueStatusSubscriptionOptions,
  QueueStatusStreamOptions,
} from "../types/queue";
export type { StreamOptions, StreamingConnectionMode } from "../types/streaming";
export type { RealtimeConnection, RealtimeConnectionHandler } from "../types/realtime";
export type { UploadOptions, UploadInput, DownloadOptions, DownloadedFile } from "../types/storage";

/**
 * The default client, for code written against the pre-1.0 API. `fal.config()` replaces the client
 * behind it (it does not merge with earlier calls); every member forwards to the current one.
 */
export const fal: SingletonFalClient = (function createSingletonFalClient() {
  let current: FalClient = createFalClient();
  return {
    config(config: Config) {
      current = createFalClient(config);
    },
    get queue() {
      return current.queue;
    },
    get realtime() {
      return current.realtime;
    },
    get storage() {
      return current.storage;
    },
    get streaming() {
      return current.streaming;
    },
    run(endpointId, options) {
      return current.run(endpointId, options);
    },
    subscribe(endpointId, options) {
      return current.subscribe(endpointId, options);
    },
    stream(endpointId, options) {
      return current.stream(endpointId, options);
    },
  } as SingletonFalClient;
})();
