// One benchmark run in a fresh process: N concurrent fal.subscribe calls with one client
// ("native" = fal-native, "official" = @fal-ai/client), against an emulator started elsewhere.
// Prints one JSON line with the measurements.
"use strict";

const { startMeasurement } = require("./measure");

const [clientName, emulatorUrl, countArg, pollArg] = process.argv.slice(2);
const count = Number(countArg);
const pollInterval = Number(pollArg);
const urls = { run: `${emulatorUrl}/run`, queue: `${emulatorUrl}/queue`, rest: `${emulatorUrl}/rest`, cdn: `${emulatorUrl}/cdn` };

function officialClient() {
  const { createFalClient } = require("@fal-ai/client");
  // The official client has no base-URL option; its `fetch` option is the documented way to
  // point it elsewhere.
  const rewrite = (url) =>
    url.replace("https://queue.fal.run", urls.queue).replace("https://fal.run", urls.run).replace("https://rest.fal.ai", urls.rest);
  return createFalClient({
    credentials: "bench-key",
    fetch: (input, init) => fetch(rewrite(typeof input === "string" ? input : input.url), init),
  });
}

function nativeClient() {
  const { createFalClient } = require("fal-native");
  return createFalClient({ credentials: "bench-key", baseUrls: urls });
}

async function main() {
  const client = clientName === "official" ? officialClient() : nativeClient();
  const input = { prompt: "a lighthouse at dusk, benchmark", seed: 7, output_format: "png" };
  // Warm up connections and code paths; not measured.
  await client.subscribe("fal-ai/flux-1/schnell", { input, pollInterval });

  let updates = 0;
  const measurement = startMeasurement();
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.subscribe("fal-ai/flux-1/schnell", {
        input: { ...input, seed: i },
        pollInterval,
        logs: true,
        onQueueUpdate: () => {
          updates++;
        },
      }),
    ),
  );
  const m = measurement.stop();
  const completed = results.filter((r) => r && r.data && Array.isArray(r.data.images)).length;
  console.log(JSON.stringify({ client: clientName, count, completed, updates, ...m, jsCpuPerSubscribeMs: m.jsCpuMs / completed }));
  if ("close" in client && typeof client.close === "function") client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
