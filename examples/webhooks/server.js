// Webhooks end to end with no key and no network: start the fal emulator, a webhook receiver
// (node:http + fal-native/webhooks), submit a job with webhookUrl, print the verified delivery, exit.
//
//   node examples/webhooks/server.js
//
// Against fal itself: run only the receiver part on a public URL (or behind a tunnel), with
// FAL_KEY set and no FAL_*_URL overrides; verifyWebhook then fetches fal's JWKS from
// https://rest.alpha.fal.ai/.well-known/jwks.json.
"use strict";

const http = require("node:http");
const { createFalClient } = require("fal-native");
const { startEmulator } = require("fal-native/emulator");
const { createWebhookHandler } = require("fal-native/webhooks");

const MODEL = "fal-ai/flux-1/schnell";

async function main() {
  const emulator = await startEmulator({ quiet: true, timing: { queueMs: 200, stepMs: 100, steps: 4 } });
  const fal = createFalClient({ credentials: "emulator-key", baseUrls: emulator.urls });

  let delivered;
  const done = new Promise((resolve) => (delivered = resolve));

  // The receiver: verifies the signature against the emulator's JWKS (baseUrls.rest, as for the
  // client; FAL_REST_URL works too), de-duplicates, and answers 200 only once this handler resolved.
  const receiver = http.createServer(
    createWebhookHandler(
      async (webhook, { requestId, userId, timestamp }) => {
        console.log(`webhook for ${requestId} (user ${userId}, signed at ${new Date(timestamp * 1000).toISOString()})`);
        if (webhook.status === "OK") {
          console.log(`  status OK, ${webhook.payload.images.length} image(s): ${webhook.payload.images[0].url}`);
        } else {
          console.log(`  status ERROR: ${webhook.error}`, webhook.payload);
        }
        delivered(webhook);
      },
      {
        baseUrls: { rest: emulator.urls.rest },
        onError: (error, info) => console.error(`  rejected (${info.stage}): ${error.message}`),
      },
    ),
  );
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${receiver.address().port}/api/fal/webhook`;
  console.log(`receiver on ${webhookUrl}`);

  const { request_id: requestId } = await fal.queue.submit(MODEL, {
    input: { prompt: "a heron standing in a misty river at dawn" },
    webhookUrl,
  });
  console.log(`submitted ${requestId}; waiting for the webhook...`);

  const timeout = setTimeout(() => {
    console.error("no webhook within 30 s");
    process.exit(1);
  }, 30_000);
  const webhook = await done;
  clearTimeout(timeout);

  // The emulator records the attempt once our 200 reached it.
  const [delivery] = emulator.webhooks;
  while (delivery.state === "pending") await new Promise((resolve) => setTimeout(resolve, 10));
  console.log(`emulator: delivery ${delivery.state} after ${delivery.attempts.length} attempt(s), HTTP ${delivery.attempts.at(-1).status}`);
  receiver.close();
  await emulator.close();
  return webhook.request_id === requestId ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
