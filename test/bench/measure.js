// Shared measurement helpers for benchmarks: CPU time of the JavaScript (main) thread only,
// event-loop delay, and child-process plumbing. Native I/O threads are deliberately not counted
// in the JS-thread figure: moving work off that thread is the point being measured.
"use strict";

const fs = require("fs");
const { monitorEventLoopDelay } = require("perf_hooks");

/** CPU time (ms) the main thread has run, from the kernel's per-thread scheduler stats. */
function mainThreadCpuMs() {
  const stat = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8");
  return Number(stat.split(" ")[0]) / 1e6;
}

/**
 * Starts measuring; stop() returns wall ms, JS-thread CPU ms, process CPU ms, loop delay and peak RSS.
 * The loop-delay figures include the 1 ms sampling interval itself, so an idle loop reads ~1 ms.
 */
function startMeasurement() {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const wall0 = performance.now();
  const js0 = mainThreadCpuMs();
  const proc0 = process.cpuUsage();
  // Peak resident memory, sampled every 20 ms (as measuring.md describes).
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const wallMs = performance.now() - wall0;
      const jsCpuMs = mainThreadCpuMs() - js0;
      const proc = process.cpuUsage(proc0);
      histogram.disable();
      return {
        wallMs,
        jsCpuMs,
        processCpuMs: (proc.user + proc.system) / 1000,
        loopDelayP99Ms: histogram.percentile(99) / 1e6,
        loopDelayMaxMs: histogram.max / 1e6,
        peakRssMiB: peakRss / 2 ** 20,
      };
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

module.exports = { mainThreadCpuMs, startMeasurement, median };
