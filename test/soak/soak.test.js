// CI's short fault soak (test/soak/soak.js in a fresh process): SOAK_SECONDS (default 40) of mixed
// run / subscribe / stream / upload calls against the fault server, then the soak's own checks:
// every call settled, no unhandled rejection, RSS, handles and fds flat after the warm-up.
"use strict";

const { spawn } = require("child_process");
const path = require("path");

const SECONDS = Number(process.env.SOAK_SECONDS || 40);

test(`fault soak: ${SECONDS} s of mixed calls settle, with flat RSS and handles`, async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", path.join(__dirname, "soak.js"), "--seconds", String(SECONDS), "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  const lines = stdout.trim().split("\n");
  console.log(lines.slice(0, -1).join("\n"));
  let result;
  try {
    result = JSON.parse(lines[lines.length - 1]);
  } catch {
    throw new Error(`soak printed no result (exit ${code})\n${stdout}\n${stderr}`);
  }
  expect(result.calls).toBeGreaterThan(500);
  expect(result.unsettled).toEqual([]);
  expect(result.unhandled).toEqual([]);
  expect(result.checks).toEqual({ everyCallSettled: true, noUnhandledRejection: true, rssFlat: true, handlesFlat: true, fdsFlat: true });
  expect(code).toBe(0);
}, (SECONDS + 120) * 1000);
