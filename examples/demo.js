// The main job, end to end: fal.subscribe on a seed model with logs and queue updates shown,
// then the generated image written to disk.
//
// With FAL_KEY set and no FAL_*_URL override, this talks to the real fal service. Otherwise it
// starts the built-in fal emulator on loopback, so it needs no key and no network.
"use strict";

const path = require("path");
const { fal } = require("fal-native");
const { startEmulator } = require("fal-native/emulator");

const MODEL = "fal-ai/flux-pro/v1.1-ultra";
const OUTPUT_DIR = path.join(__dirname, "output");

async function main() {
  const useRealService = process.env.FAL_KEY && !process.env.FAL_QUEUE_URL;
  let emulator;
  if (!useRealService) {
    emulator = await startEmulator({ timing: { queueMs: 600, stepMs: 150, steps: 8, runners: 1 }, quiet: true });
    fal.config({ credentials: "emulator-key", baseUrls: emulator.urls });
    console.log(`Using the fal emulator at ${emulator.url} (set FAL_KEY to use the real service)`);
  }

  try {
    const started = Date.now();
    // Each update carries every log line so far: print only the new ones, and a state only when
    // it changes (status or queue position).
    let printedLogs = 0;
    let lastState = "";
    const result = await fal.subscribe(MODEL, {
      input: {
        prompt: "Extreme close-up of a single tiger eye, direct frontal view. The word \"FLUX\" is painted over it in big, white brush strokes.",
        seed: 42,
      },
      logs: true,
      onEnqueue: (requestId) => console.log(`enqueued: ${requestId}`),
      onQueueUpdate: (update) => {
        const state = update.status === "IN_QUEUE" ? `in queue, position ${update.queue_position}` : update.status.toLowerCase().replace("_", " ");
        const printState = () => state !== lastState && console.log(state);
        const logs = update.logs ?? [];
        // The last steps arrive with COMPLETED: show them before saying so.
        if (update.status !== "COMPLETED") printState();
        for (const log of logs.slice(printedLogs)) console.log(`  log: ${log.message}`);
        if (update.status === "COMPLETED") printState();
        printedLogs = Math.max(printedLogs, logs.length);
        lastState = state;
      },
    });
    console.log(`requestId: ${result.requestId} (${Date.now() - started} ms)`);

    const image = result.data.images[0];
    // fal-native's download helper: written to disk natively (temp file + rename), no fetch in JS.
    const [saved] = await fal.storage.downloadResultMedia({ images: [image] }, { to: OUTPUT_DIR });
    console.log(`image ${image.width}x${image.height} (${saved.size} bytes) written to ${path.relative(process.cwd(), saved.path)}`);
  } finally {
    if (emulator) await emulator.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
