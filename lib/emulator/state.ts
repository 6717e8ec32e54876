// What the route handlers share.

import type { FileStore } from "./files";
import type { JobQueue } from "./queue";
import type { StreamRegistry } from "./stream-stats";
import type { ConnectionStats, ResolvedTiming } from "./types";
import type { UploadStore } from "./uploads";
import type { WebhookDispatcher } from "./webhooks";

export interface EmulatorState {
  queue: JobQueue;
  files: FileStore;
  /** Initiated storage uploads, by the token in their upload_url. */
  uploads: UploadStore;
  /** When set, only `Authorization: Key <apiKey>` is accepted. */
  apiKey?: string;
  /** Timing knobs; the status stream reads keepAliveMs. */
  timing: ResolvedTiming;
  /** Stats of every SSE response (Emulator.streams). */
  streams: StreamRegistry;
  /** Connections accepted, by protocol (the health check shows them). */
  connections: ConnectionStats;
  /** Outbound webhooks and the JWKS that verifies them (webhooks.ts). */
  webhooks: WebhookDispatcher;
}
