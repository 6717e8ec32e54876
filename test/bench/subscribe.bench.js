// Benchmark: the same subscribe workload with three peers in one run: fal-native, @fal-ai/client
// and "undici by hand" (undici-peer.js: an undici Pool doing submit, status polls and the result).
//   node test/bench/subscribe.bench.js [--count 200] [--rounds 3] [--poll 100]
//        [--tls [--extra-ca ca|system]] [--peers native,official,undici] [--undici-ca default|explicit]
// Each round runs each peer in a fresh process (order reversed every other round) against one
// emulator process. Reports medians over rounds and the ratios fal-native/official and
// fal-native/undici, losing rows included; the connections each peer opened; the emulator's own
// CPU during each window (is the server the bottleneck?); and "the floor" (floor-worker.js):
// the least JS-thread work per subscribe, with each peer's JS-thread CPU as a multiple of it.
// --tls: see emulator-process.js.
"use strict";

const os = require("os");
const path = require("path");
const { median } = require("./measure");
const { numberOption, option, format, connectionsRow } = require("./bench-args");
const { startEmulatorProcess } = require("./emulator-process");

const count = numberOption("count", 200);
const rounds = numberOption("rounds", 3);
const poll = numberOption("poll", 100);
const peers = option("peers", "native,official,undici").split(",");
// How the undici peer trusts the emulator's CA over TLS (undici-peer.js): Node's default store, which
// includes NODE_EXTRA_CA_CERTS, or `connect: { ca }` read from that file.
const undiciCa = option("undici-ca", "default");
if (!["default", "explicit"].includes(undiciCa)) throw new Error(`--undici-ca must be "default" or "explicit"`);
process.env.FAL_BENCH_UNDICI_CA = undiciCa; // workers inherit it
const NAMES = { native: "fal-native", official: "@fal-ai/client", undici: "undici by hand" };
for (const peer of peers) if (!NAMES[peer]) throw new Error(`--peers: unknown peer ${JSON.stringify(peer)} (native, official, undici)`);

function runOnce(client, emulator) {
  // Large counts: the official client's stderr warnings and long result lines stay within the buffer.
  return emulator.runWorker(path.join(__dirname, "subscribe-worker.js"), [client, emulator.url, String(count), String(poll)], {
    maxBuffer: 64 * 2 ** 20,
  });
}

/** Each peer's derived figures: floor per subscribe at its own update rate, and its JS CPU over it. */
function withFloor(result, floor) {
  const updatesPerSubscribe = result.completed ? result.updates / result.completed : NaN;
  const floorMs = floor.statusBodyMs * updatesPerSubscribe + floor.resultBodyMs;
  const netJsCpuMs = result.jsCpuMs - (floor.measurementJsCpuMsPerSecond * result.wallMs) / 1000;
  return {
    ...result,
    netJsCpuPerSubscribeMs: netJsCpuMs / result.completed,
    floorMs,
    jsCpuOverFloor: result.jsCpuPerSubscribeMs / floorMs,
    emulatorMainThreadPercent: (100 * result.emulatorMainThreadCpuMs) / result.wallMs,
    // Both processes' CPU over what the machine's cores could give in the window: near 100, the
    // machine (not one process) is the limit, and polls slow down for every peer.
    machinePercent: (100 * (result.processCpuMs + result.emulatorCpuMs)) / (result.wallMs * os.cpus().length),
    jsCpuPerBodyUs: (1000 * result.jsCpuMs) / (result.updates + result.completed),
  };
}

const METRICS = [
  ["JS-thread CPU per subscribe (ms)", "jsCpuPerSubscribeMs"],
  ["  same, less what measuring costs an idle thread over the same wall time (ms)", "netJsCpuPerSubscribeMs", 3],
  ["JS-thread CPU total (ms)", "jsCpuMs"],
  ["JS-thread CPU per body received: status or result (µs)", "jsCpuPerBodyUs", 1],
  ["Event-loop delay p99 (ms)", "loopDelayP99Ms"],
  ["Wall time (ms)", "wallMs"],
  ["Process CPU, all threads (ms)", "processCpuMs"],
  ["fal-native I/O thread CPU (ms)", "ioThreadCpuMs", 0],
  ["fal-native I/O thread busy (% of wall)", "ioThreadBusyPercent", 0],
  ["Peak RSS (MiB)", "peakRssMiB"],
  ["Peak sockets (socket fds, sampled every 20 ms)", "peakSockets", 0],
  ["Connections accepted by the emulator", "connections", 0],
  ["Status updates delivered", "updates", 0],
  ["Completed subscribes", "completed", 0],
  ["Floor per subscribe at this peer's updates (ms)", "floorMs", 4],
  ["JS-thread CPU per subscribe / floor", "jsCpuOverFloor", 1],
  ["Emulator main-thread CPU in the window (ms)", "emulatorMainThreadCpuMs", 0],
  ["Emulator main-thread CPU / wall (%)", "emulatorMainThreadPercent", 0],
  ["Emulator CPU, all threads (ms)", "emulatorCpuMs", 0],
  ["Client + emulator CPU / (wall x cores) (%)", "machinePercent", 0],
];

function printTable(runs, floor, transport) {
  console.log(
    `\nSubscribe benchmark: ${count} concurrent subscribes, pollInterval ${poll} ms, ${transport}, ` +
      `median of ${rounds} round${rounds === 1 ? "" : "s"} (node ${process.version}` +
      `${transport.startsWith("HTTPS") && undiciCa === "explicit" ? "; undici peer with connect: { ca }" : ""})\n`,
  );
  const ratios = ["official", "undici"].filter((peer) => peers.includes("native") && peers.includes(peer));
  console.log(`| metric | ${peers.map((peer) => NAMES[peer]).join(" | ")} |${ratios.map((peer) => ` ratio native/${peer} |`).join("")}`);
  console.log(`|---|${peers.map(() => "---|").join("")}${ratios.map(() => "---|").join("")}`);
  for (const [label, key, digits = 2] of METRICS) {
    const values = Object.fromEntries(peers.map((peer) => [peer, median(runs[peer].map((r) => r[key]))]));
    const cells = peers.map((peer) => format(values[peer], digits));
    const ratioCells = ratios.map((peer) => format(values.native / values[peer]));
    console.log(`| ${label} | ${cells.join(" | ")} |${ratioCells.map((cell) => ` ${cell} |`).join("")}`);
  }
  console.log(connectionsRow(runs, peers, ratios.length));
  console.log(
    `\nThe floor (one promise settled + one JSON.parse per body the user receives, real bodies, JS thread): ` +
      `${format(floor.statusBodyMs * 1000, 2)} µs per status body (${format(floor.statusBytes, 0)} B average), ` +
      `${format(floor.resultBodyMs * 1000, 2)} µs for the result (${floor.resultBytes} B); ` +
      `${format(floor.floorPerSubscribeMs, 4)} ms per subscribe with ${floor.statusBodies} status updates. ` +
      `Measuring itself costs an idle JS thread ${format(floor.measurementJsCpuMsPerSecond, 1)} ms of CPU per second of wall time.`,
  );
  if (peers.includes("native")) {
    const native = median(runs.native.map((r) => r.jsCpuPerSubscribeMs));
    const nativeNet = median(runs.native.map((r) => r.netJsCpuPerSubscribeMs));
    console.log(
      `fal-native's JS-thread CPU per subscribe: ${format(native, 3)} ms = ${format(native / floor.floorPerSubscribeMs, 1)}x ` +
        `the floor with ${floor.statusBodies} updates (${format(median(runs.native.map((r) => r.jsCpuOverFloor)), 1)}x at its own update count); ` +
        `less the measuring: ${format(nativeNet, 3)} ms = ${format(nativeNet / floor.floorPerSubscribeMs, 1)}x.`,
    );
  }
}

async function main() {
  // Each request waits ~0.4 s in the queue and runs 6 steps of 100 ms: about 10 polls at 100 ms.
  const emulator = await startEmulatorProcess(["--queue-ms", "400", "--step-ms", "100", "--steps", "6", "--runners", "100000"]);
  const runs = Object.fromEntries(peers.map((peer) => [peer, []]));
  let floor;
  try {
    floor = await emulator.runWorker(path.join(__dirname, "floor-worker.js"), [emulator.url, String(poll)]);
    console.error(`floor: ${JSON.stringify(floor)}`);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? peers : [...peers].reverse();
      for (const client of order) {
        const result = withFloor(await runOnce(client, emulator), floor);
        if (result.completed !== count) console.error(`WARNING ${client}: only ${result.completed}/${count} subscribes completed (${result.failed} failed: ${result.firstError})`);
        if (result.otherFdsChanged) console.error(`note ${client}: ${result.otherFdsChanged} non-socket fds came or went during the window; peak sockets may be off by that much`);
        runs[client].push(result);
        console.error(`round ${round + 1} ${client}: ${JSON.stringify(result)}`);
      }
    }
  } finally {
    emulator.stop();
  }
  printTable(runs, floor, emulator.transport);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
