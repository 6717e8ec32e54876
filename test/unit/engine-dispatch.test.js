// The engine hands records to their jobs in slices of about 2 ms per event-loop turn: a batch that
// takes longer (a fast stream, thousands of jobs finishing together) must let timers and I/O run
// in between, and must still reach every job, in order, with later batches after earlier ones.
"use strict";

const { Engine, setNativeClientFactory } = require("../../dist/lib/native/engine");

function busyFor(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

function fakeClient() {
  const fake = { lastId: 0, deliver: undefined };
  setNativeClientFactory((options, onRecords) => {
    fake.deliver = onRecords;
    return {
      subscribe: () => ++fake.lastId,
      request: () => ++fake.lastId,
      stream: () => ++fake.lastId,
      cancel() {},
      acknowledge() {},
      close() {},
    };
  });
  return fake;
}

const subscribeSpec = { submit: { url: "http://127.0.0.1:9/m/x" }, requestsPrefix: "http://127.0.0.1:9/m/x/requests/" };
const status = (id, n) => ({ id, type: "status", body: JSON.stringify({ status: "IN_PROGRESS", n }) });
const final = (id) => ({ id, type: "response", attempts: 1, response: { status: 200, body: "{}" } });

afterEach(() => setNativeClientFactory(undefined));

test("a batch longer than a slice yields to the event loop between slices and reaches every job in order", async () => {
  const fake = fakeClient();
  const engine = new Engine();
  const seen = [];
  const jobs = [1, 2, 3].map(() =>
    engine.subscribe({ ...subscribeSpec }, undefined, (record) => {
      busyFor(0.5); // a handler doing real work: 60 records take ~30 ms, about 15 slices
      seen.push([record.id, JSON.parse(record.body).n]);
    }),
  );
  const batch = [];
  for (let n = 0; n < 20; n++) for (const id of [1, 2, 3]) batch.push(status(id, n));
  const later = [status(1, 20), final(1), final(2), final(3)];

  let handledWhenTimerRan;
  setImmediate(() => {
    handledWhenTimerRan = seen.length;
    fake.deliver(later); // arrives while the first batch is still being handed over
  });
  fake.deliver([...batch]); // the engine owns the arrays it is given, as the addon's are
  const finals = await Promise.all(jobs);

  expect(handledWhenTimerRan).toBeGreaterThan(0);
  expect(handledWhenTimerRan).toBeLessThan(batch.length);
  expect(seen).toHaveLength(batch.length + 1);
  expect(seen.slice(0, batch.length)).toEqual(batch.map((record) => [record.id, JSON.parse(record.body).n]));
  expect(seen[batch.length]).toEqual([1, 20]);
  expect(finals.map((record) => record.type)).toEqual(["response", "response", "response"]);
});

test("records of a job cancelled while its batch waits for the next slice are dropped", async () => {
  const fake = fakeClient();
  const engine = new Engine();
  const controller = new AbortController();
  const seen = [];
  const kept = engine.subscribe({ ...subscribeSpec }, undefined, (record) => {
    busyFor(0.5);
    seen.push(record.id);
  });
  const cancelled = engine.subscribe({ ...subscribeSpec }, controller.signal, (record) => seen.push(record.id));
  const batch = [];
  for (let n = 0; n < 20; n++) batch.push(status(1, n));
  batch.push(status(2, 0), final(2), final(1));
  setImmediate(() => controller.abort());
  fake.deliver([...batch]);
  await expect(cancelled).rejects.toThrow();
  await expect(kept).resolves.toMatchObject({ type: "response" });
  expect(seen.filter((id) => id === 2)).toEqual([]);
  expect(seen.filter((id) => id === 1)).toHaveLength(20);
});
