// The addon in worker threads: each worker environment loads its own instance, runs its own I/O
// thread, and tears it down when the worker ends, whether it finishes or is terminated mid-request.
"use strict";

const path = require("path");
const { Worker } = require("worker_threads");
const { createFalClient } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { startScriptServer } = require("../helpers/script-server");
const { sleep, waitFor } = require("../helpers/wait");

const WORKER = path.join(__dirname, "..", "helpers", "client-worker.js");
const API_KEY = "worker-key";

let emu;
let stuck; // requests stay IN_QUEUE, so subscribes keep polling
let srv;
beforeAll(async () => {
  [emu, stuck, srv] = await Promise.all([
    startEmulator({ apiKey: API_KEY, timing: { queueMs: 2, stepMs: 2, steps: 2, runners: 8 }, quiet: true, maxImageSide: 32 }),
    startEmulator({ apiKey: API_KEY, timing: { queueMs: 60_000, stepMs: 5, steps: 1, runners: 1 }, quiet: true }),
    startScriptServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([emu.close(), stuck.close(), srv.close()]);
});

/** Starts a worker; `messages` collects what it posts, `exited` resolves with its exit code. */
function startWorker(workerData) {
  const worker = new Worker(WORKER, { workerData: { apiKey: API_KEY, ...workerData } });
  const messages = [];
  const errors = [];
  worker.on("message", (m) => messages.push(m));
  worker.on("error", (e) => errors.push(e));
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  return { worker, messages, errors, exited };
}

/** Waits for the worker to exit by itself; terminates it and fails if it does not. */
async function exitsByItself(w, ms = 10_000) {
  let timer;
  const guard = new Promise((resolve) => {
    timer = setTimeout(() => resolve("still running"), ms);
  });
  const code = await Promise.race([w.exited, guard]);
  clearTimeout(timer);
  if (code === "still running") await w.worker.terminate();
  return code;
}

const mainThreadSubscribe = (prompt) =>
  createFalClient({ credentials: API_KEY, baseUrls: emu.urls }).subscribe("fal-ai/flux-1/schnell", {
    input: { prompt, seed: 42 },
    pollInterval: 5,
  });

test("two workers subscribe at once (and the main thread too): all succeed, workers exit by themselves", async () => {
  const a = startWorker({ mode: "subscribe", urls: emu.urls, count: 3, tag: "A" });
  const b = startWorker({ mode: "subscribe", urls: emu.urls, count: 3, tag: "B" });
  const main = await mainThreadSubscribe("main while workers run");
  expect(main.data.seed).toBe(42);

  expect(await exitsByItself(a)).toBe(0);
  expect(await exitsByItself(b)).toBe(0);
  for (const [w, tag] of [[a, "A"], [b, "B"]]) {
    expect(w.errors).toEqual([]);
    expect(w.messages).toHaveLength(1);
    const [report] = w.messages;
    expect(report.ok).toBe(true);
    expect(report.seeds).toEqual([0, 1, 2]);
    expect(report.prompts).toEqual([`${tag} 0`, `${tag} 1`, `${tag} 2`]);
    expect(new Set(report.ids).size).toBe(3);
  }
  const ids = [...a.messages[0].ids, ...b.messages[0].ids];
  expect(new Set(ids).size).toBe(6);
  // Every one of them really went through the emulator.
  for (const id of ids) expect(emu.requests.some((r) => r.path.endsWith(`/requests/${id}`))).toBe(true);
});

test("a worker terminated mid-request: its transfers stop, the process carries on, a new worker works", async () => {
  srv.script("POST", "/fal-ai/x", [{ hang: true }]);
  const w = startWorker({ mode: "hang", urls: { run: srv.url }, pollQueue: stuck.urls.queue, tag: "doomed" });
  await waitFor(() => w.messages.some((m) => m.started) || w.errors.length > 0, "the worker to start");
  expect(w.errors).toEqual([]);
  await waitFor(() => srv.requests.length === 1, "the hanging run request");
  const polls = () => stuck.requests.filter((r) => r.path.endsWith("/status")).length;
  await waitFor(() => polls() >= 2, "the worker's subscribe to poll");

  expect(await w.worker.terminate()).toBe(1);

  // The worker's native client closed with its environment: the hanging transfer is dropped and
  // the polling stops.
  await waitFor(() => srv.requests[0].clientClosed, "the hanging request to be dropped");
  await sleep(30);
  const after = polls();
  await sleep(100);
  expect(polls()).toBe(after);

  // The main thread is unaffected.
  expect((await mainThreadSubscribe("after terminate")).data.images).toHaveLength(1);

  // And the addon loads again in a fresh worker.
  const next = startWorker({ mode: "subscribe", urls: emu.urls, count: 2, tag: "next" });
  expect(await exitsByItself(next)).toBe(0);
  expect(next.errors).toEqual([]);
  expect(next.messages[0]).toMatchObject({ ok: true, seeds: [0, 1] });
});

test("workers load and unload the addon several times in a row (exit by themselves or terminated)", async () => {
  for (let round = 0; round < 6; round++) {
    const w = startWorker({ mode: "subscribe", urls: emu.urls, count: 1, tag: `round ${round}` });
    if (round % 2 === 0) {
      expect(await exitsByItself(w)).toBe(0);
    } else {
      await waitFor(() => w.messages.length === 1 || w.errors.length > 0, `round ${round} to report`);
      await w.worker.terminate();
    }
    expect(w.errors).toEqual([]);
    expect(w.messages[0]).toMatchObject({ ok: true, seeds: [0], prompts: [`round ${round} 0`] });
  }
  // Terminated while a subscribe is still running, straight after start.
  for (let round = 0; round < 3; round++) {
    const w = startWorker({ mode: "subscribe", urls: stuck.urls, count: 2, tag: `cut ${round}` });
    await waitFor(() => stuck.requests.some((r) => r.body.includes(`cut ${round} 1`)), "the worker's submits");
    await w.worker.terminate();
    expect(w.errors).toEqual([]);
  }
  expect((await mainThreadSubscribe("after the rounds")).data.images).toHaveLength(1);
});
