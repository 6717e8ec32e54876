// Process lifetime: child Node processes that use the client must exit by themselves when their
// work is done (no handle kept by the native engine), and process.exit() with transfers in flight
// must end them cleanly (exit code 0, no crash signal).
"use strict";

const path = require("path");
const { runNode } = require("../helpers/run-node");

const SCRIPTS = path.join(__dirname, "..", "helpers", "exit");

const runScript = (name, args = []) =>
  runNode(path.join(SCRIPTS, name), args, { env: { ...process.env, FAL_KEY: "", FAL_KEY_ID: "", FAL_KEY_SECRET: "" } });

function expectCleanExit(outcome) {
  expect({ timedOut: outcome.timedOut, signal: outcome.signal, code: outcome.code, stderr: outcome.stderr }).toEqual({
    timedOut: false,
    signal: null,
    code: 0,
    stderr: "",
  });
}

test("a subscribe against an in-process emulator, then return: exits by itself with 0", async () => {
  const outcome = await runScript("subscribe-and-return.js");
  expectCleanExit(outcome);
  expect(JSON.parse(outcome.stdout.trim())).toEqual({ done: true, images: 1, runImages: 1, last: "COMPLETED" });
});

test("the same after an aborted subscribe: exits by itself with 0", async () => {
  const outcome = await runScript("subscribe-and-return.js", ["abort"]);
  expectCleanExit(outcome);
  expect(outcome.stdout).toMatch(/^aborted: AbortError\n/);
  expect(outcome.stdout).toContain('"done":true');
});

test("only creating clients (no request) exits by itself", async () => {
  const outcome = await runScript("idle-client.js");
  expectCleanExit(outcome);
  expect(outcome.stdout.trim()).toBe("created 2 clients, queue client: function");
});

test("failing requests that are caught: exits by itself with 0", async () => {
  const outcome = await runScript("caught-failure.js");
  expectCleanExit(outcome);
  expect(outcome.stdout.trim().split("\n")).toEqual(["caught TransportError ECONNREFUSED", "caught ApiError 401"]);
});

describe("process.exit(0) with transfers in flight", () => {
  test.each([1, 2, 3])("polling subscribes and a hanging run (round %i)", async () => {
    const outcome = await runScript("exit-in-flight.js");
    expectCleanExit(outcome);
    expect(outcome.stdout).toMatch(/^in flight: 1 hanging requests, \d+ polls\n$/);
  });

  test("called from inside an onQueueUpdate callback", async () => {
    const outcome = await runScript("exit-in-flight.js", ["callback"]);
    expectCleanExit(outcome);
    expect(outcome.stdout).toBe("exiting from a callback\n");
  });

  test("with a worker thread that has transfers of its own", async () => {
    const outcome = await runScript("exit-in-flight.js", ["worker"]);
    expectCleanExit(outcome);
    expect(outcome.stdout).toMatch(/^in flight: 2 hanging requests, \d+ polls\n$/);
  });
});
