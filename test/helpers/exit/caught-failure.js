// Child script: requests that fail (connection refused, 401) are caught; the process must then
// exit by itself with code 0.
"use strict";

const { createFalClient, TransportError, ApiError } = require("../../../dist/lib");
const { startEmulator } = require("../../../dist/lib/emulator");
const { closedPort } = require("../closed-port");

async function main() {
  const port = await closedPort();

  const refused = createFalClient({
    credentials: "k",
    baseUrls: { run: `http://127.0.0.1:${port}`, queue: `http://127.0.0.1:${port}` },
    retry: { maxRetries: 1, baseDelay: 5, maxDelay: 10 },
  });
  try {
    await refused.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "x" } });
    console.log("unexpected success");
  } catch (error) {
    console.log(`caught ${error instanceof TransportError ? "TransportError" : error.name} ${error.code}`);
  }

  const emulator = await startEmulator({ apiKey: "right", timing: { queueMs: 1, stepMs: 1, steps: 1 }, quiet: true });
  try {
    await createFalClient({ credentials: "wrong", baseUrls: emulator.urls }).run("fal-ai/flux-1/schnell", { input: { prompt: "x" } });
    console.log("unexpected success");
  } catch (error) {
    console.log(`caught ${error instanceof ApiError ? "ApiError" : error.name} ${error.status}`);
  } finally {
    await emulator.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
