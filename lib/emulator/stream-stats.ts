// The list behind Emulator.streams: one mutable StreamStats per SSE response, newest last.
// Entries are live objects updated by the writer (sse.ts), so a test can hold one and watch it.

import type { StreamStats } from "./types";

/** Oldest entries are dropped beyond this many, so a long benchmark cannot grow it forever. */
export const MAX_RECORDED_STREAMS = 1000;

export class StreamRegistry {
  readonly list: StreamStats[] = [];

  open(kind: StreamStats["kind"], requestId: string, endpointId: string): StreamStats {
    const stats: StreamStats = {
      kind,
      requestId,
      endpointId,
      startedAt: Date.now(),
      eventsWritten: 0,
      commentsWritten: 0,
      bytesWritten: 0,
      writes: 0,
      paused: false,
      pauses: 0,
      clientClosed: false,
      finished: false,
    };
    this.list.push(stats);
    if (this.list.length > MAX_RECORDED_STREAMS) this.list.splice(0, this.list.length - MAX_RECORDED_STREAMS);
    return stats;
  }
}
