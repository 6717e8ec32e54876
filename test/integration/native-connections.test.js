// Connections per host are bounded (issue 11, item 1): calls that answer at once (queue, storage)
// go to curl at most maxConnectionsPerHost at a time per origin over HTTP/1.1 and wait in a FIFO
// otherwise, so sockets stay flat as concurrency grows; calls that may wait minutes for a model
// (fal.run, streams: awaitsModel) are not gated, so they can never starve a subscribe's polls.
"use strict";

const http = require("http");
const path = require("path");
const { createFalClient } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { addon, requestSpec } = require("../helpers/raw-binding");
const { waitFor } = require("../helpers/wait");

const API_KEY = "connections-key";
const SCHNELL = "fal-ai/flux-1/schnell";

/** A plain HTTP server counting accepted connections and requests in flight at once. */
function countingServer(onRequest) {
  const sockets = new Set();
  const stats = { accepted: 0, inFlight: 0, peakInFlight: 0 };
  const server = http.createServer((req, res) => {
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    res.on("close", () => stats.inFlight--);
    onRequest(req, res);
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket) => {
    stats.accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stats,
        close() {
          for (const s of sockets) s.destroy();
          return new Promise((done) => server.close(done));
        },
      }),
    ),
  );
}

/** A raw native client with options; `final(id)` resolves with a job's final record. */
function clientWith(options) {
  const finals = new Map();
  const waiters = new Map();
  const client = new addon.Client(options, (batch) => {
    for (const record of batch) {
      if (!["response", "error", "timeout", "streamEnd"].includes(record.type)) continue;
      finals.set(record.id, record);
      waiters.get(record.id)?.(record);
    }
  });
  const final = (id) => (finals.has(id) ? Promise.resolve(finals.get(id)) : new Promise((resolve) => waiters.set(id, resolve)));
  return { client, final };
}

const cleanups = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test("300 concurrent subscribes over plain HTTP use at most 32 connections (the default per host)", async () => {
  const emu = await startEmulator({ apiKey: API_KEY, timing: { queueMs: 50, stepMs: 10, steps: 3, runners: 100000 }, quiet: true, maxImageSide: 16 });
  cleanups.push(() => emu.close());
  const fal = createFalClient({ credentials: API_KEY, baseUrls: emu.urls });
  const before = emu.connections.accepted;
  const results = await Promise.all(
    Array.from({ length: 300 }, (_, i) => fal.subscribe(SCHNELL, { input: { prompt: `p${i}`, image_size: "square" }, pollInterval: 20 })),
  );
  expect(results).toHaveLength(300);
  for (const result of results) expect(result.requestId).toBeTruthy();
  const opened = emu.connections.accepted - before;
  expect(opened).toBeGreaterThan(0);
  expect(opened).toBeLessThanOrEqual(32);
}, 60_000);

test("config.maxConnectionsPerHost: 60 subscribes with a limit of 2 use at most 2 connections; bad values are refused", async () => {
  const emu = await startEmulator({ apiKey: API_KEY, timing: { queueMs: 20, stepMs: 5, steps: 2, runners: 100000 }, quiet: true, maxImageSide: 16 });
  cleanups.push(() => emu.close());
  const fal = createFalClient({ credentials: API_KEY, baseUrls: emu.urls, maxConnectionsPerHost: 2 });
  const before = emu.connections.accepted;
  const results = await Promise.all(
    Array.from({ length: 60 }, (_, i) => fal.subscribe(SCHNELL, { input: { prompt: `q${i}`, image_size: "square" }, pollInterval: 10 })),
  );
  expect(results).toHaveLength(60);
  const opened = emu.connections.accepted - before;
  expect(opened).toBeGreaterThan(0);
  expect(opened).toBeLessThanOrEqual(2);
  for (const bad of [0, 1025, 1.5, "8", NaN]) {
    expect(() => createFalClient({ maxConnectionsPerHost: bad })).toThrow("fal-native: config.maxConnectionsPerHost must be an integer from 1 to 1024");
  }
}, 60_000);

test("maxConnectionsPerHost bounds the connections and the requests in flight; the rest wait their turn", async () => {
  const server = await countingServer((req, res) => setTimeout(() => res.end(`ok ${req.url}`), 20));
  cleanups.push(() => server.close());
  const { client, final } = clientWith({ maxConnectionsPerHost: 3 });
  cleanups.push(() => client.close());
  const ids = Array.from({ length: 60 }, (_, i) => client.request(requestSpec(`${server.url}/r${i}`)));
  const records = await Promise.all(ids.map(final));
  expect(records.map((r) => r.type)).toEqual(ids.map(() => "response"));
  expect(records.map((r) => r.response.body)).toEqual(ids.map((_, i) => `ok /r${i}`));
  expect(server.stats.peakInFlight).toBeLessThanOrEqual(3);
  expect(server.stats.accepted).toBeLessThanOrEqual(3);
}, 30_000);

test("a waiting request can be cancelled and others still go; a bad maxConnectionsPerHost is refused", async () => {
  expect(() => new addon.Client({ maxConnectionsPerHost: 0 }, () => {})).toThrow(/maxConnectionsPerHost/);
  expect(() => new addon.Client({ maxConnectionsPerHost: "4" }, () => {})).toThrow(/maxConnectionsPerHost/);
  const held = [];
  const server = await countingServer((req, res) => {
    if (req.url === "/hold") held.push(res);
    else res.end("ok");
  });
  cleanups.push(() => server.close());
  const { client, final } = clientWith({ maxConnectionsPerHost: 1 });
  cleanups.push(() => client.close());
  const holding = client.request(requestSpec(`${server.url}/hold`));
  await waitFor(() => held.length === 1, "the first request holds the only slot");
  const waiting = client.request(requestSpec(`${server.url}/cancelled`));
  const next = client.request(requestSpec(`${server.url}/next`));
  client.cancel(waiting);
  held[0].end("released");
  expect(await final(holding)).toMatchObject({ type: "response", response: { body: "released" } });
  expect(await final(next)).toMatchObject({ type: "response", response: { body: "ok" } });
  expect(server.stats.accepted).toBe(1);
}, 30_000);

test("40 long runs (awaitsModel) on the same host do not starve other calls with a limit of 32", async () => {
  const held = [];
  const server = await countingServer((req, res) => {
    if (req.url.startsWith("/long")) held.push(res);
    else res.end("quick");
  });
  cleanups.push(async () => {
    for (const res of held) res.destroy();
    await server.close();
  });
  const { client, final } = clientWith({ maxConnectionsPerHost: 32 });
  cleanups.push(() => client.close());
  for (let i = 0; i < 40; i++) client.request(requestSpec(`${server.url}/long${i}`, { awaitsModel: true }));
  await waitFor(() => held.length === 40, "all 40 long runs reached the server at once", 10_000).catch((e) => { throw new Error(`${e.message}: ${held.length} held, ${JSON.stringify(server.stats)}`); });
  const quick = Array.from({ length: 5 }, (_, i) => client.request(requestSpec(`${server.url}/q${i}`)));
  const records = await Promise.all(quick.map(final));
  expect(records.map((r) => r.response.body)).toEqual(quick.map(() => "quick"));
}, 30_000);

test("40 concurrent fal.run calls that wait for their model do not block a subscribe on the same host", async () => {
  const emu = await startEmulator({ apiKey: API_KEY, timing: { queueMs: 5, stepMs: 5, steps: 2, runners: 100000 }, quiet: true, maxImageSide: 16 });
  cleanups.push(() => emu.close());
  // In front of the emulator: fal.run requests are held (a model that runs for minutes), the
  // rest is forwarded.
  const held = [];
  let released = false;
  const refuse = (res) => {
    res.writeHead(400, { "content-type": "application/json" });
    res.end('{"detail":"released"}');
  };
  const agent = new http.Agent({ keepAlive: true });
  cleanups.push(() => agent.destroy());
  const front = await countingServer((req, res) => {
    if (req.url.startsWith("/run/")) {
      if (released) refuse(res);
      else held.push(res);
      return;
    }
    const target = new URL(req.url, emu.url);
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  cleanups.push(async () => {
    for (const res of held) res.destroy();
    await front.close();
  });
  const urls = Object.fromEntries(Object.entries(emu.urls).map(([name, url]) => [name, url.replace(emu.url, front.url)]));
  const fal = createFalClient({ credentials: API_KEY, baseUrls: urls });
  const runs = Array.from({ length: 40 }, (_, i) => fal.run(SCHNELL, { input: { prompt: `long ${i}` } }).catch(() => "ended"));
  await waitFor(() => held.length === 40, "40 runs held at the server", 10_000).catch((e) => {
    throw new Error(`${e.message}: ${held.length} held, ${JSON.stringify(front.stats)}`);
  });
  const result = await fal.subscribe(SCHNELL, { input: { prompt: "quick" }, pollInterval: 10 });
  expect(result.requestId).toBeTruthy();
  expect(result.data.images).toHaveLength(1);
  expect(front.stats.accepted).toBeLessThanOrEqual(40 + 32);
  released = true;
  for (const res of held) refuse(res);
  expect(await Promise.all(runs)).toEqual(runs.map(() => "ended"));
}, 30_000);
