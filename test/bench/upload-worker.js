// One upload benchmark run in a fresh process: upload one file with one client ("native" =
// fal-native from the path, "official" = @fal-ai/client with a file-backed Blob from
// fs.openAsBlob, the lowest-memory way to hand it a file), against an emulator started elsewhere.
// Prints one JSON line: wall time, peak RSS growth over the pre-upload baseline, JS-thread CPU.
"use strict";

const fs = require("fs");
const { startMeasurement } = require("./measure");
const { emulatorUrls, benchClient } = require("./bench-clients");

const [clientName, emulatorUrl, file] = process.argv.slice(2);
const urls = emulatorUrls(emulatorUrl);

async function upload() {
  const client = benchClient(clientName, urls);
  if (clientName === "official") {
    const blob = await fs.openAsBlob(file, { type: "application/octet-stream" });
    return client.storage.upload(blob);
  }
  return client.storage.upload(file);
}

async function main() {
  if (global.gc) global.gc();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const measurement = startMeasurement();
  const url = await upload();
  const m = measurement.stop();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const size = fs.statSync(file).size;
  console.log(JSON.stringify({ client: clientName, size, url, ...m, rssGrowthMiB: (peak - baseline) / 2 ** 20 }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
