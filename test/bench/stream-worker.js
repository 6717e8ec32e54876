// One streaming benchmark run in a fresh process: one fal.stream of N events with one client
// ("native" = fal-native, "official" = @fal-ai/client), against an emulator started elsewhere.
// Consumes with on("data") + done(), or with for-await when the mode is "iterate". Mode "split"
// has the emulator write the byte stream in 5-byte pieces, cutting multi-byte characters.
// Prints one JSON line with the measurements.
"use strict";

const { startMeasurement } = require("./measure");
const { emulatorUrls, benchClient } = require("./bench-clients");

const [clientName, emulatorUrl, countArg, payloadArg, mode] = process.argv.slice(2);
const count = Number(countArg);
const payloadBytes = Number(payloadArg);
const urls = emulatorUrls(emulatorUrl);

async function consume(stream) {
  let events = 0;
  let textOk = 0;
  const check = (event) => {
    events++;
    if (event.text === "héllo 🌍 世界") textOk++;
  };
  if (mode === "iterate") {
    for await (const event of stream) check(event);
  } else {
    stream.on("data", check);
  }
  const last = await stream.done();
  return { events, textOk, lastIndex: last && last.index };
}

async function main() {
  const client = benchClient(clientName, urls);
  const input = mode === "split" ? { count, payloadBytes, chunkBytes: 5 } : { count, payloadBytes };
  // Warm up connections and code paths; not measured.
  await consume(await client.stream("fal-native/stream-test", { input: { count: 50, payloadBytes } }));

  const measurement = startMeasurement();
  const outcome = await consume(await client.stream("fal-native/stream-test", { input }));
  const m = measurement.stop();
  console.log(JSON.stringify({ client: clientName, mode: mode || "listen", count, payloadBytes, ...outcome, ...m, jsCpuPerEventUs: (m.jsCpuMs * 1000) / outcome.events }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
