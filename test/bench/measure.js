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
 * CPU ms of this process's fal-native I/O threads (named "fal-native-io" by the addon), and how
 * many there are: how busy the one thread per client is, apart from the JS thread and V8's.
 */
function ioThreadsCpuMs() {
  let ms = 0;
  let threads = 0;
  for (const task of fs.readdirSync("/proc/self/task")) {
    try {
      if (fs.readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim() !== "fal-native-io") continue;
      ms += Number(fs.readFileSync(`/proc/self/task/${task}/schedstat`, "utf8").split(" ")[0]) / 1e6;
      threads++;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { ms, threads };
}

/** CPU ms of another process: its main thread, and all its threads, from the kernel's schedstat. */
function processCpuMs(pid) {
  const ms = (file) => Number(fs.readFileSync(file, "utf8").split(" ")[0]) / 1e6;
  let all = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      all += ms(`/proc/${pid}/task/${task}/schedstat`);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { main: ms(`/proc/${pid}/task/${pid}/schedstat`), all };
}

/**
 * The emulator's CPU during the window, when the driver named its process in FAL_BENCH_EMULATOR_PID
 * (emulator-process.js does): shows whether the server, not the client, was the bottleneck.
 * Threads that ended during the window are missed in `all`.
 */
function startEmulatorCpu() {
  const pid = Number(process.env.FAL_BENCH_EMULATOR_PID);
  if (!pid) return () => ({});
  const before = processCpuMs(pid);
  return () => {
    const after = processCpuMs(pid);
    return { emulatorMainThreadCpuMs: after.main - before.main, emulatorCpuMs: after.all - before.all };
  };
}

/** How many of this process's open fds (stdio aside) are sockets, by reading every /proc/self/fd link (slow: ~7 µs a fd). */
function countSocketFds() {
  let sockets = 0;
  let total = 0;
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      // fds 0-2 are not counted: a child spawned with pipes gets its stdio as libuv socketpairs.
      if (Number(fd) > 2 && fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) sockets++;
      total++;
    } catch {
      // The fd readdir itself used is gone by now.
    }
  }
  return { sockets, other: total - sockets };
}

/** Open fds of this process: one stat, since Linux 6.2 its size is the count; else a readdir. */
function openFdCount() {
  return fs.statSync("/proc/self/fd").size || fs.readdirSync("/proc/self/fd").length - 1;
}

/**
 * Peak socket fds, sampled cheaply: every fd is classified once at start (readlink), and each
 * sample takes the open-fd count minus the non-socket fds seen at start. Reading every link per
 * sample would cost ~50 ms at 8,000 fds, more than the 20 ms interval, on the thread measured.
 * stop() classifies again and reports `otherFdsChanged` if non-socket fds came or went meanwhile
 * (then the peak is off by at most that many).
 */
function startSocketSampler() {
  const start = countSocketFds();
  let peak = start.sockets;
  return {
    sample() {
      peak = Math.max(peak, openFdCount() - start.other);
    },
    stop() {
      const end = countSocketFds();
      peak = Math.max(peak, end.sockets);
      return { peakSockets: peak, otherFdsChanged: end.other - start.other };
    },
  };
}

/**
 * Starts measuring; stop() returns wall ms, JS-thread CPU ms, process CPU ms, loop delay, peak RSS
 * and peak socket fds.
 * The loop-delay figures include the 1 ms sampling interval itself, so an idle loop reads ~1 ms.
 */
function startMeasurement() {
  const sockets = startSocketSampler(); // before the window: its readlink pass is not measured
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const wall0 = performance.now();
  const js0 = mainThreadCpuMs();
  const io0 = ioThreadsCpuMs();
  const proc0 = process.cpuUsage();
  const emulatorCpu = startEmulatorCpu();
  // Peak resident memory and socket fds, sampled every 20 ms (as measuring.md describes).
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    sockets.sample();
  }, 20);
  return {
    stop() {
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      sockets.sample();
      const wallMs = performance.now() - wall0;
      const jsCpuMs = mainThreadCpuMs() - js0;
      const io = ioThreadsCpuMs();
      const proc = process.cpuUsage(proc0);
      const emulator = emulatorCpu();
      histogram.disable();
      const { peakSockets, otherFdsChanged } = sockets.stop();
      return {
        wallMs,
        jsCpuMs,
        processCpuMs: (proc.user + proc.system) / 1000,
        // Only fal-native has such threads; a client made inside the window is counted from 0.
        ioThreadCpuMs: io.threads ? io.ms - io0.ms : undefined,
        ioThreadBusyPercent: io.threads ? (100 * (io.ms - io0.ms)) / wallMs : undefined,
        loopDelayP99Ms: histogram.percentile(99) / 1e6,
        loopDelayMaxMs: histogram.max / 1e6,
        peakRssMiB: peakRss / 2 ** 20,
        peakSockets,
        otherFdsChanged,
        ...emulator,
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
