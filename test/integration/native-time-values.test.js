// Time values cannot overflow (issue 10, defect 6): huge timeouts, intervals and retry delays are
// clamped to 2^31-1 ms in one place (the spec reader) and timers saturate; NaN and negatives are
// refused. Before, 1e13 ms overflowed the steady clock and fired at once.
"use strict";

const { startScriptServer } = require("../helpers/script-server");
const { rawClient, requestSpec, subscribeSpec, NO_RETRY } = require("../helpers/raw-binding");
const { sleep, waitFor } = require("../helpers/wait");

let srv;
beforeAll(async () => {
  srv = await startScriptServer();
});
afterEach(() => srv.reset());
afterAll(() => srv.close());

test("subscribe({timeout: 1e13}) runs to its result instead of timing out at once", async () => {
  srv.script("POST", "/m/x", [{ json: { request_id: "r1" } }]);
  srv.script("GET", "/m/x/requests/r1/status", [{ json: { status: "IN_QUEUE" } }, { json: { status: "COMPLETED" } }]);
  srv.script("GET", "/m/x/requests/r1", [{ json: { done: true } }]);
  const { client, final } = rawClient();
  const record = await final(client.subscribe(subscribeSpec(srv.url, { timeout: 1e13 })));
  expect(record.type).toBe("response");
  expect(JSON.parse(record.response.body)).toEqual({ done: true });
  client.close();
});

test("stream({idleTimeout: 1e13}) streams to its end instead of failing at once", async () => {
  srv.script("GET", "/s", [{ body: 'data: {"a":1}\n\n', headers: { "content-type": "text/event-stream" } }]);
  const { client, final, records } = rawClient();
  const id = client.stream({ request: requestSpec(`${srv.url}/s`), idleTimeout: 1e13, highWaterMark: 1 << 20 });
  const record = await final(id);
  expect(record.type).toBe("streamEnd");
  expect(records.get(id).map((r) => r.type)).toEqual(["streamHead", "streamEvents", "streamEnd"]);
  client.close();
});

test("a huge retry delay waits (clamped) instead of retrying at once", async () => {
  srv.script("GET", "/busy", [{ status: 503, json: { detail: "busy" } }]);
  const { client } = rawClient();
  const retry = { maxRetries: 3, baseDelay: 1e300, maxDelay: 1e300, backoffMultiplier: 1e300, enableJitter: true, retryableStatusCodes: [503] };
  const id = client.request(requestSpec(`${srv.url}/busy`, { retry }));
  await waitFor(() => srv.requests.length >= 1);
  await sleep(500); // before the fix the retries arrived within milliseconds
  expect(srv.requests.length).toBe(1);
  client.cancel(id);
  client.close();
});

test("time values: huge ones are accepted (clamped), NaN and negatives refused with the field named", () => {
  const { client } = rawClient();
  const id = client.subscribe(subscribeSpec(srv.url, { pollInterval: 1e300, timeout: Infinity }));
  client.cancel(id);
  expect(() => client.subscribe(subscribeSpec(srv.url, { pollInterval: NaN }))).toThrow("subscribe spec.pollInterval must be a number of milliseconds >= 0");
  expect(() => client.request(requestSpec(`${srv.url}/x`, { timeout: -1 }))).toThrow("request spec.timeout must be a number of milliseconds >= 0");
  expect(() => client.request(requestSpec(`${srv.url}/x`, { retry: { ...NO_RETRY, maxDelay: NaN } }))).toThrow("request spec.retry.maxDelay must be");
  client.close();
});
