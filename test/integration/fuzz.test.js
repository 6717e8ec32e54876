// The libFuzzer targets of test/fuzz/ (SSE framing, JSON validation and queue fields, URL
// building), built from the real native sources with ASan+UBSan and run briefly: each must run
// FUZZ_CI_SECONDS (default 10) without a finding, and every saved reproducer must run clean.
// `npm run fuzz` runs them longer (FUZZ_SECONDS, default 60).
"use strict";

const path = require("path");
const { build, compilerVersion } = require("../fuzz/build");
const { runTarget, runReproducers } = require("../fuzz/run");

const SECONDS = Number(process.env.FUZZ_CI_SECONDS || 10);
const TARGETS = ["sse_parser", "json", "url"];
const haveClang = Boolean(compilerVersion());

let built = {};
beforeAll(() => {
  if (!haveClang) throw new Error("the fuzz targets need clang++ and libclang-rt-14-dev (.ci/setup.sh installs them)");
  built = build(TARGETS);
}, 300000);

describe.each(TARGETS)("%s fuzzer", (target) => {
  test("saved reproducers run clean", async () => {
    const failures = (await runReproducers(target, built[target])).filter((r) => r.exitCode !== 0);
    expect(failures.map((r) => `${r.file}\n${r.tail}`)).toEqual([]);
  }, 60000);

  test(`${SECONDS} s of fuzzing finds nothing`, async () => {
    const r = await runTarget(target, built[target], SECONDS);
    console.log(`${target}: ${r.executions} executions in ${r.seconds.toFixed(1)} s (${r.execsPerSecond} exec/s), cov ${r.coverage}, exit ${r.exitCode}`);
    if (r.exitCode !== 0) throw new Error(`${target} fuzzer failed (exit ${r.exitCode}), input ${r.crash}\n${r.tail}`);
    expect(r.executions).toBeGreaterThan(0);
  }, (SECONDS + 60) * 1000);
});
