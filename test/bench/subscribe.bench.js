// Benchmark: the same subscribe workload with fal-native and with @fal-ai/client, in one run.
//   node test/bench/subscribe.bench.js [--count 200] [--rounds 3] [--poll 100]
// Each round runs each client in a fresh process (order alternates between rounds) against one
// emulator process. Reports medians over rounds and fal-native/official ratios, losing rows
// included.
"use strict";

const { execFileSync } = require("child_process");
const path = require("path");
const { median } = require("./measure");
const { numberOption, format } = require("./bench-args");
const { startEmulatorProcess } = require("./emulator-process");

const count = numberOption("count", 200);
const rounds = numberOption("rounds", 3);
const poll = numberOption("poll", 100);

function runOnce(client, url) {
  const worker = path.join(__dirname, "subscribe-worker.js");
  const output = execFileSync(process.execPath, [worker, client, url, String(count), String(poll)], { encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").pop());
}

async function main() {
  // Each request waits ~0.4 s in the queue and runs 6 steps of 100 ms: about 10 polls at 100 ms.
  const emulator = await startEmulatorProcess(["--queue-ms", "400", "--step-ms", "100", "--steps", "6", "--runners", "100000"]);
  const runs = { native: [], official: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["native", "official"] : ["official", "native"];
      for (const client of order) {
        const result = runOnce(client, emulator.url);
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
  ];
  console.log(`\nSubscribe benchmark: ${count} concurrent subscribes, pollInterval ${poll} ms, median of ${rounds} rounds (node ${process.version})\n`);
  console.log("| metric | fal-native | @fal-ai/client | ratio (native/official) |");
  console.log("|---|---|---|---|");
  for (const [label, key] of metrics) {
    const native = median(runs.native.map((r) => r[key]));
    const official = median(runs.official.map((r) => r[key]));
    console.log(`| ${label} | ${format(native)} | ${format(official)} | ${format(native / official)} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
