// `npm run demo` as a user runs it (the built-in emulator, no key): every log line once and in
// order, every state change once, the last steps shown, and a real image written.
"use strict";

const fs = require("fs");
const path = require("path");
const { runNode } = require("../helpers/run-node");

const DEMO = path.join(__dirname, "..", "..", "examples", "demo.js");

test("the demo prints each log line and state once, through the last step, and writes the image", async () => {
  const env = { ...process.env };
  for (const name of ["FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_QUEUE_URL", "FAL_RUN_URL", "FAL_REST_URL"]) delete env[name];
  const run = await runNode(DEMO, [], { env, timeoutMs: 60_000 });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const lines = run.stdout.trim().split("\n");

  const logs = lines.filter((line) => line.startsWith("  log: "));
  expect(new Set(logs).size).toBe(logs.length);
  const steps = logs.filter((line) => /Step \d+\/8/.test(line)).map((line) => Number(/Step (\d+)\/8/.exec(line)[1]));
  expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

  const states = lines.filter((line) => /^(in queue|in progress|completed)/.test(line));
  expect(new Set(states).size).toBe(states.length);
  expect(states[states.length - 1]).toBe("completed");
  expect(lines.indexOf("completed")).toBeGreaterThan(lines.indexOf(logs[logs.length - 1]));

  const written = /written to (\S+)$/.exec(lines[lines.length - 1]);
  expect(written).not.toBeNull();
  const bytes = fs.readFileSync(path.resolve(written[1]));
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
}, 90_000);
