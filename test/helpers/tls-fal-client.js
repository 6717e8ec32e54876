// Child process for the emulator TLS tests: drives one fal client ("official" = @fal-ai/client,
// "native" = fal-native) against an HTTPS emulator whose URLs are in FAL_*_URL, trusting its CA
// only through NODE_EXTRA_CA_CERTS (which Node reads at start, hence a child process).
// Runs queue submit -> status -> result, subscribe and a storage upload; prints one JSON line.
"use strict";

const { benchClient } = require("../bench/bench-clients");

const clientName = process.argv[2];
const urls = { run: process.env.FAL_RUN_URL, queue: process.env.FAL_QUEUE_URL, rest: process.env.FAL_REST_URL, cdn: process.env.FAL_CDN_URL };
const SCHNELL = "fal-ai/flux-1/schnell";

async function main() {
  const client = benchClient(clientName, urls);
  const input = { prompt: "a lighthouse over TLS", seed: 3 };

  const { request_id: requestId } = await client.queue.submit(SCHNELL, { input });
  let status = await client.queue.status(SCHNELL, { requestId });
  const seen = [status.status];
  while (status.status !== "COMPLETED") {
    await new Promise((resolve) => setTimeout(resolve, 10));
    status = await client.queue.status(SCHNELL, { requestId });
    if (seen[seen.length - 1] !== status.status) seen.push(status.status);
  }
  const result = await client.queue.result(SCHNELL, { requestId });
  const subscribed = await client.subscribe(SCHNELL, { input, pollInterval: 10 });

  const bytes = Buffer.from("uploaded over TLS ".repeat(1000));
  const fileUrl = await client.storage.upload(new Blob([bytes], { type: "text/plain" }));
  const downloaded = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());

  console.log(
    JSON.stringify({
      requestId,
      statuses: seen,
      resultImage: result.data.images[0].url,
      subscribeImage: subscribed.data.images[0].url,
      fileUrl,
      uploadIntact: downloaded.equals(bytes),
    }),
  );
  if (typeof client.close === "function") client.close();
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  if (error && error.cause) console.error("cause:", error.cause.code || error.cause);
  process.exit(1);
});
