// fal.stream over real loopback HTTP against the emulator (and small raw servers for framing
// edge cases): event order and content, done(), abort, idle timeout, HTTP errors, malformed
// events, UTF-8 split across reads, back-pressure and raw (non-SSE) bodies.
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { createFalClient, ApiError, ValidationError, TransportError } = require("../../dist/lib/index.js");
const { startEmulator } = require("../../dist/lib/emulator/index.js");
const { sleep, waitFor } = require("../helpers/wait");
const { runNode } = require("../helpers/run-node");

const TEST_MODEL = "fal-native/stream-test";
const TEXT = "héllo 🌍 世界 ✓";

let emu;
let fal;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, quiet: true, timing: { queueMs: 50, stepMs: 30, steps: 3 } });
  fal = createFalClient({ credentials: "test-key", baseUrls: emu.urls });
});

afterAll(async () => {
  await emu.close();
});

const streamFor = (requestId) => emu.streams.find((s) => s.requestId === requestId);

async function collect(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("fal.stream against the emulator", () => {
  test("yields every event in order with its content, and done() resolves with the last", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 40, text: TEXT, payloadBytes: 20 } });
    const events = await collect(stream);
    expect(events.map((e) => e.index)).toEqual([...Array(40).keys()]);
    for (const event of events) {
      expect(event.text).toBe(TEXT);
      expect(event.payload).toHaveLength(20);
    }
    const last = await stream.done();
    expect(last).toEqual(events[39]);
    expect(last.final).toBe(true);
    expect(typeof stream.requestId).toBe("string");
    expect(stream.requestId.length).toBeGreaterThan(0);
    expect(stream.url).toBe(`${emu.urls.run}/${TEST_MODEL}/stream`);
  });

  test("a streaming seed model sends partial previews, then the final output", async () => {
    const stream = await fal.stream("fal-ai/hidream-i1-fast", { input: { prompt: "a lighthouse" } });
    const seen = [];
    let doneEvent;
    stream.on("data", (event) => seen.push(event));
    stream.on("done", (event) => (doneEvent = event));
    const result = await stream.done();
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.slice(0, -1).every((e) => e.partial === true)).toBe(true);
    expect(result).toBe(seen[seen.length - 1]);
    expect(doneEvent).toBe(result);
    expect(result.images[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
    expect(result.partial).toBeUndefined();
  });

  test("multi-byte UTF-8 characters split across reads arrive intact", async () => {
    // 1-byte and 3-byte pieces cut every character (and every line ending) somewhere.
    for (const chunkBytes of [1, 3]) {
      const stream = await fal.stream(TEST_MODEL, { input: { count: 6, text: TEXT, chunkBytes } });
      const events = await collect(stream);
      expect(events.map((e) => e.text)).toEqual(Array(6).fill(TEXT));
      const stats = streamFor(stream.requestId);
      expect(stats.writes).toBeGreaterThan(events.length * 10); // it really was written in pieces
    }
  });

  test("named events are JSON-parsed like unnamed ones", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 3, eventName: "partial" } });
    expect((await collect(stream)).map((e) => e.index)).toEqual([0, 1, 2]);
  });

  test("abort() mid-stream stops the transfer and done() resolves with the last event", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 100000, intervalMs: 2 } });
    const seen = [];
    stream.on("data", (event) => {
      seen.push(event);
      if (seen.length === 5) stream.abort("enough");
    });
    const last = await stream.done();
    expect(last.index).toBe(4);
    expect(stream.signal.aborted).toBe(true);
    const stats = streamFor(stream.requestId);
    await waitFor(() => stats.clientClosed, "stats.clientClosed", 5000);
    const written = stats.eventsWritten;
    await sleep(200);
    expect(stats.eventsWritten).toBe(written); // the server is no longer sending
    expect(written).toBeLessThan(1000);
    expect(seen.length).toBe(5); // nothing is delivered after abort
  });

  test("a user AbortSignal aborts the stream", async () => {
    const controller = new AbortController();
    const stream = await fal.stream(TEST_MODEL, { input: { count: 100000, intervalMs: 2 }, signal: controller.signal });
    const events = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 3) controller.abort();
    }
    expect(events).toHaveLength(3);
    expect((await stream.done()).index).toBe(2);
    await waitFor(() => streamFor(stream.requestId).clientClosed, "streamFor(stream.requestId).clientClosed", 5000);
  });

  test("the idle timeout fires when the server stops sending", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 10, stallAfter: 3 }, timeout: 300 });
    const seen = [];
    stream.on("data", (event) => seen.push(event.index));
    const error = await stream.done().then(
      () => undefined,
      (err) => err,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(408);
    expect(error.message).toMatch(/timed out after 0 seconds with no messages/);
    expect(error.requestId).toBe(stream.requestId);
    expect(seen).toEqual([0, 1, 2]);
    await waitFor(() => streamFor(stream.requestId).clientClosed, "streamFor(stream.requestId).clientClosed", 5000);
  });

  test("a slow consumer is not an idle server: the timeout does not fire while iteration lags", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 3000, payloadBytes: 2000 }, timeout: 300 });
    let n = 0;
    for await (const event of stream) {
      if (n++ === 0) await sleep(700); // the transfer is paused meanwhile, not idle
      expect(event.index).toBe(n - 1);
    }
    expect(n).toBe(3000);
  });

  test("HTTP errors before the stream become ValidationError / ApiError", async () => {
    const bad = await fal.stream(TEST_MODEL, { input: { count: -1 } });
    const errors = [];
    bad.on("error", (err) => errors.push(err));
    const validation = await bad.done().catch((err) => err);
    expect(validation).toBeInstanceOf(ValidationError);
    expect(validation.status).toBe(422);
    expect(validation.body.detail[0].loc).toContain("count");
    expect(errors).toEqual([validation]);

    const failing = createFalClient({
      credentials: "test-key",
      baseUrls: emu.urls,
      requestMiddleware: async (req) => ({ ...req, headers: { ...req.headers, "x-fal-emulator-scenario": "fail-500" } }),
    });
    const stream = await failing.stream(TEST_MODEL, { input: { count: 2 } });
    const error = await stream.done().catch((err) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(500);

    const guarded = await startEmulator({ port: 0, quiet: true, apiKey: "right-key" });
    try {
      const unauthorized = createFalClient({ credentials: "wrong-key", baseUrls: guarded.urls });
      const denied = await (await unauthorized.stream(TEST_MODEL, { input: {} })).done().catch((err) => err);
      expect(denied).toBeInstanceOf(ApiError);
      expect(denied.status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  test("an event whose data is not JSON fails the stream after the good ones", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 20, malformed: 2 } });
    const events = [];
    const error = await (async () => {
      try {
        for await (const event of stream) events.push(event.index);
      } catch (err) {
        return err;
      }
    })();
    expect(events).toEqual([0, 1]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/not JSON/);
    expect(typeof error.body).toBe("string"); // the raw data, for diagnosis
    await expect(stream.done()).rejects.toBe(error);
  });

  test("a connection dropped mid-stream is a TransportError after the delivered events", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 20, failAfter: 4, failMode: "drop" } });
    const seen = [];
    stream.on("data", (event) => seen.push(event.index));
    const error = await stream.done().catch((err) => err);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(error).toBeInstanceOf(TransportError);
  });

  test("a slow for-await loop pauses the transfer instead of buffering", async () => {
    // 10000 events of ~4 KiB: 40 MiB, far above the 1 MiB high-water mark and what loopback
    // socket buffers (a few MiB each way) can hold.
    const stream = await fal.stream(TEST_MODEL, { input: { count: 10000, payloadBytes: 4096 } });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value.index).toBe(0);
    const stats = await waitFor(() => streamFor(stream.requestId), "streamFor(stream.requestId)", 5000);
    await sleep(600);
    const writtenWhilePaused = stats.eventsWritten;
    // Socket buffers hold some, but nowhere near all 10000 events.
    expect(writtenWhilePaused).toBeLessThan(5000);
    await sleep(300);
    expect(stats.eventsWritten).toBe(writtenWhilePaused); // the server is waiting for us
    let n = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      expect(next.value.index).toBe(n++);
    }
    expect(n).toBe(10000);
  });

  test("breaking out of for-await lets the stream finish; done() resolves with the last event", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 500, payloadBytes: 4096 } });
    for await (const event of stream) {
      if (event.index === 2) break;
    }
    const last = await stream.done();
    expect(last.index).toBe(499);
  });

  test("events are delivered to JS in batches, not one wake-up per event", async () => {
    const stream = await fal.stream(TEST_MODEL, { input: { count: 2000 } });
    let events = 0;
    let ticks = 0;
    let lastTick = -1;
    let tick = 0;
    const timer = setInterval(() => tick++, 0);
    stream.on("data", () => {
      events++;
      if (tick !== lastTick) {
        ticks++;
        lastTick = tick;
      }
    });
    await stream.done();
    clearInterval(timer);
    expect(events).toBe(2000);
    expect(ticks).toBeLessThan(events / 5);
  });

  test("bad options reject with a TypeError naming the option", async () => {
    await expect(fal.stream(TEST_MODEL, { timeout: "soon" })).rejects.toThrow(/fal\.stream: options\.timeout must be/);
    await expect(fal.stream(TEST_MODEL, { connectionMode: "browser" })).rejects.toThrow(/options\.connectionMode/);
    await expect(fal.stream(TEST_MODEL, { queryParams: { a: 1 } })).rejects.toThrow(/options\.queryParams\["a"\] must be a string/);
    await expect(fal.stream("", {})).rejects.toThrow(/endpointId/);
    const stream = await fal.stream(TEST_MODEL, { input: { count: 1 } });
    expect(() => stream.on("data", "nope")).toThrow(TypeError);
    await stream.done();
  });

  test("client connection mode sends a temporary token and no key", async () => {
    const providerCalls = [];
    const tokenClient = createFalClient({ credentials: "test-key", baseUrls: emu.urls });
    const token = await (async () => {
      // The emulator's token route, as a backend would call it for its browser clients.
      const res = await fetch(`${emu.urls.rest}/tokens/`, {
        method: "POST",
        headers: { authorization: "Key test-key", "content-type": "application/json" },
        body: JSON.stringify({ allowed_apps: ["stream-test"], token_expiration: 60 }),
      });
      return res.json();
    })();
    const stream = await tokenClient.stream(TEST_MODEL, {
      input: { count: 3 },
      connectionMode: "client",
      tokenProvider: async (app) => {
        providerCalls.push(app);
        return token;
      },
    });
    expect((await collect(stream)).map((e) => e.index)).toEqual([0, 1, 2]);
    expect(providerCalls).toEqual([`${TEST_MODEL}/stream`]);
    const request = emu.requests.filter((r) => r.path === `/run/${TEST_MODEL}/stream`).pop();
    expect(request.query.fal_jwt_token).toBe(token);
    expect(request.headers.authorization).toBeUndefined();

    // Without a provider the client asks the token route itself.
    const before = emu.requests.filter((r) => r.path === "/rest/tokens/").length;
    const viaDefault = await tokenClient.stream(TEST_MODEL, { input: { count: 2 }, connectionMode: "client" });
    expect((await viaDefault.done()).index).toBe(1);
    expect(emu.requests.filter((r) => r.path === "/rest/tokens/").length).toBe(before + 1);
  });
});

describe("fal.stream framing against raw servers", () => {
  // A server that writes the given pieces with a pause between them, so each arrives as its own read.
  async function rawServer(contentType, pieces, status = 200) {
    const server = http.createServer(async (req, res) => {
      req.resume();
      res.writeHead(status, { "content-type": contentType, "x-fal-request-id": "raw-1" });
      for (const piece of pieces) {
        res.write(piece);
        await sleep(15);
      }
      res.end();
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${server.address().port}/stream`, close: () => new Promise((r) => server.close(r)) };
  }

  test("CR, LF and CRLF line endings, comments, multi-line data and a BOM", async () => {
    const pieces = [
      "\uFEFF: keep-alive\r\n",
      "data: {\"a\":\r",
      "\ndata: 1}\r\n\r",
      "\n",
      "event: partial\rdata: {\"b\":2}\r\r",
      "id: 7\nretry: 10\ndata:{\"c\":\"",
      "\u00e9\"}\n\n",
      "data: {\"unterminated\":true}\n", // no blank line before the end: dropped, as EventSource does
    ];
    const server = await rawServer("text/event-stream; charset=utf-8", pieces);
    try {
      const stream = await fal.stream(TEST_MODEL, { url: server.url, input: { x: 1 } });
      expect(await collect(stream)).toEqual([{ a: 1 }, { b: 2 }, { c: "é" }]);
      expect(await stream.done()).toEqual({ c: "é" });
      expect(stream.requestId).toBe("raw-1");
    } finally {
      await server.close();
    }
  });

  test("a body that is not an event stream arrives as raw chunks", async () => {
    const server = await rawServer("application/octet-stream", [Buffer.from([1, 2, 3]), Buffer.from([4, 5])]);
    try {
      const stream = await fal.stream(TEST_MODEL, { url: server.url, input: { x: 1 } });
      const chunks = await collect(stream);
      expect(Buffer.concat(chunks)).toEqual(Buffer.from([1, 2, 3, 4, 5]));
      expect(chunks.every((c) => c instanceof Uint8Array)).toBe(true);
      expect(await stream.done()).toBe(chunks[chunks.length - 1]);
    } finally {
      await server.close();
    }
  });

  test("a failing stream nobody awaits causes no unhandled rejection", async () => {
    const script = `
      const { createFalClient } = require(${JSON.stringify(require.resolve("../../dist/lib/index.js"))});
      const { startEmulator } = require(${JSON.stringify(require.resolve("../../dist/lib/emulator/index.js"))});
      process.on("unhandledRejection", (err) => { console.log("UNHANDLED " + err); process.exit(3); });
      (async () => {
        const emu = await startEmulator({ port: 0, quiet: true });
        const fal = createFalClient({ credentials: "k", baseUrls: emu.urls });
        await fal.stream("${TEST_MODEL}", { input: { count: -1 } }); // 422, never awaited
        const s = await fal.stream("${TEST_MODEL}", { input: { count: 5, malformed: 1 } });
        for await (const e of s) {} // throws, handled below
      })().catch((err) => console.log("CAUGHT " + err.constructor.name)).finally(async () => {
        await new Promise((r) => setTimeout(r, 300));
        console.log("EXIT CLEAN");
        process.exit(0);
      });
    `;
    const file = path.join(os.tmpdir(), `fal-native-unhandled-stream-${process.pid}.js`);
    fs.writeFileSync(file, script);
    const result = await runNode(file);
    fs.rmSync(file, { force: true });
    expect(result.stdout).toContain("CAUGHT ApiError");
    expect(result.stdout).toContain("EXIT CLEAN");
    expect(result.stdout).not.toContain("UNHANDLED");
    expect(result.code).toBe(0);
  });
});
