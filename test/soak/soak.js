#!/usr/bin/env node
// A bounded fault soak: thousands of run / subscribe / stream / upload calls, `--concurrency` at a
// time, against test/soak/fault-server.js (429 bursts, 5xx, resets, truncated and malformed
// bodies, wrong content types, slow answers and stalls), with random aborts and subscribe
// timeouts. Checks that every call settles, no rejection goes unhandled, and that RSS, active
// handles and open file descriptors after the run are flat against the same measure after a
// warm-up (both taken idle, after a GC).
//
//   npm run soak                            2,000 calls
//   npm run soak -- --calls 100000          or --minutes 10
//   options: --concurrency 32 --seed 1 --call-timeout 5000 --rss-tolerance-mb 64 --json
//
// Every call carries an AbortSignal that fires after --call-timeout ms: a call the engine did not
// settle by itself (a stall with no deadline) settles through it, and is counted as
// "settled by the safety abort". A call still pending 10 s after that abort is "unsettled" (a
// bug). Exit status: 0 when every check holds, 1 otherwise. Prints a summary (or --json: one JSON
// object on the last line).
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

if (typeof global.gc !== "function") {
  // Re-run with --expose-gc so the idle measurements follow a full collection.
  const r = spawnSync(process.execPath, ["--expose-gc", __filename, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { startFaultServer, prng } = require("./fault-server");
const { createFalClient } = require("../../dist/lib");

function parseArgs(argv) {
  const o = { calls: 2000, minutes: 0, concurrency: 32, seed: 1, callTimeout: 5000, rssToleranceMb: 64, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => Number(argv[++i]);
    if (a === "--calls") o.calls = next();
    else if (a === "--minutes") o.minutes = next();
    else if (a === "--seconds") o.minutes = next() / 60;
    else if (a === "--concurrency") o.concurrency = next();
    else if (a === "--seed") o.seed = next();
    else if (a === "--call-timeout") o.callTimeout = next();
    else if (a === "--rss-tolerance-mb") o.rssToleranceMb = next();
    else if (a === "--json") o.json = true;
    else throw new Error(`soak: unknown option ${a}`);
  }
  return o;
}

const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fdCount() {
  try {
    return fs.readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

async function idleSnapshot() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await sleep(100);
  }
  const resources = process.getActiveResourcesInfo();
  const byType = {};
  for (const r of resources) byType[r] = (byType[r] || 0) + 1;
  return { rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, handles: resources.length, handleTypes: byType, fds: fdCount() };
}

function classify(error) {
  if (!error || typeof error !== "object") return `thrown ${typeof error}`;
  const name = error.name || error.constructor?.name || "Error";
  const detail = error.status ?? error.code ?? "";
  return `${name}${detail !== "" ? " " + detail : ""}`;
}

async function soak(options) {
  const random = prng(options.seed * 7919 + 13);
  const server = await startFaultServer({ seed: options.seed });
  const client = createFalClient({
    credentials: "soak-key",
    baseUrls: server.baseUrls,
    retry: { maxRetries: 2, baseDelay: 5, maxDelay: 20 },
  });
  const endpoint = "fal-ai/soak";
  const upload = new Uint8Array(2048).fill(7);

  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(classify(reason) + ": " + String(reason?.message || reason).slice(0, 200));
  process.on("unhandledRejection", onUnhandled);

  const stats = { calls: 0, byKind: {}, outcomes: {}, safetyAborts: {}, randomAborts: 0, unsettled: [] };
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  async function call(i) {
    const r = random();
    const kind = r < 0.35 ? "run" : r < 0.65 ? "subscribe" : r < 0.85 ? "stream" : "upload";
    stats.byKind[kind] = (stats.byKind[kind] || 0) + 1;
    const controller = new AbortController();
    let safety = false;
    const safetyTimer = setTimeout(() => {
      safety = true;
      controller.abort(new Error("soak: per-call timeout"));
    }, options.callTimeout);
    let abortTimer;
    if (random() < 0.06) {
      stats.randomAborts++;
      abortTimer = setTimeout(() => controller.abort(), Math.floor(random() * 120));
    }
    const subscribeTimeout = random() < 0.1 ? 20 + Math.floor(random() * 200) : undefined;
    const work = (async () => {
      switch (kind) {
        case "run":
          return client.run(endpoint, { input: { i }, abortSignal: controller.signal });
        case "subscribe":
          return client.subscribe(endpoint, { input: { i }, pollInterval: 5, abortSignal: controller.signal, timeout: subscribeTimeout });
        case "stream": {
          const stream = await client.stream(endpoint, { input: { i }, signal: controller.signal });
          for await (const event of stream) void event;
          return stream.done();
        }
        default:
          return client.storage.upload(new Blob([upload], { type: "application/octet-stream" }), { signal: controller.signal });
      }
    })();
    let outcome;
    let watchdog;
    const settled = await Promise.race([
      work.then(() => (outcome = "ok"), (error) => (outcome = classify(error))).then(() => true),
      new Promise((resolve) => (watchdog = setTimeout(() => resolve(false), options.callTimeout + 10000))),
    ]);
    clearTimeout(watchdog);
    clearTimeout(safetyTimer);
    clearTimeout(abortTimer);
    if (!settled) {
      stats.unsettled.push({ i, kind });
      outcome = "UNSETTLED";
    }
    const key = `${kind}: ${outcome}`;
    stats.outcomes[key] = (stats.outcomes[key] || 0) + 1;
    if (safety && settled) stats.safetyAborts[`${kind}: ${outcome}`] = (stats.safetyAborts[`${kind}: ${outcome}`] || 0) + 1;
    stats.calls++;
  }

  async function phase(count, deadline) {
    let next = 0;
    const workers = Array.from({ length: options.concurrency }, async () => {
      while ((count === Infinity ? Date.now() < deadline : next < count)) {
        const i = next++;
        if (count !== Infinity && i >= count) break;
        await call(stats.calls + i);
      }
    });
    await Promise.all(workers);
  }

  const started = Date.now();
  const startRss = process.memoryUsage().rss;
  const timed = options.minutes > 0;
  const totalMs = options.minutes * 60000;
  // Warm-up: 10% of the run (at least 300 calls), so connection pools, JIT and allocator arenas
  // have reached their working size before the baseline is taken.
  if (timed) await phase(Infinity, started + Math.max(totalMs * 0.1, 3000));
  else await phase(Math.max(300, Math.floor(options.calls * 0.1)));
  const warmCalls = stats.calls;
  const warm = await idleSnapshot();
  if (timed) await phase(Infinity, started + totalMs);
  else await phase(options.calls - warmCalls);
  const end = await idleSnapshot();
  clearInterval(sampler);
  process.off("unhandledRejection", onUnhandled);
  const durationS = (Date.now() - started) / 1000;
  if (typeof client.close === "function") await client.close();
  await server.close();
  const afterClose = await idleSnapshot();

  const checks = {
    everyCallSettled: stats.unsettled.length === 0,
    noUnhandledRejection: unhandled.length === 0,
    rssFlat: end.rss - warm.rss <= options.rssToleranceMb * MiB,
    handlesFlat: end.handles <= warm.handles + 2,
    fdsFlat: end.fds === undefined || end.fds <= warm.fds + 4,
  };
  return {
    options,
    calls: stats.calls,
    warmCalls,
    durationS,
    callsPerSecond: Math.round(stats.calls / durationS),
    byKind: stats.byKind,
    outcomes: stats.outcomes,
    randomAborts: stats.randomAborts,
    settledBySafetyAbort: stats.safetyAborts,
    unsettled: stats.unsettled.slice(0, 20),
    unhandled: unhandled.slice(0, 20),
    served: server.served,
    rssMb: { start: +(startRss / MiB).toFixed(1), warm: +(warm.rss / MiB).toFixed(1), peak: +(peakRss / MiB).toFixed(1), end: +(end.rss / MiB).toFixed(1) },
    heapUsedMb: { warm: +(warm.heapUsed / MiB).toFixed(1), end: +(end.heapUsed / MiB).toFixed(1) },
    handles: { warm: warm.handles, end: end.handles, afterClose: afterClose.handles, endTypes: end.handleTypes },
    fds: { warm: warm.fds, end: end.fds, afterClose: afterClose.fds },
    checks,
    ok: Object.values(checks).every(Boolean),
  };
}

function print(r) {
  const sorted = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]);
  console.log(`soak: ${r.calls} calls in ${r.durationS.toFixed(1)} s (${r.callsPerSecond}/s, concurrency ${r.options.concurrency}, seed ${r.options.seed})`);
  console.log(`  by kind: ${sorted(r.byKind).map(([k, v]) => `${k} ${v}`).join(", ")}; random aborts ${r.randomAborts}`);
  console.log("  outcomes:");
  for (const [k, v] of sorted(r.outcomes)) console.log(`    ${String(v).padStart(7)}  ${k}`);
  console.log(`  faults served: ${sorted(r.served).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const safety = sorted(r.settledBySafetyAbort);
  console.log(`  settled only by the ${r.options.callTimeout} ms safety abort: ${safety.length ? safety.map(([k, v]) => `${k} x${v}`).join(", ") : "none"}`);
  console.log(`  unsettled: ${r.unsettled.length}; unhandled rejections: ${r.unhandled.length}`);
  console.log(`  RSS MiB: start ${r.rssMb.start}, after warm-up ${r.rssMb.warm}, peak ${r.rssMb.peak}, end ${r.rssMb.end}; heap used ${r.heapUsedMb.warm} -> ${r.heapUsedMb.end}`);
  console.log(`  active handles: after warm-up ${r.handles.warm}, end ${r.handles.end}, after close ${r.handles.afterClose}; fds ${r.fds.warm} -> ${r.fds.end} (after close ${r.fds.afterClose})`);
  console.log(`  checks: ${Object.entries(r.checks).map(([k, v]) => `${k} ${v ? "ok" : "FAIL"}`).join(", ")}`);
}

module.exports = { soak, parseArgs };

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  soak(options).then(
    (r) => {
      print(r);
      if (options.json) console.log(JSON.stringify(r));
      // Anything the client left behind must not keep the process alive.
      process.exit(r.ok ? 0 : 1);
    },
    (error) => {
      console.error(error.stack || error);
      process.exit(1);
    },
  );
}
