#!/usr/bin/env node
// `npm run test:asan`: builds the addon with ASan+UBSan (build/asan/, see build.js), checks it is
// instrumented, and runs the integration tests that exercise the native core against it:
//
//   FAL_NATIVE_BINARY=build/asan/Release/fal_native.node
//   LD_PRELOAD=<the sanitizer runtime of the compiler that built it>   (node is not instrumented)
//   ASAN_OPTIONS=detect_leaks=0:abort_on_error=1   (V8's own allocations drown LeakSanitizer)
//   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
//
// Any sanitizer report aborts the process that loaded the addon, which fails its test. Extra
// arguments go to Jest (CI: --ci --json --outputFile=...). ASAN_TESTS="a.test.js b.test.js"
// replaces the list. The environment tests (slim-container, node-versions, arm64,
// package-install) use the prebuilds, not this binary, and are left out.
"use strict";

const { spawnSync } = require("child_process");
const path = require("path");
const { build, checkInstrumented, asanRuntime, ADDON } = require("./build");

const ROOT = path.join(__dirname, "..", "..");
const TESTS = [
  "client-emulator",
  "stream",
  "stream-status",
  "storage",
  "emulator-storage",
  "faults",
  "workers",
  "exit",
  "realtime",
  "network-tls",
  "network-proxy",
  "bad-input",
  // The hardening tests aim at the native core directly (raw binding, deadlines, hostile input).
  "hardening",
  "native-binding",
  "native-deadlines",
  "native-dns",
  "native-input-rules",
  "native-time-values",
].map((name) => `test/integration/${name}.test.js`);

function main() {
  const started = Date.now();
  try {
    build();
    const counts = checkInstrumented();
    console.error(`test:asan: ${path.relative(ROOT, ADDON)} built in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `instrumented (${counts.asan} __asan_report_* and ${counts.ubsan} __ubsan_handle_* imports)`);
  } catch (error) {
    console.error(`test:asan: ${error.message}`);
    process.exit(2);
  }
  const runtime = asanRuntime();
  const tests = process.env.ASAN_TESTS ? process.env.ASAN_TESTS.split(/\s+/).filter(Boolean) : TESTS;
  const env = {
    ...process.env,
    FAL_NATIVE_BINARY: ADDON,
    LD_PRELOAD: [runtime, process.env.LD_PRELOAD].filter(Boolean).join(" "),
    ASAN_OPTIONS: ["detect_leaks=0", "abort_on_error=1", process.env.ASAN_OPTIONS].filter(Boolean).join(":"),
    UBSAN_OPTIONS: ["print_stacktrace=1", "halt_on_error=1", process.env.UBSAN_OPTIONS].filter(Boolean).join(":"),
  };
  console.error(`test:asan: LD_PRELOAD=${runtime}`);
  const jest = require.resolve("jest/bin/jest", { paths: [ROOT] });
  const testStarted = Date.now();
  // Sanitized code runs 2-3x slower: a longer per-test timeout than the default 30 s.
  const result = spawnSync(process.execPath, [jest, "--testTimeout=90000", ...process.argv.slice(2), ...tests], { cwd: ROOT, stdio: "inherit", env });
  console.error(`test:asan: tests ran in ${((Date.now() - testStarted) / 1000).toFixed(1)} s (build + tests ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(result.status ?? 1);
}

main();
