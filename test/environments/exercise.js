// The child script of the environment tests: runs inside the environment under test (another
// Node version, qemu arm64, a chroot) and drives fal-native against an emulator that runs in the
// test process. Usage:
//
//   node exercise.js <module> [steps]     module: "fal-native" or a path to dist/lib/index.js
//                                         steps: comma-separated, default subscribe,stream,upload,realtime
//
// The emulator's URLs and key come from FAL_RUN_URL, FAL_QUEUE_URL, FAL_REST_URL, FAL_CDN_URL,
// FAL_KEY (read by the `fal` singleton itself); TLS trust from NODE_EXTRA_CA_CERTS. Each step is
// recorded as { ok: true, ... } or { ok: false, error }, and the whole outcome is printed as one
// line `EXERCISE {json}`, so one broken step never hides the others. Written for Node 18 too:
// no global File, no Array.fromAsync, no `using`.
"use strict";

const crypto = require("crypto");

const [moduleName = "fal-native", stepList = "subscribe,stream,upload,realtime"] = process.argv.slice(2);
const STEP_TIMEOUT_MS = Number(process.env.EXERCISE_STEP_TIMEOUT_MS || 60_000);

/** Deterministic bytes, so the test process can check what the emulator stored. */
function uploadBytes(size) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function withTimeout(promise, label) {
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not finish within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

function describeError(error) {
  const out = { name: error && error.name, message: String((error && error.message) || error) };
  if (error && error.code !== undefined) out.code = error.code;
  if (error && error.status !== undefined) out.status = error.status;
  if (error && error.cause) out.cause = String(error.cause.message || error.cause);
  return out;
}

const STEPS = {
  async subscribe(fal) {
    const result = await fal.subscribe("fal-ai/flux-1/schnell", {
      input: { prompt: "a red fox in the snow", num_images: 1 },
      pollInterval: 20,
    });
    const image = result.data.images[0];
    return { requestId: result.requestId, images: result.data.images.length, imageUrl: image.url, contentType: image.content_type };
  },

  async stream(fal) {
    const stream = await fal.stream("fal-native/stream-test", { input: { count: 25, text: "héllo 🌍", payloadBytes: 16 } });
    const indexes = [];
    let textOk = true;
    for await (const event of stream) {
      indexes.push(event.index);
      if (event.text !== "héllo 🌍" || event.payload.length !== 16) textOk = false;
    }
    const last = await stream.done();
    return { url: stream.url, indexes, textOk, lastFinal: last.final === true, lastIndex: last.index };
  },

  async upload(fal) {
    const bytes = uploadBytes(300 * 1024);
    const url = await fal.storage.upload(new Blob([bytes], { type: "application/octet-stream" }));
    return { url, size: bytes.length, sha256: crypto.createHash("sha256").update(bytes).digest("hex") };
  },

  async realtime(fal) {
    return new Promise((resolve, reject) => {
      const conn = fal.realtime.connect("fal-ai/fast-lcm-diffusion", {
        onResult(result) {
          conn.close();
          resolve({ requestId: result.request_id, images: (result.images || []).length, imageUrl: result.images && result.images[0] && result.images[0].url });
        },
        onError(error) {
          conn.close();
          reject(error);
        },
      });
      conn.send({ prompt: "a koi pond", request_id: "realtime-1", sync_mode: false, image_size: "square" });
    });
  },
};

async function main() {
  const summary = {
    node: process.version,
    arch: process.arch,
    platform: process.platform,
    nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS || null,
    urls: { queue: process.env.FAL_QUEUE_URL, run: process.env.FAL_RUN_URL },
    steps: {},
  };
  let fal;
  try {
    ({ fal } = require(moduleName));
    summary.entry = require.resolve(moduleName);
  } catch (error) {
    summary.loadError = describeError(error);
  }
  if (fal) {
    for (const step of stepList.split(",").filter(Boolean)) {
      const started = Date.now();
      try {
        if (!STEPS[step]) throw new Error(`unknown step ${step}`);
        summary.steps[step] = { ok: true, ...(await withTimeout(STEPS[step](fal), step)) };
      } catch (error) {
        summary.steps[step] = { ok: false, error: describeError(error) };
      }
      summary.steps[step].ms = Date.now() - started;
    }
  }
  // The compiled addons this process loaded (the loader requires exactly one).
  summary.addons = Object.keys(require.cache).filter((file) => file.endsWith(".node"));
  process.stdout.write(`EXERCISE ${JSON.stringify(summary)}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`exercise: ${error && error.stack}\n`);
  process.exit(1);
});
