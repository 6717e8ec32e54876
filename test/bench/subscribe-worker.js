// One benchmark run in a fresh process: N concurrent fal.subscribe calls with one client
// ("native" = fal-native, "official" = @fal-ai/client, "undici" = undici by hand), against an
// emulator started elsewhere. Failed subscribes are counted, not fatal: the table shows completions.
// Prints one JSON line with the measurements.
"use strict";

const { startMeasurement } = require("./measure");
const { emulatorUrls, benchClient } = require("./bench-clients");

const [clientName, emulatorUrl, countArg, pollArg] = process.argv.slice(2);
const count = Number(countArg);
const pollInterval = Number(pollArg);
const urls = emulatorUrls(emulatorUrl);

async function main() {
  const client = benchClient(clientName, urls);
  const input = { prompt: "a lighthouse at dusk, benchmark", seed: 7, output_format: "png" };
  // Warm up connections and code paths; not measured.
  await client.subscribe("fal-ai/flux-1/schnell", { input, pollInterval });

  let updates = 0;
  const measurement = startMeasurement();
  const results = await Promise.allSettled(
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
  const completed = results.filter((r) => r.status === "fulfilled" && Array.isArray(r.value?.data?.images)).length;
  const failures = results.filter((r) => r.status === "rejected");
  const firstError = failures.length ? String(failures[0].reason?.message ?? failures[0].reason).slice(0, 300) : undefined;
  console.log(JSON.stringify({ client: clientName, count, completed, failed: failures.length, firstError, updates, ...m, jsCpuPerSubscribeMs: m.jsCpuMs / completed }));
  if ("close" in client && typeof client.close === "function") await client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
