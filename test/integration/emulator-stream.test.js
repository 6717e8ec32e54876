// The emulator's SSE routes over raw loopback HTTP (node:http and node:net, no fal client):
// run streaming (`<run>/<id>/stream`) for HiDream and the scripted fal-native/stream-test
// endpoint, and the queue status stream (`.../requests/<id>/status/stream`).
"use strict";

const http = require("node:http");
const net = require("node:net");
const { startEmulator, STREAM_TEST_ENDPOINT } = require("../../dist/lib/emulator");
const { sleep, waitFor } = require("../helpers/wait");

const API_KEY = "stream-key";
const AUTH = { authorization: `Key ${API_KEY}` };
const HIDREAM = "fal-ai/hidream-i1-full";
const TEXT = "héllo 🌍 世界";

/** Requests run in a few tens of ms. */
let emu;
/** One runner, a long queue wait and frequent keep-alives, for the status stream. */
let slow;

beforeAll(async () => {
  [emu, slow] = await Promise.all([
    startEmulator({ apiKey: API_KEY, quiet: true, maxImageSide: 64, timing: { queueMs: 5, stepMs: 10, steps: 3, runners: 4 } }),
    startEmulator({
      apiKey: API_KEY,
      quiet: true,
      maxImageSide: 64,
      timing: { queueMs: 1500, stepMs: 60, steps: 3, runners: 1, keepAliveMs: 100 },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([emu.close(), slow.close()]);
});

// ---- helpers ----

/** Incremental SSE parser: feed decoded text, get {events: [{event, data}], comments: [text]}. */
function sseParser() {
  let pending = "";
  const events = [];
  const comments = [];
  return {
    events,
    comments,
    feed(text) {
      pending += text;
      let start = 0;
      let end;
      while ((end = pending.indexOf("\n\n", start)) >= 0) {
        const block = pending.slice(start, end);
        start = end + 2;
        const event = { event: undefined, data: undefined };
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments.push(line.slice(1).trim());
          else if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("data: ")) event.data = event.data === undefined ? line.slice(6) : `${event.data}\n${line.slice(6)}`;
        }
        if (event.data !== undefined) events.push(event);
      }
      pending = pending.slice(start);
    },
    get rest() {
      return pending;
    },
  };
}

/**
 * Starts a request and resolves with the response once headers arrive: {res, status, headers,
 * sse (live parser), ended (promise of {complete}), request}. The body is consumed as UTF-8 text
 * unless `manual` is set (then the caller reads `res` itself).
 */
function openStream(url, { method = "POST", body, headers = {}, manual = false } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = http.request(url, {
      method,
      agent: false,
      headers: {
        ...AUTH,
        accept: "text/event-stream",
        ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
        ...headers,
      },
    });
    request.on("error", reject);
    request.on("response", (res) => {
      const sse = sseParser();
      const chunks = [];
      const ended = new Promise((done) => {
        res.on("close", () => done({ complete: res.complete }));
        res.on("error", () => {});
      });
      if (!manual) {
        res.setEncoding("utf8");
        res.on("data", (text) => {
          chunks.push(text);
          sse.feed(text);
        });
      }
      resolve({ request, res, status: res.statusCode, headers: res.headers, sse, chunks, ended });
    });
    request.end(payload);
  });
}

/** A whole non-streamed JSON answer. */
async function jsonAnswer(url, options) {
  const opened = await openStream(url, options);
  await opened.ended;
  return { status: opened.status, headers: opened.headers, body: JSON.parse(opened.chunks.join("")) };
}

const streamUrl = (target, endpointId) => `${target.urls.run}/${endpointId}/stream`;
const statsFor = (target, requestId) => target.streams.find((stats) => stats.requestId === requestId);
const parsed = (events) => events.map((event) => JSON.parse(event.data));

// ---- run streaming: fal-native/stream-test ----

describe("run stream: fal-native/stream-test", () => {
  test("events arrive in order with their index, text and payload, then the stream ends", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 5, payloadBytes: 32, text: TEXT } });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    const requestId = stream.headers["x-fal-request-id"];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stream.ended).toEqual({ complete: true });

    const data = parsed(stream.sse.events);
    expect(data.map((event) => event.index)).toEqual([0, 1, 2, 3, 4]);
    for (const event of data) {
      expect(event).toEqual({ index: event.index, total: 5, final: event.index === 4, text: TEXT, payload: "x".repeat(32) });
    }
    expect(stream.sse.events.every((event) => event.event === undefined)).toBe(true);
    expect(stream.sse.rest).toBe("");

    const stats = statsFor(emu, requestId);
    expect(stats).toMatchObject({ kind: "run", endpointId: STREAM_TEST_ENDPOINT, eventsWritten: 5, finished: true, clientClosed: false, paused: false });
    expect(stats.bytesWritten).toBe(Buffer.byteLength(stream.chunks.join("")));
  });

  test("eventName adds an `event:` line to every event; the path form <id>/stream is what addresses it", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 3, eventName: "partial" } });
    await stream.ended;
    expect(stream.sse.events.map((event) => event.event)).toEqual(["partial", "partial", "partial"]);
    expect(parsed(stream.sse.events).map((event) => event.index)).toEqual([0, 1, 2]);
  });

  test("10,000 back-to-back events all arrive, in order", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 10_000, payloadBytes: 100 } });
    expect(await stream.ended).toEqual({ complete: true });
    const indexes = parsed(stream.sse.events).map((event) => event.index);
    expect(indexes.length).toBe(10_000);
    expect(indexes.every((index, position) => index === position)).toBe(true);
    expect(statsFor(emu, stream.headers["x-fal-request-id"]).eventsWritten).toBe(10_000);
  });

  test("malformed: the event at that index carries data that is not JSON; the others are fine", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 4, malformed: 2 } });
    await stream.ended;
    const datas = stream.sse.events.map((event) => event.data);
    expect(datas).toHaveLength(4);
    expect(() => JSON.parse(datas[2])).toThrow(SyntaxError);
    expect(datas[2]).toContain('"index":2');
    expect([0, 1, 3].map((i) => JSON.parse(datas[i]).index)).toEqual([0, 1, 3]);
  });

  test("chunkBytes: the socket receives pieces that cut events and UTF-8 characters, and they reassemble exactly", async () => {
    const body = JSON.stringify({ count: 8, chunkBytes: 7, chunkDelayMs: 2, text: TEXT });
    const { port } = new URL(emu.url);
    const reads = await new Promise((resolve, reject) => {
      const pieces = [];
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.setNoDelay(true);
        socket.write(
          `POST /run/${STREAM_TEST_ENDPOINT}/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Key ${API_KEY}\r\n` +
            `Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      socket.on("data", (piece) => pieces.push(piece));
      socket.on("error", reject);
      socket.on("close", () => resolve(pieces));
    });

    // Undo HTTP/1.1 chunked framing, remembering where each socket read ended in body bytes.
    const raw = Buffer.concat(reads);
    const headerEnd = raw.indexOf("\r\n\r\n") + 4;
    expect(raw.subarray(0, headerEnd).toString()).toMatch(/transfer-encoding: chunked/i);
    const payloadMap = []; // [rawStart, rawEnd, bodyStart]
    const bodyParts = [];
    let at = headerEnd;
    let bodyLength = 0;
    for (;;) {
      const lineEnd = raw.indexOf("\r\n", at);
      const size = parseInt(raw.subarray(at, lineEnd).toString(), 16);
      if (size === 0) break;
      const start = lineEnd + 2;
      payloadMap.push([start, start + size, bodyLength]);
      bodyParts.push(raw.subarray(start, start + size));
      bodyLength += size;
      at = start + size + 2;
    }
    const bodyBytes = Buffer.concat(bodyParts);
    const bodyOffsetAtRaw = (rawOffset) => {
      let offset = 0;
      for (const [start, end, bodyStart] of payloadMap) {
        if (rawOffset >= end) offset = bodyStart + (end - start);
        else if (rawOffset > start) return bodyStart + (rawOffset - start);
        else break;
      }
      return offset;
    };
    const readBoundaries = [];
    let rawOffset = 0;
    for (const read of reads.slice(0, -1)) {
      rawOffset += read.length;
      const offset = bodyOffsetAtRaw(rawOffset);
      if (offset > 0 && offset < bodyBytes.length) readBoundaries.push(offset);
    }

    // The whole body is valid UTF-8 and holds the 8 events.
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bodyBytes);
    const sse = sseParser();
    sse.feed(text);
    expect(parsed(sse.events).map((event) => [event.index, event.text])).toEqual([...Array(8).keys()].map((i) => [i, TEXT]));

    // The reads really were separate pieces, many more than events...
    expect(reads.length).toBeGreaterThan(16);
    // ...some ending inside an event (not right after its blank line)...
    const eventEnds = new Set();
    for (let i = bodyBytes.indexOf("\n\n"); i >= 0; i = bodyBytes.indexOf("\n\n", i + 1)) eventEnds.add(i + 2);
    expect(readBoundaries.some((offset) => !eventEnds.has(offset))).toBe(true);
    // ...and some splitting a multi-byte character (the next byte is a UTF-8 continuation byte).
    expect(readBoundaries.some((offset) => (bodyBytes[offset] & 0xc0) === 0x80)).toBe(true);
  });

  test("stallAfter: the events before it arrive, then nothing, with the connection left open", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 10, stallAfter: 3 } });
    const requestId = stream.headers["x-fal-request-id"];
    await waitFor(() => stream.sse.events.length === 3, "3 events");
    await sleep(300);
    expect(stream.sse.events).toHaveLength(3);
    expect(stream.res.complete).toBe(false);
    expect(statsFor(emu, requestId)).toMatchObject({ eventsWritten: 3, finished: false, clientClosed: false });

    stream.request.destroy();
    await waitFor(() => statsFor(emu, requestId).clientClosed, "the emulator to see the client leave");
    expect(statsFor(emu, requestId)).toMatchObject({ eventsWritten: 3, finished: false });
  });

  test("failAfter: an app-level error payload as a normal event, then the response ends", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 10, failAfter: 2 } });
    expect(stream.status).toBe(200);
    expect(await stream.ended).toEqual({ complete: true });
    expect(parsed(stream.sse.events)).toEqual([
      expect.objectContaining({ index: 0 }),
      expect.objectContaining({ index: 1 }),
      { index: 2, detail: "Runner disconnected", error_type: "runner_disconnected" },
    ]);
  });

  test("failAfter with failMode drop: the connection is cut mid-body (no terminating chunk)", async () => {
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: 10, failAfter: 2, failMode: "drop" } });
    const requestId = stream.headers["x-fal-request-id"];
    expect(await stream.ended).toEqual({ complete: false });
    expect(parsed(stream.sse.events).map((event) => event.index)).toEqual([0, 1]);
    expect(statsFor(emu, requestId)).toMatchObject({ eventsWritten: 2, finished: true, clientClosed: false });
  });

  test("back-pressure: a client that stops reading stalls the writer well short of the end; resuming gets everything", async () => {
    // 36 MB in all: far more than loopback socket buffers hold (the writer stalls near 4 MB).
    const count = 12_000;
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count, payloadBytes: 3000 }, manual: true });
    stream.res.pause();
    const requestId = stream.headers["x-fal-request-id"];
    const stats = statsFor(emu, requestId);

    // Wait until the writer is parked on 'drain' and has stopped making progress.
    let previous = -1;
    await waitFor(
      async () => {
        const now = stats.eventsWritten;
        const settled = stats.paused && now === previous;
        previous = now;
        if (!settled) await sleep(150);
        return settled;
      },
      "the writer to stall",
      20_000,
    );
    const stalledAt = stats.eventsWritten;
    expect(stalledAt).toBeLessThan(count / 2);
    expect(stats.finished).toBe(false);
    await sleep(200);
    expect(stats.eventsWritten).toBe(stalledAt);

    const sse = sseParser();
    stream.res.setEncoding("utf8");
    stream.res.on("data", (text) => sse.feed(text));
    stream.res.resume();
    expect(await stream.ended).toEqual({ complete: true });
    expect(sse.events).toHaveLength(count);
    expect(JSON.parse(sse.events[count - 1].data)).toMatchObject({ index: count - 1, final: true });
    expect(stats).toMatchObject({ eventsWritten: count, finished: true, paused: false });
    expect(stats.pauses).toBeGreaterThan(0);
  });

  test("client disconnect: the emulator notices and stops writing", async () => {
    const count = 100_000;
    const stream = await openStream(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count, intervalMs: 2 } });
    const requestId = stream.headers["x-fal-request-id"];
    await waitFor(() => stream.sse.events.length >= 3, "3 events");
    stream.request.destroy();

    const stats = statsFor(emu, requestId);
    await waitFor(() => stats.clientClosed, "the emulator to see the client leave");
    const written = stats.eventsWritten;
    await sleep(200);
    expect(stats.eventsWritten).toBe(written);
    expect(written).toBeLessThan(count);
    expect(stats.finished).toBe(false);
  });

  test("bad input is a 422 JSON response before any stream, and opens no stream", async () => {
    const streamsBefore = emu.streams.length;
    const answer = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { count: "many", failMode: "explode" } });
    expect(answer.status).toBe(422);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.body.detail.map((issue) => issue.loc)).toEqual([
      ["body", "count"],
      ["body", "failMode"],
    ]);
    const lineBreak = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: { eventName: "a\ndata: x" } });
    expect(lineBreak.status).toBe(422);
    expect(lineBreak.body.detail[0].loc).toEqual(["body", "eventName"]);
    expect(emu.streams.length).toBe(streamsBefore);
  });

  test("scenario header fail-500 / fail-503 / fail-422 answers the error as JSON instead of a stream", async () => {
    const fail500 = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: {}, headers: { "x-fal-emulator-scenario": "fail-500" } });
    expect(fail500).toMatchObject({ status: 500, body: { detail: "Internal Server Error" } });
    const fail503 = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: {}, headers: { "x-fal-emulator-scenario": "fail-503" } });
    expect(fail503).toMatchObject({ status: 503, body: { detail: "Runner disconnected", error_type: "runner_disconnected" } });
    expect(fail503.headers["x-fal-error-type"]).toBe("runner_disconnected");
    const fail422 = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: {}, headers: { "x-fal-emulator-scenario": "fail-422" } });
    expect(fail422.status).toBe(422);
    expect(fail422.body.detail[0].type).toBe("content_policy_violation");
  });
});

// ---- run streaming: HiDream ----

describe("run stream: HiDream I1", () => {
  test("one preview event per step (growing, with progress), then the output as the last event", async () => {
    const stream = await openStream(streamUrl(emu, HIDREAM), { body: { prompt: "a lighthouse", seed: 42, output_format: "png" } });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    const requestId = stream.headers["x-fal-request-id"];
    expect(await stream.ended).toEqual({ complete: true });

    const data = parsed(stream.sse.events);
    expect(data).toHaveLength(4); // steps: 3, then the output
    const previews = data.slice(0, 3);
    expect(previews.map((event) => [event.partial, event.step, event.total_steps])).toEqual([
      [true, 1, 3],
      [true, 2, 3],
      [true, 3, 3],
    ]);
    expect(previews.map((event) => event.progress)).toEqual([0.333, 0.667, 1]);
    const widths = previews.map((event) => event.images[0].width);
    expect(widths[0]).toBeLessThan(widths[1]);
    expect(widths[1]).toBeLessThan(widths[2]);
    for (const event of previews) {
      expect(event).toMatchObject({ seed: 42, prompt: "a lighthouse" });
      expect(event.images[0].url).toMatch(/^data:image\/png;base64,/);
      expect(Buffer.from(event.images[0].url.split(",")[1], "base64").subarray(1, 4).toString()).toBe("PNG");
    }

    const output = data[3];
    expect(output.partial).toBeUndefined();
    expect(output).toMatchObject({ seed: 42, prompt: "a lighthouse", has_nsfw_concepts: [false] });
    expect(output.images[0]).toMatchObject({ content_type: "image/png" });
    const image = await fetch(output.images[0].url);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");

    // The stream ran as a request in the queue, under the same id.
    const status = await jsonAnswer(`${emu.urls.queue}/fal-ai/hidream-i1-full/requests/${requestId}/status`, { method: "GET" });
    expect(status.body).toMatchObject({ status: "COMPLETED", request_id: requestId });
    expect(statsFor(emu, requestId)).toMatchObject({ endpointId: HIDREAM, eventsWritten: 4, finished: true });
  });

  test("a missing prompt is a 422 JSON response, not an event", async () => {
    const answer = await jsonAnswer(streamUrl(emu, HIDREAM), { body: { num_images: 9 } });
    expect(answer.status).toBe(422);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.body.detail.map((issue) => [issue.loc.join("."), issue.type])).toEqual([
      ["body.prompt", "missing"],
      ["body.num_images", "less_than_equal"],
    ]);
    expect(statsFor(emu, answer.headers["x-fal-request-id"])).toBeUndefined();
  });

  test("scenario fail-500 is answered as the JSON error once the request fails, never as a stream", async () => {
    const answer = await jsonAnswer(streamUrl(emu, HIDREAM), { body: { prompt: "x" }, headers: { "x-fal-emulator-scenario": "fail-500" } });
    expect(answer).toMatchObject({ status: 500, body: { detail: "Internal Server Error" } });
    expect(statsFor(emu, answer.headers["x-fal-request-id"])).toBeUndefined();
  });

  test("hanging up mid-stream cancels the request", async () => {
    const stream = await openStream(streamUrl(slow, HIDREAM), { body: { prompt: "a slow one" } });
    const requestId = stream.headers["x-fal-request-id"];
    await waitFor(() => stream.sse.events.length >= 1, "the first preview", 10_000);
    stream.request.destroy();
    await waitFor(() => statsFor(slow, requestId)?.clientClosed, "the emulator to see the client leave");
    const status = await waitFor(async () => {
      const answer = await jsonAnswer(`${slow.urls.queue}/fal-ai/hidream-i1-full/requests/${requestId}/status`, { method: "GET" });
      return answer.body.status === "COMPLETED" && answer.body;
    }, "the request to end", 10_000);
    expect(status.error_type).toBe("client_cancelled");
  });

  test("models without a stream route answer 404 'Path /stream not found'; no key is a 401", async () => {
    const notStreaming = await jsonAnswer(streamUrl(emu, "fal-ai/flux-1/schnell"), { body: { prompt: "x" } });
    expect(notStreaming).toMatchObject({ status: 404, body: { detail: "Path /stream not found" } });
    const unknown = await jsonAnswer(streamUrl(emu, "nobody/nothing"), { body: {} });
    expect(unknown.status).toBe(404);
    const noKey = await jsonAnswer(streamUrl(emu, STREAM_TEST_ENDPOINT), { body: {}, headers: { authorization: "" } });
    expect(noKey.status).toBe(401);
  });
});

// ---- queue status stream ----

async function submit(target, endpointId, input) {
  const answer = await jsonAnswer(`${target.urls.queue}/${endpointId}`, { body: input });
  expect(answer.status).toBe(200);
  return answer.body.request_id;
}

describe("queue status stream", () => {
  test("IN_QUEUE, IN_PROGRESS with new logs only, COMPLETED, then the stream closes; keep-alives while nothing changes", async () => {
    const requestId = await submit(slow, "fal-ai/hidream-i1-fast", { prompt: "status stream" });
    const stream = await openStream(`${slow.urls.queue}/fal-ai/hidream-i1-fast/requests/${requestId}/status/stream?logs=1`, { method: "GET" });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(stream.headers["x-fal-request-id"]).toBe(requestId);
    expect(await stream.ended).toEqual({ complete: true });

    const statuses = parsed(stream.sse.events);
    const sequence = statuses.map((status) => status.status).filter((s, i, all) => s !== all[i - 1]);
    expect(sequence).toEqual(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
    expect(statuses[statuses.length - 1].status).toBe("COMPLETED");
    expect(statuses[0]).toMatchObject({ request_id: requestId, queue_position: 0 });
    expect(statuses[0].status_url).toContain(`/requests/${requestId}/status`);
    expect(statuses[statuses.length - 1].metrics.inference_time).toEqual(expect.any(Number));

    // Logs come as deltas: joined, they are the request's log exactly once each.
    const logs = statuses.filter((status) => status.status !== "IN_QUEUE").flatMap((status) => status.logs);
    const messages = logs.map((log) => log.message);
    expect(messages).toEqual(expect.arrayContaining(["Step 1/3 [33%]", "Step 2/3 [67%]", "Step 3/3 [100%]"]));
    expect(new Set(messages.map((m, i) => `${logs[i].timestamp} ${m}`)).size).toBe(messages.length);
    expect(logs[0]).toEqual({ message: expect.any(String), level: "INFO", source: "USER", timestamp: expect.any(String) });

    // 1.5 s in the queue with keepAliveMs 100: several `: keepalive` comments.
    expect(stream.sse.comments.length).toBeGreaterThanOrEqual(3);
    expect(new Set(stream.sse.comments)).toEqual(new Set(["keepalive"]));
    expect(statsFor(slow, requestId)).toMatchObject({ kind: "status", finished: true, clientClosed: false });
  });

  test("logs=0: only status changes, with logs null, as the polling route shows them", async () => {
    const requestId = await submit(emu, "fal-ai/flux-1/schnell", { prompt: "no logs" });
    const stream = await openStream(`${emu.urls.queue}/fal-ai/flux-1/requests/${requestId}/status/stream?logs=0`, { method: "GET" });
    await stream.ended;
    const statuses = parsed(stream.sse.events);
    expect(statuses[statuses.length - 1].status).toBe("COMPLETED");
    expect(new Set(statuses.map((status) => status.status)).size).toBe(statuses.length);
    for (const status of statuses.filter((s) => s.status !== "IN_QUEUE")) expect(status.logs).toBeNull();
  });

  test("an already completed request gets its COMPLETED status and the stream closes", async () => {
    const requestId = await submit(emu, "fal-ai/flux-1/schnell", { prompt: "done" });
    await waitFor(async () => {
      const answer = await jsonAnswer(`${emu.urls.queue}/fal-ai/flux-1/requests/${requestId}/status`, { method: "GET" });
      return answer.status === 200;
    }, "completion");
    const stream = await openStream(`${emu.urls.queue}/fal-ai/flux-1/schnell/requests/${requestId}/status/stream`, { method: "GET" });
    expect(await stream.ended).toEqual({ complete: true });
    expect(parsed(stream.sse.events).map((status) => status.status)).toEqual(["COMPLETED"]);
  });

  test("unknown ids and wrong apps are 404 JSON, no key is 401, as on the polling route", async () => {
    const unknown = await jsonAnswer(`${emu.urls.queue}/fal-ai/flux-1/requests/00000000-0000-0000-0000-000000000000/status/stream`, { method: "GET" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain("not found");
    const requestId = await submit(emu, "fal-ai/flux-1/schnell", { prompt: "elsewhere" });
    const wrongApp = await jsonAnswer(`${emu.urls.queue}/fal-ai/flux-pro/requests/${requestId}/status/stream`, { method: "GET" });
    expect(wrongApp.status).toBe(404);
    const noKey = await jsonAnswer(`${emu.urls.queue}/fal-ai/flux-1/requests/${requestId}/status/stream`, { method: "GET", headers: { authorization: "" } });
    expect(noKey.status).toBe(401);
  });
});
