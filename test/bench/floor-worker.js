// "The floor" of the subscribe bench (measuring.md): the least JavaScript-thread work any client
// must do per subscribe, one promise settled plus one JSON.parse of each body the user receives
// (each status update it asked for, and the result). Captures the real bodies of one subscribe
// from the emulator (status polled with logs=1 every `poll` ms, as the bench does), then times
// that work in a loop on this thread. Prints one JSON line: ms per status body and per result.
"use strict";

const { setTimeout: sleep } = require("timers/promises");
const { mainThreadCpuMs, median, startMeasurement } = require("./measure");

const [emulatorUrl, pollArg] = process.argv.slice(2);
const poll = Number(pollArg);
const headers = { authorization: "Key bench-key", "content-type": "application/json" };

async function text(url, init) {
  const response = await fetch(url, { headers, ...init });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** The raw status bodies and result body of one subscribe, as a client receives them. */
async function captureBodies() {
  const input = { prompt: "a lighthouse at dusk, benchmark", seed: 7, output_format: "png" };
  const queued = JSON.parse(await text(`${emulatorUrl}/queue/fal-ai/flux-1/schnell`, { method: "POST", body: JSON.stringify(input) }));
  const statuses = [];
  for (;;) {
    statuses.push(await text(`${queued.status_url}?logs=1`));
    if (JSON.parse(statuses[statuses.length - 1]).status === "COMPLETED") break;
    await sleep(poll);
  }
  return { statuses, result: await text(queued.response_url) };
}

/** JS-thread CPU ms per body: settle one promise with JSON.parse(body), awaited, for each body. */
async function timePerBody(bodies, iterations) {
  const once = async () => {
    for (const body of bodies) await new Promise((resolve) => resolve(JSON.parse(body)));
  };
  for (let i = 0; i < iterations; i++) await once(); // warm-up: optimized code, as in a long run
  const batches = [];
  for (let batch = 0; batch < 5; batch++) {
    const cpu0 = mainThreadCpuMs();
    for (let i = 0; i < iterations; i++) await once();
    batches.push((mainThreadCpuMs() - cpu0) / (iterations * bodies.length));
  }
  return median(batches);
}

/**
 * What measuring costs the JS thread by itself, per second of an idle window: the loop-delay
 * histogram's 1 ms timer and the 20 ms RSS/fd sampler wake the thread about 1,050 times a second.
 * Every peer pays it for its whole wall time; the bench shows JS-thread CPU with and without it.
 */
async function measurementCostPerSecond() {
  const windows = [];
  for (let i = 0; i < 3; i++) {
    const measurement = startMeasurement();
    await sleep(1000);
    const m = measurement.stop();
    windows.push((1000 * m.jsCpuMs) / m.wallMs);
  }
  return median(windows);
}

async function main() {
  const measurementJsCpuMsPerSecond = await measurementCostPerSecond();
  const { statuses, result } = await captureBodies();
  const statusBodyMs = await timePerBody(statuses, 2000);
  const resultBodyMs = await timePerBody([result], 20000);
  console.log(
    JSON.stringify({
      statusBodies: statuses.length,
      statusBytes: statuses.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / statuses.length,
      resultBytes: Buffer.byteLength(result),
      statusBodyMs,
      resultBodyMs,
      floorPerSubscribeMs: statusBodyMs * statuses.length + resultBodyMs,
      measurementJsCpuMsPerSecond,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
