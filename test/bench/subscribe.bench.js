// Benchmark: the same subscribe workload with fal-native and with @fal-ai/client, in one run.
//   node test/bench/subscribe.bench.js [--count 200] [--rounds 3] [--poll 100] [--tls [--extra-ca ca|system]]
// Each round runs each client in a fresh process (order alternates between rounds) against one
// emulator process. Reports medians over rounds and fal-native/official ratios, losing rows
// included, and the connections each client opened. --tls: see emulator-process.js.
"use strict";

const path = require("path");
const { median } = require("./measure");
const { numberOption, format, connectionsRow } = require("./bench-args");
const { startEmulatorProcess } = require("./emulator-process");

const count = numberOption("count", 200);
const rounds = numberOption("rounds", 3);
const poll = numberOption("poll", 100);

function runOnce(client, emulator) {
  return emulator.runWorker(path.join(__dirname, "subscribe-worker.js"), [client, emulator.url, String(count), String(poll)]);
}

async function main() {
  // Each request waits ~0.4 s in the queue and runs 6 steps of 100 ms: about 10 polls at 100 ms.
  const emulator = await startEmulatorProcess(["--queue-ms", "400", "--step-ms", "100", "--steps", "6", "--runners", "100000"]);
  const runs = { native: [], official: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["native", "official"] : ["official", "native"];
      for (const client of order) {
        const result = await runOnce(client, emulator);
        if (result.completed !== count) throw new Error(`${client}: only ${result.completed}/${count} subscribes completed`);
        runs[client].push(result);
        console.error(`round ${round + 1} ${client}: ${JSON.stringify(result)}`);
      }
    }
  } finally {
    emulator.stop();
  }

  const metrics = [
    ["JS-thread CPU per subscribe (ms)", "jsCpuPerSubscribeMs", "lower"],
    ["JS-thread CPU total (ms)", "jsCpuMs", "lower"],
    ["Event-loop delay p99 (ms)", "loopDelayP99Ms", "lower"],
    ["Wall time (ms)", "wallMs", "lower"],
    ["Process CPU, all threads (ms)", "processCpuMs", "lower"],
    ["Peak RSS (MiB)", "peakRssMiB", "lower"],
  ];
  console.log(`\nSubscribe benchmark: ${count} concurrent subscribes, pollInterval ${poll} ms, ${emulator.transport}, median of ${rounds} rounds (node ${process.version})\n`);
  console.log("| metric | fal-native | @fal-ai/client | ratio (native/official) |");
  console.log("|---|---|---|---|");
  for (const [label, key] of metrics) {
    const native = median(runs.native.map((r) => r[key]));
    const official = median(runs.official.map((r) => r[key]));
    console.log(`| ${label} | ${format(native)} | ${format(official)} | ${format(native / official)} |`);
  }
  console.log(connectionsRow(runs));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
