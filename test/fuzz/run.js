#!/usr/bin/env node
// `npm run fuzz`: builds the libFuzzer targets (build.js) and runs each for a bounded time.
//
//   npm run fuzz                         every target, 60 s each
//   FUZZ_SECONDS=600 npm run fuzz -- json   one target, 10 minutes
//
// New inputs go to build/fuzz/corpus/<target>/ (the committed seeds in test/fuzz/corpus/<target>/
// are read, never written); a crash leaves its input in build/fuzz/artifacts/<target>/ and the
// command fails. Reproduce with build/fuzz/<target>_fuzzer <file>. test/fuzz/reproducers/<target>/
// holds inputs of bugs found so far: each must run clean (they are the regression tests).
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");
const { build, OUT } = require("./build");

const ROOT = path.join(__dirname, "..", "..");

// Findings already reported, each with a failing input in reproducers/<target>/: the timed runs
// skip their class so they can look for new ones (the reproducers still fail until fixed). Remove
// an entry when its reproducer passes. FUZZ_KNOWN=none runs with every check.
const KNOWN = {};

/**
 * Runs one target for `seconds`; resolves { target, exitCode, executions, execsPerSecond,
 * coverage, newUnits, seconds, crash, tail }.
 */
function runTarget(target, exe, seconds, { known = process.env.FUZZ_KNOWN !== "none" } = {}) {
  const corpus = path.join(OUT, "corpus", target);
  const artifacts = path.join(OUT, "artifacts", target) + path.sep;
  fs.mkdirSync(corpus, { recursive: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const args = [
    `-max_total_time=${seconds}`,
    "-print_final_stats=1",
    "-timeout=10",
    "-rss_limit_mb=2048",
    `-artifact_prefix=${artifacts}`,
    corpus,
    path.join(__dirname, "corpus", target),
  ];
  const dict = path.join(__dirname, `${target}.dict`);
  if (fs.existsSync(dict)) args.unshift(`-dict=${dict}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(exe, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...(known ? KNOWN[target] : {}) } });
    let log = "";
    child.stderr.on("data", (chunk) => {
      log += chunk;
      if (log.length > 1 << 20) log = log.slice(-(1 << 19));
    });
    child.on("close", (code, signal) => {
      const stat = (name) => Number((log.match(new RegExp(`stat::${name}:\\s*(\\d+)`)) || [])[1]);
      const cov = log.match(/#\d+\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+)/g) || [];
      const last = cov.length ? cov[cov.length - 1].match(/cov: (\d+) ft: (\d+)/) : null;
      const crash = (log.match(/Test unit written to (\S+)/) || [])[1];
      resolve({
        target,
        exitCode: code === null ? signal : code,
        executions: stat("number_of_executed_units"),
        execsPerSecond: stat("average_exec_per_sec"),
        coverage: last ? Number(last[1]) : undefined,
        features: last ? Number(last[2]) : undefined,
        newUnits: stat("new_units_added"),
        seconds: (Date.now() - started) / 1000,
        crash,
        tail: log.split("\n").slice(-40).join("\n"),
      });
    });
  });
}

/** Runs every file of test/fuzz/reproducers/<target>/ once; resolves [{ file, exitCode, tail }]. */
async function runReproducers(target, exe) {
  const dir = path.join(__dirname, "reproducers", target);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.endsWith(".md")).sort() : [];
  const results = [];
  for (const file of files) {
    results.push(await new Promise((resolve) => {
      const child = spawn(exe, [path.join(dir, file)], { stdio: ["ignore", "ignore", "pipe"] });
      let log = "";
      child.stderr.on("data", (chunk) => (log += chunk));
      child.on("close", (code, signal) => resolve({ file: path.join(path.relative(ROOT, dir), file), exitCode: code === null ? signal : code, tail: log.split("\n").filter((l) => /fuzzer:|^\s+(body|id|encoded|first)|ERROR|SUMMARY/.test(l)).join("\n") }));
    }));
  }
  return results;
}

async function main() {
  const seconds = Number(process.env.FUZZ_SECONDS || 60);
  const names = process.argv.slice(2).length ? process.argv.slice(2) : undefined;
  const built = build(names);
  let failed = false;
  const rows = [];
  for (const [target, exe] of Object.entries(built)) {
    for (const r of await runReproducers(target, exe)) {
      console.log(`${target}: reproducer ${r.file}: ${r.exitCode === 0 ? "clean" : "FAILS"}`);
      if (r.exitCode !== 0) {
        failed = true;
        console.log(r.tail);
      }
    }
    console.log(`${target}: fuzzing for ${seconds} s`);
    const r = await runTarget(target, exe, seconds);
    rows.push(r);
    if (r.exitCode !== 0) {
      failed = true;
      console.log(`${target}: CRASH (exit ${r.exitCode}); input: ${r.crash || "?"}\n${r.tail}`);
    }
    console.log(`${target}: ${r.executions} executions, ${r.execsPerSecond} exec/s, cov ${r.coverage}, ${r.newUnits} new units, exit ${r.exitCode}`);
  }
  console.log("\ntarget        executions   exec/s   cov   result");
  for (const r of rows) {
    console.log(`${r.target.padEnd(12)} ${String(r.executions).padStart(11)} ${String(r.execsPerSecond).padStart(8)} ${String(r.coverage).padStart(5)}   ${r.exitCode === 0 ? "ok" : "CRASH"}`);
  }
  process.exit(failed ? 1 : 0);
}

module.exports = { runTarget, runReproducers, KNOWN };

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
