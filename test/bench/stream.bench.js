// Benchmark: one fal.stream of many SSE events with fal-native and with @fal-ai/client, in one run.
//   node test/bench/stream.bench.js [--count 10000] [--payload 64] [--rounds 3] [--iterate-count 300]
//                                   [--tls [--extra-ca ca|system]]   (see emulator-process.js)
// Each round runs each client in a fresh process (order alternates between rounds) against one
// emulator process. Events are consumed with on("data") + done(). A second, smaller table uses
// for-await, where the official client's iterator waits 16 ms per event (so it is kept short), and
// a third checks text integrity when the server splits multi-byte characters across writes.
// Reports medians over rounds and fal-native/official ratios, losing rows included, and the
// connections each client opened.
"use strict";

const path = require("path");
const { median } = require("./measure");
const { numberOption, format, connectionsRow } = require("./bench-args");
const { startEmulatorProcess } = require("./emulator-process");

const count = numberOption("count", 10000);
const payload = numberOption("payload", 64);
const rounds = numberOption("rounds", 3);
const iterateCount = numberOption("iterate-count", 300);

function runOnce(client, emulator, events, mode) {
  return emulator.runWorker(path.join(__dirname, "stream-worker.js"), [client, emulator.url, String(events), String(payload), mode]);
}

async function measure(emulator, events, mode, roundsToRun) {
  const runs = { native: [], official: [] };
  for (let round = 0; round < roundsToRun; round++) {
    const order = round % 2 === 0 ? ["native", "official"] : ["official", "native"];
    for (const client of order) {
      const result = await runOnce(client, emulator, events, mode);
      if (result.events !== events || result.lastIndex !== events - 1) {
        throw new Error(`${client} (${mode}): got ${result.events}/${events} events, last index ${result.lastIndex}`);
      }
      runs[client].push(result);
      console.error(`round ${round + 1} ${client} ${mode}: ${JSON.stringify(result)}`);
    }
  }
  return runs;
}

function table(title, runs) {
  const metrics = [
    ["JS-thread CPU per event (µs)", "jsCpuPerEventUs"],
    ["JS-thread CPU total (ms)", "jsCpuMs"],
    ["Wall time (ms)", "wallMs"],
    ["Process CPU, all threads (ms)", "processCpuMs"],
    ["Event-loop delay p99 (ms)", "loopDelayP99Ms"],
    ["Events with intact UTF-8 text", "textOk"],
  ];
  console.log(`\n${title}\n`);
  console.log("| metric | fal-native | @fal-ai/client | ratio (native/official) |");
  console.log("|---|---|---|---|");
  for (const [label, key] of metrics) {
    const native = median(runs.native.map((r) => r[key]));
    const official = median(runs.official.map((r) => r[key]));
    console.log(`| ${label} | ${format(native)} | ${format(official)} | ${format(native / official)} |`);
  }
  console.log(connectionsRow(runs));
}

async function main() {
  const emulator = await startEmulatorProcess([]);
  try {
    const listen = await measure(emulator, count, "listen", rounds);
    const iterate = iterateCount > 0 ? await measure(emulator, iterateCount, "iterate", rounds) : undefined;
    const split = await measure(emulator, 200, "split", 1);
    const where = `payload ${payload} B + multi-byte text, ${emulator.transport}, median of ${rounds} rounds (node ${process.version})`;
    table(`Stream benchmark: ${count} SSE events consumed with on("data"), ${where}`, listen);
    if (iterate) table(`Stream benchmark: ${iterateCount} SSE events consumed with for-await, ${where}`, iterate);
    table("Correctness: 200 events written in 5-byte pieces (characters split across reads), 1 round", split);
  } finally {
    emulator.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
