// queue.streamStatus and subscribe({ mode: "streaming" }) over the emulator's SSE status stream.
const { createFalClient } = require("../../dist/lib/index.js");
const { startEmulator } = require("../../dist/lib/emulator/index.js");
const { waitFor } = require("../helpers/wait");

const MODEL = "fal-ai/flux-1/schnell";

let emu;
let fal;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, quiet: true, timing: { queueMs: 150, stepMs: 60, steps: 4, keepAliveMs: 40 } });
  fal = createFalClient({ credentials: "test-key", baseUrls: emu.urls });
});

afterAll(async () => {
  await emu.close();
});

const statusStreamRequests = () => emu.requests.filter((r) => r.path.endsWith("/status/stream"));

test("queue.streamStatus streams statuses until COMPLETED, then closes", async () => {
  const { request_id: requestId } = await fal.queue.submit(MODEL, { input: { prompt: "a boat" } });
  const stream = await fal.queue.streamStatus(MODEL, { requestId, logs: true });
  const statuses = [];
  for await (const status of stream) statuses.push(status);
  const last = await stream.done();
  expect(last.status).toBe("COMPLETED");
  expect(statuses[statuses.length - 1]).toEqual(last);
  const order = statuses.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
  expect(order[order.length - 1]).toBe("COMPLETED");
  expect(order).toContain("IN_PROGRESS");
  // Each event carries only new log lines (the client accumulates them in subscribe).
  const logLines = statuses.flatMap((s) => s.logs || []).map((l) => l.message);
  expect(new Set(logLines).size).toBe(logLines.length);
  expect(logLines.length).toBeGreaterThan(0);
  const request = statusStreamRequests().pop();
  expect(request.query.logs).toBe("1");
  expect(request.headers.authorization).toBe("Key test-key");
  expect(request.headers.accept).toContain("text/event-stream");
  // Keep-alive comments went by without becoming events.
  const stats = emu.streams.find((s) => s.kind === "status" && s.requestId === requestId);
  expect(stats.finished).toBe(true);

  const result = await fal.queue.result(MODEL, { requestId });
  expect(result.data.images.length).toBeGreaterThan(0);
});

test("subscribe in streaming mode accumulates logs across events and returns the result", async () => {
  const updates = [];
  let enqueued;
  const result = await fal.subscribe(MODEL, {
    input: { prompt: "a lighthouse" },
    mode: "streaming",
    logs: true,
    onEnqueue: (id) => (enqueued = id),
    onQueueUpdate: (status) => updates.push(status),
  });
  expect(result.requestId).toBe(enqueued);
  expect(result.data.images[0].url).toMatch(/\/cdn\//);
  expect(updates[updates.length - 1].status).toBe("COMPLETED");
  const withLogs = updates.filter((u) => Array.isArray(u.logs));
  expect(withLogs.length).toBeGreaterThan(1);
  // Every update holds all log lines so far, as polling would show them.
  for (let i = 1; i < withLogs.length; i++) {
    const before = withLogs[i - 1].logs.map((l) => l.message);
    const now = withLogs[i].logs.map((l) => l.message);
    expect(now.slice(0, before.length)).toEqual(before);
  }
  expect(withLogs[withLogs.length - 1].logs.length).toBeGreaterThan(1);
  // No status polls: the stream replaced them.
  const polls = emu.requests.filter((r) => r.path === `/queue/fal-ai/flux-1/requests/${enqueued}/status`);
  expect(polls).toHaveLength(0);
  expect(statusStreamRequests().some((r) => r.path.includes(enqueued))).toBe(true);
});

test("the streaming-mode timeout rejects cleanly and cancels the request", async () => {
  const slow = await startEmulator({ port: 0, quiet: true, timing: { queueMs: 5000, stepMs: 1000, steps: 5 } });
  try {
    const client = createFalClient({ credentials: "k", baseUrls: slow.urls });
    let requestId;
    const error = await client
      .subscribe(MODEL, { input: { prompt: "x" }, mode: "streaming", timeout: 300, onEnqueue: (id) => (requestId = id) })
      .then(
        () => undefined,
        (err) => err,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe("Client timed out waiting for the request to complete after 300ms");
    await waitFor(() => slow.requests.some((r) => r.method === "PUT" && r.path.endsWith(`${requestId}/cancel`)), "cancel PUT", 5000);
    // The result was not fetched after the timeout (the official client fetches it anyway).
    expect(slow.requests.some((r) => r.method === "GET" && r.path.endsWith(`/requests/${requestId}`))).toBe(false);
    const stats = slow.streams.find((s) => s.kind === "status" && s.requestId === requestId);
    await waitFor(() => stats.clientClosed || stats.finished, "status stream closed", 5000);
  } finally {
    await slow.close();
  }
});

test("aborting a streaming-mode subscribe rejects with the signal's reason", async () => {
  const controller = new AbortController();
  const promise = fal.subscribe(MODEL, {
    input: { prompt: "x" },
    mode: "streaming",
    abortSignal: controller.signal,
    onQueueUpdate: () => controller.abort(new Error("stop now")),
  });
  await expect(promise).rejects.toThrow("stop now");
});

test("streamStatus validates its options", async () => {
  await expect(fal.queue.streamStatus(MODEL, {})).rejects.toThrow(/options\.requestId/);
  await expect(fal.queue.streamStatus(MODEL, { requestId: "x", logs: "yes" })).rejects.toThrow(/options\.logs must be a boolean/);
});
