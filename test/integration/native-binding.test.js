// The raw binding survives misuse: the native side owns job identity (ids it allocates, never
// reused), and a spec whose getters run JS (closing the client, starting other jobs) cannot crash it.
"use strict";

const path = require("path");
const { startScriptServer } = require("../helpers/script-server");
const { runNode } = require("../helpers/run-node");
const { rawClient, requestSpec } = require("../helpers/raw-binding");

let srv;
beforeAll(async () => {
  srv = await startScriptServer();
});
afterEach(() => srv.reset());
afterAll(() => srv.close());

test("request/subscribe/stream return ids the native client allocates, never reused", async () => {
  srv.script("GET", "/a", [{ json: { ok: 1 } }]);
  const { client, final } = rawClient();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(client.request(requestSpec(`${srv.url}/a`)));
  expect(ids.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  const records = await Promise.all(ids.map(final));
  expect(records.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
  expect(records.map((r) => r.id)).toEqual(ids);
  client.close();
});

test("a spec getter that closes the client makes request() throw instead of crashing", async () => {
  // In a child: before the fix this dereferenced null and killed the process.
  srv.script("GET", "/nested", [{ json: { ok: 1 } }]);
  const script = path.join(__dirname, "..", "helpers", "reentrant-spec.js");
  const result = await runNode(script, [srv.url]);
  expect(result.signal).toBeNull();
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({ closedMessage: "fal-native: the client is closed", nested: "ok" });
});
