// Benchmark: fal.storage.upload of a 100 MiB and a 1 GiB file with fal-native and with
// @fal-ai/client, in one run.
//   node test/bench/upload.bench.js [--rounds 3] [--sizes 100,1024]   (sizes in MiB)
//                                   [--tls [--extra-ca ca|system]]   (see emulator-process.js)
// Every run is a fresh client process and a fresh emulator process (so stored files never pile
// up); the order alternates between rounds. Reports medians, ratios and the RSS-growth targets,
// and the connections each client opened in its last run.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { median } = require("./measure");
const { option, format, connectionsRow } = require("./bench-args");
const { startEmulatorProcess } = require("./emulator-process");

const rounds = Number(option("rounds", 3));
const sizesMiB = option("sizes", "100,1024").split(",").map(Number);

function makeFile(mib) {
  const file = path.join(os.tmpdir(), `fal-native-bench-${mib}MiB.bin`);
  if (!fs.existsSync(file) || fs.statSync(file).size !== mib * 2 ** 20) {
    const fd = fs.openSync(file, "w");
    const chunk = crypto.randomBytes(2 ** 20);
    for (let i = 0; i < mib; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }
  return file;
}

async function runOnce(client, file) {
  const emulator = await startEmulatorProcess([]);
  try {
    const result = await emulator.runWorker(path.join(__dirname, "upload-worker.js"), [client, emulator.url, file], {
      nodeArgs: ["--expose-gc"],
      maxBuffer: 1 << 20,
    });
    return { ...result, transport: emulator.transport };
  } finally {
    emulator.stop();
  }
}


async function main() {
  const rows = [];
  let transport;
  for (const mib of sizesMiB) {
    const file = makeFile(mib);
    const runs = { native: [], official: [] };
    for (let round = 0; round < rounds; round++) {
      for (const client of round % 2 === 0 ? ["native", "official"] : ["official", "native"]) {
        const result = await runOnce(client, file);
        runs[client].push(result);
        console.error(`${mib} MiB round ${round + 1} ${client}: ${JSON.stringify(result)}`);
      }
    }
    for (const [label, key] of [["wall time (ms)", "wallMs"], ["peak RSS growth (MiB)", "rssGrowthMiB"], ["JS-thread CPU (ms)", "jsCpuMs"]]) {
      const native = median(runs.native.map((r) => r[key]));
      const official = median(runs.official.map((r) => r[key]));
      rows.push(`| ${mib} MiB | ${label} | ${format(native, 1)} | ${format(official, 1)} | ${format(native / official, 2)} |`);
    }
    rows.push(connectionsRow(runs).replace(/^\| /, `| ${mib} MiB | `));
    transport = runs.native[0].transport;
  }
  console.log(`\nUpload benchmark: ${transport}, median of ${rounds} rounds (node ${process.version})\n`);
  console.log("| file | metric | fal-native | @fal-ai/client | ratio (native/official) |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
