// Worker-thread body for test/integration/workers.test.js: loads the client (and so the native
// addon) in its own environment and does what workerData.mode asks, reporting over parentPort.
"use strict";

const { parentPort, workerData } = require("worker_threads");
const { createFalClient } = require("../../dist/lib");

const { mode, urls, pollQueue, apiKey, count = 1, tag = "w" } = workerData;
const fal = createFalClient({ credentials: apiKey, baseUrls: urls, retry: { baseDelay: 5, maxDelay: 20 } });

async function main() {
  switch (mode) {
    // `count` subscribes at once; the seeds come back so the parent can tell the results apart.
    case "subscribe": {
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          fal.subscribe("fal-ai/flux-1/schnell", {
            input: { prompt: `${tag} ${i}`, seed: i },
            pollInterval: 5,
            onQueueUpdate: () => {},
          }),
        ),
      );
      return { seeds: results.map((r) => r.data.seed), prompts: results.map((r) => r.data.prompt), ids: results.map((r) => r.requestId) };
    }
    // A run the server never answers, plus a subscribe that keeps polling: the parent terminates us.
    case "hang": {
      fal.run("fal-ai/x", { input: { hang: true } }).catch(() => {});
      if (pollQueue) {
        createFalClient({ credentials: apiKey, baseUrls: { queue: pollQueue } })
          .subscribe("fal-ai/flux-pro/v1.1-ultra", { input: { prompt: `${tag} polling` }, pollInterval: 5 })
          .catch(() => {});
      }
      parentPort.postMessage({ started: true });
      return new Promise(() => {}); // never settles; the worker only ends by terminate()
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main().then(
  (value) => parentPort.postMessage({ ok: true, ...value }),
  (error) => parentPort.postMessage({ ok: false, error: `${error && error.name}: ${error && error.message}` }),
);
