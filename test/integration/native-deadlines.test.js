// No call hangs without consent (issue 10, defect 3): every attempt has a stall deadline (a
// response that stops mid-body, sends only headers, or trickles), waiting for the first byte is
// not a stall, and a whole-call `timeout` ends a call with ETIMEDOUT / reason "timeout".
"use strict";

const net = require("net");
const { rawClient, requestSpec } = require("../helpers/raw-binding");
const { serverTimers } = require("../helpers/server-timers");

/** A raw TCP server: `onRequest(socket)` runs once the request head has arrived. */
function rawServer(onRequest) {
  const sockets = new Set();
  const timers = serverTimers();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    let head = "";
    socket.on("data", (chunk) => {
      if (head.includes("\r\n\r\n")) return;
      head += chunk;
      if (head.includes("\r\n\r\n")) onRequest(socket, (fn, ms) => timers.later(ms, fn));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close() {
          timers.clearAll();
          for (const s of sockets) s.destroy();
          return new Promise((done) => server.close(done));
        },
      }),
    ),
  );
}

// A final record, or "hung" if none came within `ms` (the pre-fix behaviour: none ever came).
function finalWithin(final, id, ms) {
  let timer;
  return Promise.race([final(id), new Promise((resolve) => (timer = setTimeout(() => resolve("hung"), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

const servers = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
async function serve(onRequest) {
  const server = await rawServer(onRequest);
  servers.push(server);
  return server;
}

test("a response that sends only headers fails with reason stall", async () => {
  const server = await serve((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"));
  const { client, final } = rawClient();
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { stallTimeout: 300 })), 10_000);
  expect(record).toMatchObject({ type: "error", code: "ETIMEDOUT", reason: "stall", timeoutMs: 300, method: "GET", status: 200 });
  client.close();
});

test("a body that stops halfway fails with reason stall", async () => {
  const server = await serve((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
  const { client, final } = rawClient();
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { stallTimeout: 300 })), 10_000);
  expect(record).toMatchObject({ type: "error", code: "ETIMEDOUT", reason: "stall" });
  client.close();
});

test("a body trickling a few bytes a second fails with reason stall", async () => {
  const server = await serve((socket, later) => {
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    const drip = () => {
      if (socket.destroyed) return;
      socket.write("x");
      later(drip, 200);
    };
    drip();
  });
  const { client, final } = rawClient();
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { stallTimeout: 400 })), 10_000);
  expect(record).toMatchObject({ type: "error", code: "ETIMEDOUT", reason: "stall" });
  client.close();
});

test("awaitsModel (fal.run, streams): waiting for the first response byte is not a stall", async () => {
  const server = await serve((socket, later) =>
    later(() => socket.end("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"), 1500),
  );
  const { client, final } = rawClient();
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { stallTimeout: 200, awaitsModel: true })), 10_000);
  expect(record).toMatchObject({ type: "response", response: { status: 200, body: "{}" } });
  client.close();
});

test("any other call (queue, storage, tokens): a server that accepts and says nothing fails with reason stall", async () => {
  const server = await serve(() => {});
  const { client, final } = rawClient();
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { stallTimeout: 300 })), 10_000);
  expect(record).toMatchObject({ type: "error", code: "ETIMEDOUT", reason: "stall", timeoutMs: 300, status: 0 });
  client.close();
});

test("a whole-call timeout ends a call that never answers, retries included", async () => {
  const server = await serve(() => {});
  const { client, final } = rawClient();
  const retry = { maxRetries: 5, baseDelay: 10, maxDelay: 10, backoffMultiplier: 1, enableJitter: false, retryableStatusCodes: [503] };
  const record = await finalWithin(final, client.request(requestSpec(`${server.url}/x`, { timeout: 400, retry })), 10_000);
  expect(record).toMatchObject({ type: "error", code: "ETIMEDOUT", reason: "timeout", timeoutMs: 400, attempts: 1, url: `${server.url}/x` });
  expect(record.curlCode).toBe(0);
  client.close();
});
