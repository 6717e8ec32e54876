// Child script: calls process.exit(0) while native transfers are in flight: subscribes polling a
// queue that never finishes, a run the server never answers, and (mode "callback") from inside an
// onQueueUpdate callback, or (mode "worker") with a worker thread that has transfers of its own.
"use strict";

const http = require("http");
const path = require("path");
const { Worker } = require("worker_threads");
const { createFalClient } = require("../../../dist/lib");
const { startEmulator } = require("../../../dist/lib/emulator");

const mode = process.argv[2] || "plain";

async function main() {
  const emulator = await startEmulator({ apiKey: "k", timing: { queueMs: 60_000, stepMs: 5, steps: 1 }, quiet: true });
  // Accepts requests and never answers them.
  const hanging = http.createServer(() => {});
  await new Promise((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  const hangUrl = `http://127.0.0.1:${hanging.address().port}`;
  let hangingRequests = 0;
  hanging.on("request", () => hangingRequests++);

  const fal = createFalClient({ credentials: "k", baseUrls: { ...emulator.urls, run: hangUrl } });
  let polls = 0;
  for (let i = 0; i < 4; i++) {
    fal
      .subscribe("fal-ai/flux-1/schnell", {
        input: { prompt: `in flight ${i}` },
        pollInterval: 5,
        onQueueUpdate: () => {
          polls++;
          if (mode === "callback" && polls === 6) {
            console.log("exiting from a callback");
            process.exit(0);
          }
        },
      })
      .catch((e) => console.log(`unexpected rejection: ${e.message}`));
  }
  fal.run("fal-ai/flux-1/schnell", { input: { prompt: "never answered" } }).catch((e) => console.log(`unexpected rejection: ${e.message}`));

  if (mode === "worker") {
    const worker = new Worker(path.join(__dirname, "..", "client-worker.js"), {
      workerData: { mode: "hang", apiKey: "k", urls: { run: hangUrl }, pollQueue: emulator.urls.queue, tag: "exit" },
    });
    await new Promise((resolve) => worker.on("message", (m) => m.started && resolve()));
  }

  const wanted = mode === "worker" ? 2 : 1;
  const deadline = Date.now() + 5000;
  while ((hangingRequests < wanted || polls < 8) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  console.log(`in flight: ${hangingRequests} hanging requests, ${polls} polls`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(3);
});
