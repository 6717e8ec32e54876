// Child script: a subscribe against an emulator started here, then the emulator is closed and the
// script simply returns. The process must then exit by itself (no handle left by the client).
"use strict";

const { createFalClient } = require("../../../dist/lib");
const { startEmulator } = require("../../../dist/lib/emulator");

async function main() {
  const emulator = await startEmulator({ apiKey: "k", timing: { queueMs: 2, stepMs: 2, steps: 2 }, quiet: true, maxImageSide: 32 });
  const fal = createFalClient({ credentials: "k", baseUrls: emulator.urls });
  const updates = [];
  const result = await fal.subscribe("fal-ai/flux-1/schnell", {
    input: { prompt: "exit test" },
    pollInterval: 5,
    logs: true,
    onQueueUpdate: (s) => updates.push(s.status),
  });
  const run = await fal.run("fal-ai/flux-1/schnell", { input: { prompt: "exit test run" } });
  if (process.argv[2] === "abort") {
    // An aborted request must not leave anything behind either.
    const controller = new AbortController();
    const pending = fal.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "aborted" }, pollInterval: 5, abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 1);
    await pending.catch((e) => console.log(`aborted: ${e.name}`));
  }
  await emulator.close();
  console.log(JSON.stringify({ done: true, images: result.data.images.length, runImages: run.data.images.length, last: updates[updates.length - 1] }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
