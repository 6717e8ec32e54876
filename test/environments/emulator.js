// The emulator side of the environment tests: an HTTPS emulator in the test process
// (startEmulator({ tls: true }) -> { url: "https://...", env, caFile, close }), the environment a
// child needs to reach it, and the checks of what exercise.js reports.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { ROOT } = require("./common");

const API_KEY = "environment-test-key";

function emulatorModule() {
  const file = path.join(ROOT, "dist", "lib", "emulator", "index.js");
  if (!fs.existsSync(file)) throw new Error("dist/ is missing: run `npm run build:ts` first.");
  return require(file);
}

/** Starts the TLS emulator with quick timings (a request takes a few tens of ms). */
async function startTlsEmulator(extra = {}) {
  const { startEmulator } = emulatorModule();
  return startEmulator({
    tls: true,
    port: 0,
    quiet: true,
    apiKey: API_KEY,
    maxImageSide: 32,
    timing: { queueMs: 5, stepMs: 5, steps: 2, runners: 2 },
    ...extra,
  });
}

/**
 * What the TLS emulator must look like; a clear failure while `startEmulator({ tls: true })` is
 * not implemented yet (the option is ignored and the URL is http://).
 */
function expectTlsEmulator(emu) {
  expect({ url: emu.url, https: /^https:\/\/127\.0\.0\.1:\d+$/.test(emu.url) }).toEqual({ url: emu.url, https: true });
  expect(typeof emu.caFile).toBe("string");
  expect(fs.readFileSync(emu.caFile, "utf8")).toMatch(/-----BEGIN CERTIFICATE-----/);
}

/** FAL_* URLs and key for a child; NODE_EXTRA_CA_CERTS only when `caFile` is given. */
function childEnv(emu, { caFile, base = {} } = {}) {
  const env = { ...base, ...emu.env, FAL_KEY: API_KEY };
  if (caFile) env.NODE_EXTRA_CA_CERTS = caFile;
  else delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** The summary exercise.js printed, or an error that shows everything the child wrote. */
function parseExercise(result) {
  const line = result.stdout.split("\n").find((l) => l.startsWith("EXERCISE "));
  if (!line) {
    throw new Error(
      `the child printed no EXERCISE line (exit ${result.code}, signal ${result.signal}${result.timedOut ? ", timed out" : ""})\n` +
        `--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
    );
  }
  return JSON.parse(line.slice("EXERCISE ".length));
}

/** Every requested step succeeded and did what it should; the emulator holds the uploaded bytes. */
function expectSteps(summary, emu, steps) {
  // All outcomes in one assertion first, so a failure shows every step's error at once.
  const outcome = Object.fromEntries(steps.map((step) => [step, summary.steps[step] && summary.steps[step].ok]));
  expect({ loadError: summary.loadError, outcome, errors: failedSteps(summary) }).toEqual({
    loadError: undefined,
    outcome: Object.fromEntries(steps.map((step) => [step, true])),
    errors: {},
  });
  const origin = new URL(emu.url).origin;
  if (steps.includes("subscribe")) {
    const s = summary.steps.subscribe;
    expect(s.requestId).toEqual(expect.any(String));
    expect(s.images).toBe(1);
    expect(s.imageUrl.startsWith(`${origin}/cdn/files/`)).toBe(true);
    expect(emu.storedFile(s.imageUrl)).toBeDefined();
  }
  if (steps.includes("stream")) {
    const s = summary.steps.stream;
    expect(s.url).toBe(`${emu.urls.run}/fal-native/stream-test/stream`);
    expect(s.indexes).toEqual([...Array(25).keys()]);
    expect(s.textOk).toBe(true);
    expect({ lastFinal: s.lastFinal, lastIndex: s.lastIndex }).toEqual({ lastFinal: true, lastIndex: 24 });
  }
  if (steps.includes("upload")) {
    const s = summary.steps.upload;
    expect(s.url.startsWith(`${origin}/cdn/files/`)).toBe(true);
    const stored = emu.storedFile(s.url);
    expect(stored).toBeDefined();
    expect({ size: stored.size, sha256: crypto.createHash("sha256").update(stored.bytes).digest("hex") }).toEqual({
      size: s.size,
      sha256: s.sha256,
    });
  }
  if (steps.includes("realtime")) {
    const s = summary.steps.realtime;
    expect(s.requestId).toBe("realtime-1");
    expect(s.images).toBeGreaterThan(0);
  }
}

function failedSteps(summary) {
  const failed = {};
  for (const [step, outcome] of Object.entries(summary.steps || {})) if (!outcome.ok) failed[step] = outcome.error;
  return failed;
}

/** The single compiled addon the child loaded. */
function loadedAddon(summary) {
  expect(summary.addons).toHaveLength(1);
  return summary.addons[0];
}

const EXERCISE_SCRIPT = path.join(__dirname, "exercise.js");

module.exports = { API_KEY, startTlsEmulator, expectTlsEmulator, childEnv, parseExercise, expectSteps, loadedAddon, EXERCISE_SCRIPT };
