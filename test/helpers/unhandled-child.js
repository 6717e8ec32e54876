// Child script for bad-input.test.js: a real Node process (Jest's sandboxed `process` never sees
// 'unhandledRejection') with a listener installed first. It makes bad and failing calls of every
// kind, each awaited and caught as a user would, plus calls whose outcome triggers the client's
// own background work (the cancel after a timeout, abort listeners, retries), then reports.
"use strict";

const http = require("http");
const { createFalClient, fal } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { closedPort } = require("./closed-port");

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason && reason.stack ? reason.stack : reason)));

async function main() {
  const emulator = await startEmulator({ apiKey: "k", timing: { queueMs: 60_000, stepMs: 5, steps: 1 }, quiet: true });
  // Answers every cancel with a 500 and every other request with a 503.
  const failing = http.createServer((req, res) => {
    res.writeHead(req.url.endsWith("/cancel") ? 500 : 503, { "content-type": "application/json" });
    res.end('{"detail":"no"}');
  });
  await new Promise((resolve) => failing.listen(0, "127.0.0.1", resolve));
  const failingUrl = `http://127.0.0.1:${failing.address().port}`;
  const port = await closedPort();

  const good = createFalClient({ credentials: "k", baseUrls: emulator.urls });
  const S = "fal-ai/flux-1/schnell";
  const calls = [
    () => good.run("flux", {}),
    () => good.subscribe("", {}),
    () => good.queue.submit(42, {}),
    () => good.queue.status(S, {}),
    () => good.queue.result(S, { requestId: "" }),
    () => good.queue.cancel(S, null),
    () => good.queue.subscribeToStatus(S, { requestId: "r", pollInterval: "1" }),
    () => good.subscribe(S, { input: { prompt: "x" }, pollInterval: "100" }),
    () => good.subscribe(S, { input: { prompt: "x" }, logs: "yes" }),
    () => good.subscribe(S, { input: { prompt: "x" }, priority: "urgent" }),
    () => good.subscribe(S, { input: { prompt: "x" }, abortSignal: {} }),
    () => good.run(S, { input: { n: 1n } }),
    () => good.run(S, { input: { prompt: "x" }, startTimeout: 1 }),
    () => fal.run("flux", {}),
    () => createFalClient({ credentials: () => { throw new Error("creds"); }, baseUrls: emulator.urls }).subscribe(S, { input: { prompt: "x" } }),
    () => createFalClient({ credentials: "k", baseUrls: emulator.urls, requestMiddleware: async () => { throw new Error("mw"); } }).subscribe(S, { input: { prompt: "x" } }),
    () => createFalClient({ credentials: "wrong", baseUrls: emulator.urls }).subscribe(S, { input: { prompt: "x" } }),
    () => createFalClient({ credentials: "k", baseUrls: { run: `http://127.0.0.1:${port}`, queue: `http://127.0.0.1:${port}` }, retry: { maxRetries: 1, baseDelay: 1 } }).subscribe(S, { input: { prompt: "x" } }),
    () => createFalClient({ credentials: "k", baseUrls: { run: failingUrl }, retry: { maxRetries: 2, baseDelay: 1 } }).run(S, { input: { prompt: "x" } }),
    // Timeouts: the client then sends a cancel in the background (here it fails, on both paths).
    () => good.subscribe(S, { input: { prompt: "x" }, pollInterval: 5, timeout: 30 }),
    () => createFalClient({ credentials: "k", baseUrls: emulator.urls, requestMiddleware: async (r) => r }).subscribe(S, { input: { prompt: "x" }, pollInterval: 5, timeout: 30 }),
  ];
  // Aborts: mid-poll on both paths, and a signal that fires after the call already failed.
  for (const extra of [{}, { requestMiddleware: async (r) => r }]) {
    calls.push(() => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      return createFalClient({ credentials: "k", baseUrls: emulator.urls, ...extra }).subscribe(S, { input: { prompt: "x" }, pollInterval: 5, abortSignal: controller.signal });
    });
    calls.push(() => {
      const controller = new AbortController();
      const pending = createFalClient({ credentials: "wrong", baseUrls: emulator.urls, ...extra }).subscribe(S, { input: { prompt: "x" }, abortSignal: controller.signal });
      pending.catch(() => setTimeout(() => controller.abort(), 1));
      return pending;
    });
  }
  const createErrors = [];
  for (const config of [{ baseUrls: { queue: "ftp://x" } }, { retry: { maxRetries: -1 } }, { credentials: 42 }, null]) {
    try {
      createFalClient(config);
    } catch (error) {
      createErrors.push(error.constructor.name);
    }
  }

  // Self-check of the detector: with "probe", one rejection is left unhandled on purpose.
  if (process.argv[2] === "probe") Promise.reject(new Error("deliberately unhandled"));

  let rejected = 0;
  let resolved = 0;
  let thrown = 0;
  const pending = [];
  for (const call of calls) {
    try {
      pending.push(call().then(() => resolved++, () => rejected++));
    } catch {
      thrown++;
    }
  }
  await Promise.all(pending);
  await new Promise((resolve) => setTimeout(resolve, 200)); // background cancels, late aborts
  await emulator.close();
  await new Promise((resolve) => failing.close(resolve));
  console.log(JSON.stringify({ calls: calls.length, rejected, resolved, thrown, createErrors, unhandled }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
