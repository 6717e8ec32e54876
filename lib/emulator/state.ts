// What the route handlers share.

import type { FileStore } from "./files";
import type { JobQueue } from "./queue";

export interface EmulatorState {
  queue: JobQueue;
  files: FileStore;
  /** When set, only `Authorization: Key <apiKey>` is accepted. */
  apiKey?: string;
}
