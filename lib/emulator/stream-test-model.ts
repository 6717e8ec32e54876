// `fal-native/stream-test`: a synthetic streaming endpoint for client tests and benchmarks. It
// is reachable only as `POST <run>/fal-native/stream-test/stream` (it has no queue or plain run
// route) and answers with a scripted SSE stream:
//
//   count         number of events (default 10); event i is
//                 {"index":i,"total":count,"final":i===count-1,"text":text,"payload":"xxx..."}
//   intervalMs    pause between events (default 0: as fast as back-pressure allows)
//   payloadBytes  length of the ASCII filler in `payload` (default 0: empty string)
//   text          echoed in every event (default "héllo 🌍 世界", multi-byte on purpose)
//   eventName     when set, every event gets an `event: <eventName>` line
//   chunkBytes    when set, the SSE byte stream is written in pieces of this many bytes,
//                 splitting events and UTF-8 characters across writes (pieces span events
//                 when events are back to back)
//   chunkDelayMs  pause between those pieces (default 0: one setImmediate)
//   malformed     index of one event whose data is cut short (not valid JSON)
//   stallAfter    stop after this many events but keep the connection open (idle-timeout tests)
//   failAfter     after this many events the "app" fails: with failMode "event" (default) one
//                 more event carries an app-level error payload
//                 {"index":n,"detail":"Runner disconnected","error_type":"runner_disconnected"}
//                 and the response ends normally; with failMode "drop" the connection is cut
//                 with no terminating chunk (an abrupt close)
//
// Unknown fields are ignored; out-of-range values get the usual pydantic-style 422 before the
// stream starts.

import type { InputSchema } from "./schema";

export const STREAM_TEST_ENDPOINT = "fal-native/stream-test";

export const STREAM_TEST_DESCRIPTION =
  "Synthetic SSE endpoint for tests and benchmarks: count, intervalMs, payloadBytes, text, eventName, " +
  "chunkBytes, chunkDelayMs, malformed, stallAfter, failAfter, failMode (see stream-test-model.ts).";

const MAX_EVENTS = 10_000_000;

export const STREAM_TEST_INPUT: InputSchema = {
  count: { type: "integer", default: 10, ge: 0, le: MAX_EVENTS },
  intervalMs: { type: "integer", default: 0, ge: 0, le: 600_000 },
  payloadBytes: { type: "integer", default: 0, ge: 0, le: 16 * 1024 * 1024 },
  text: { type: "string", default: "héllo 🌍 世界", maxLength: 100_000 },
  eventName: { type: "string", maxLength: 200 },
  chunkBytes: { type: "integer", ge: 1, le: 16 * 1024 * 1024 },
  chunkDelayMs: { type: "integer", default: 0, ge: 0, le: 60_000 },
  malformed: { type: "integer", ge: 0 },
  stallAfter: { type: "integer", ge: 0 },
  failAfter: { type: "integer", ge: 0 },
  failMode: { type: "enum", values: ["event", "drop"], default: "event" },
};

export interface StreamTestScript {
  count: number;
  intervalMs: number;
  payloadBytes: number;
  text: string;
  eventName?: string;
  chunkBytes?: number;
  chunkDelayMs: number;
  malformed?: number;
  stallAfter?: number;
  failAfter?: number;
  failMode: "event" | "drop";
}

/** The validated input (defaults filled in) as a script. */
export function toScript(input: Record<string, unknown>): StreamTestScript {
  const optionalNumber = (value: unknown) => (typeof value === "number" ? value : undefined);
  return {
    count: input.count as number,
    intervalMs: input.intervalMs as number,
    payloadBytes: input.payloadBytes as number,
    text: input.text as string,
    eventName: typeof input.eventName === "string" ? input.eventName : undefined,
    chunkBytes: optionalNumber(input.chunkBytes),
    chunkDelayMs: input.chunkDelayMs as number,
    malformed: optionalNumber(input.malformed),
    stallAfter: optionalNumber(input.stallAfter),
    failAfter: optionalNumber(input.failAfter),
    failMode: input.failMode === "drop" ? "drop" : "event",
  };
}

/** The `data:` text of event `index` (`filler` is the payload string, built once per stream). */
export function eventData(script: StreamTestScript, index: number, filler: string): string {
  if (index === script.malformed) {
    // Cut short: valid UTF-8, invalid JSON.
    return `{"index":${index},"malformed":true,"text":${JSON.stringify(script.text)}`;
  }
  return JSON.stringify({
    index,
    total: script.count,
    final: index === script.count - 1,
    text: script.text,
    payload: filler,
  });
}

/** The app-level error payload sent with failMode "event". */
export function errorEventData(index: number): string {
  return JSON.stringify({ index, detail: "Runner disconnected", error_type: "runner_disconnected" });
}
