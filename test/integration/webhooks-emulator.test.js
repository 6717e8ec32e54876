// The emulator's outbound webhooks over loopback: body shapes (OK, ERROR, payload_error), Ed25519
// signatures checked here with node:crypto against the published JWKS, retries on failure and on
// slow receivers, give-up, every webhook-* scenario, and emulator.webhooks.
const crypto = require("node:crypto");
const { createFalClient } = require("../../dist/lib/index.js");
const { startEmulator, WEBHOOK_RETRY_SCHEDULE_MS } = require("../../dist/lib/emulator/index.js");
const { waitFor } = require("../helpers/wait");
const { startRecorder, submitWithWebhook } = require("../helpers/webhook-receiver");

const TIMING = { queueMs: 5, stepMs: 5, steps: 2, webhookRetryScale: 0.001, webhookTimeoutMs: 300 };
let emu;
let recorder;
let respond;

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, timing: TIMING });
  recorder = await startRecorder((entry, count) => respond(entry, count));
});

beforeEach(() => {
  respond = () => ({ status: 200 });
});

afterAll(async () => {
  await emu.close();
  await recorder.close();
});

const deliveriesFor = (id) => emu.webhooks.filter((d) => d.requestId === id);
const receivedFor = (id) => recorder.received.filter((r) => r.headers["x-fal-webhook-request-id"] === id);
const settled = (id, count = 1) =>
  waitFor(() => deliveriesFor(id).length >= count && deliveriesFor(id).every((d) => d.state !== "pending"), `webhook for ${id}`, 15000);

async function jwksKeys() {
  const res = await fetch(emu.jwksUrl);
  expect(res.status).toBe(200);
  const jwks = await res.json();
  return jwks.keys.map((jwk) => crypto.createPublicKey({ key: jwk, format: "jwk" }));
}

function signatureValid(entry, keys) {
  const h = entry.headers;
  const digest = crypto.createHash("sha256").update(entry.body).digest("hex");
  const message = Buffer.from(`${h["x-fal-webhook-request-id"]}\n${h["x-fal-webhook-user-id"]}\n${h["x-fal-webhook-timestamp"]}\n${digest}`);
  return keys.some((key) => crypto.verify(null, message, key, Buffer.from(h["x-fal-webhook-signature"], "hex")));
}

test("a successful request is delivered once: OK body with the output, signed with the published key", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/hooks/ok`);
  await settled(id);
  const [entry] = receivedFor(id);
  expect(entry.method).toBe("POST");
  expect(entry.url).toBe("/hooks/ok");
  expect(entry.headers["content-type"]).toBe("application/json");
  const body = JSON.parse(entry.body.toString());
  expect(Object.keys(body)).toEqual(["request_id", "gateway_request_id", "status", "payload"]);
  expect(body).toMatchObject({ request_id: id, gateway_request_id: id, status: "OK" });
  expect(body.payload.images.length).toBeGreaterThan(0);
  // The payload is the result endpoint's body.
  const result = await (await fetch(`${emu.urls.queue}/fal-ai/flux-1/requests/${id}`, { headers: { authorization: "Key test" } })).json();
  expect(body.payload).toEqual(result);
  expect(entry.headers["x-fal-webhook-user-id"]).toBe("fal-native-emulator");
  expect(Math.abs(Number(entry.headers["x-fal-webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
  expect(entry.headers["x-fal-webhook-signature"]).toMatch(/^[0-9a-f]{128}$/);
  expect(signatureValid(entry, await jwksKeys())).toBe(true);

  const [delivery] = deliveriesFor(id);
  expect(delivery).toMatchObject({ url: `${recorder.url}/hooks/ok`, state: "delivered", duplicate: false, body: entry.body.toString() });
  expect(delivery.attempts).toHaveLength(1);
  expect(delivery.attempts[0].status).toBe(200);
  expect(typeof delivery.attempts[0].time).toBe("number");
  expect(delivery.headers["x-fal-webhook-signature"]).toBe(entry.headers["x-fal-webhook-signature"]);
});

test("the JWKS is public at <rest>/.well-known/jwks.json and at the root, in fal's shape", async () => {
  const res = await fetch(emu.jwksUrl);
  const jwks = await res.json();
  expect(jwks.keys).toHaveLength(1);
  expect(jwks.keys[0]).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  expect(emu.jwksUrl).toBe(`${emu.urls.rest}/.well-known/jwks.json`);
  expect(await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()).toEqual(jwks);
  expect(emu.webhookJwks()).toEqual(jwks);
});

test("a model error is delivered as ERROR with the model's error body", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "fail-422" });
  await settled(id);
  const body = JSON.parse(receivedFor(id)[0].body);
  expect(Object.keys(body)).toEqual(["request_id", "gateway_request_id", "status", "error", "payload"]);
  expect(body.status).toBe("ERROR");
  expect(body.error).toBe("Invalid status code: 422");
  expect(body.payload.detail[0].type).toBe("content_policy_violation");

  const id500 = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "fail-500" });
  await settled(id500);
  expect(JSON.parse(receivedFor(id500)[0].body)).toMatchObject({ status: "ERROR", error: "Invalid status code: 500", payload: { detail: "Internal Server Error" } });

  // Input validation failures (the app's 422) too.
  const idBad = await submitWithWebhook(emu, `${recorder.url}/h`, { input: { prompt: 5, num_images: "many" } });
  await settled(idBad);
  const bad = JSON.parse(receivedFor(idBad)[0].body);
  expect(bad.error).toBe("Invalid status code: 422");
  expect(Array.isArray(bad.payload.detail)).toBe(true);
});

test("a cancelled request is delivered as ERROR 499", async () => {
  const slow = await startEmulator({ quiet: true, timing: { ...TIMING, queueMs: 2000 } });
  try {
    const id = await submitWithWebhook(slow, `${recorder.url}/h`);
    const res = await fetch(`${slow.urls.queue}/fal-ai/flux-1/requests/${id}/cancel`, { method: "PUT", headers: { authorization: "Key test" } });
    expect(res.status).toBe(202);
    await waitFor(() => slow.webhooks.some((d) => d.requestId === id && d.state === "delivered"), "cancel webhook");
    expect(JSON.parse(slow.webhooks[0].body)).toMatchObject({ status: "ERROR", error: "Invalid status code: 499", payload: { detail: "Request cancelled by the client." } });
  } finally {
    await slow.close();
  }
});

test("webhook-non-json: payload null plus payload_error (OK and ERROR)", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "webhook-non-json" });
  await settled(id);
  const body = JSON.parse(receivedFor(id)[0].body);
  expect(body).toEqual({
    request_id: id,
    gateway_request_id: id,
    status: "OK",
    payload: null,
    payload_error: expect.stringMatching(/^Response payload is not JSON serializable/),
  });
  const idErr = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "fail-500,webhook-non-json" });
  await settled(idErr);
  expect(JSON.parse(receivedFor(idErr)[0].body)).toMatchObject({ status: "ERROR", error: "Invalid status code: 500", payload: null, payload_error: expect.any(String) });
  expect(signatureValid(receivedFor(idErr)[0], await jwksKeys())).toBe(true);
});

test("webhook-bad-signature: a well-formed signature no published key verifies", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "webhook-bad-signature" });
  await settled(id);
  const [entry] = receivedFor(id);
  expect(entry.headers["x-fal-webhook-signature"]).toMatch(/^[0-9a-f]{128}$/);
  expect(signatureValid(entry, await jwksKeys())).toBe(false);
});

test("webhook-stale-timestamp: a 10-minute-old timestamp, correctly signed", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "webhook-stale-timestamp" });
  await settled(id);
  const [entry] = receivedFor(id);
  const age = Date.now() / 1000 - Number(entry.headers["x-fal-webhook-timestamp"]);
  expect(age).toBeGreaterThan(590);
  expect(age).toBeLessThan(610);
  expect(signatureValid(entry, await jwksKeys())).toBe(true);
});

test("webhook-duplicate: the same body is delivered again after the first success", async () => {
  const id = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario: "webhook-duplicate" });
  await settled(id, 2);
  const entries = receivedFor(id);
  expect(entries).toHaveLength(2);
  expect(entries[1].body.equals(entries[0].body)).toBe(true);
  const keys = await jwksKeys();
  expect(entries.every((e) => signatureValid(e, keys))).toBe(true);
  expect(deliveriesFor(id).map((d) => d.duplicate)).toEqual([false, true]);
});

test("non-2xx answers are retried with backoff until a 2xx; each attempt is re-signed over the same body", async () => {
  respond = (entry, _count) => {
    const tries = recorder.received.filter((r) => r.headers["x-fal-webhook-request-id"] === entry.headers["x-fal-webhook-request-id"]).length;
    return { status: tries <= 3 ? [500, 404, 503][tries - 1] : 204 };
  };
  const id = await submitWithWebhook(emu, `${recorder.url}/h`);
  await settled(id);
  const entries = receivedFor(id);
  expect(entries).toHaveLength(4);
  expect(new Set(entries.map((e) => e.body.toString())).size).toBe(1);
  const keys = await jwksKeys();
  expect(entries.every((e) => signatureValid(e, keys))).toBe(true);
  const [delivery] = deliveriesFor(id);
  expect(delivery.state).toBe("delivered");
  expect(delivery.attempts.map((a) => a.status)).toEqual([500, 404, 503, 204]);
  // Gaps follow fal's schedule scaled by webhookRetryScale (0.001: 15, 30, 60 ms), never shorter.
  for (let i = 1; i < entries.length; i++) {
    const gap = delivery.attempts[i].time - (delivery.attempts[i - 1].time + delivery.attempts[i - 1].durationMs);
    expect(gap).toBeGreaterThanOrEqual(WEBHOOK_RETRY_SCHEDULE_MS[i - 1] * TIMING.webhookRetryScale - 2);
  }
});

test("a slow receiver times out and is retried", async () => {
  respond = (entry) => {
    const tries = recorder.received.filter((r) => r.headers["x-fal-webhook-request-id"] === entry.headers["x-fal-webhook-request-id"]).length;
    return tries === 1 ? { status: 200, delayMs: 1000 } : { status: 200 };
  };
  const id = await submitWithWebhook(emu, `${recorder.url}/h`);
  await settled(id);
  const [delivery] = deliveriesFor(id);
  expect(delivery.attempts).toHaveLength(2);
  expect(delivery.attempts[0].status).toBeUndefined();
  expect(delivery.attempts[0].error).toMatch(/no response within 300 ms/);
  expect(delivery.attempts[1].status).toBe(200);
});

test("fal's schedule: 10 retries over about 2 hours; the 11th failure gives up", async () => {
  expect(WEBHOOK_RETRY_SCHEDULE_MS).toHaveLength(10);
  const total = WEBHOOK_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
  expect(total / 3_600_000).toBeGreaterThan(1.9);
  expect(total / 3_600_000).toBeLessThan(2.1);

  const fast = await startEmulator({ quiet: true, timing: { ...TIMING, webhookRetryScale: 0.0001 } });
  try {
    respond = () => ({ status: 500 });
    const id = await submitWithWebhook(fast, `${recorder.url}/h`);
    await waitFor(() => fast.webhooks[0] && fast.webhooks[0].state === "failed", "give-up", 15000);
    expect(fast.webhooks[0].attempts).toHaveLength(11);
    expect(receivedFor(id)).toHaveLength(11);
  } finally {
    await fast.close();
  }
});

test("connection errors are retried and recorded", async () => {
  const closedRecorder = await startRecorder();
  const deadUrl = `${closedRecorder.url}/gone`;
  await closedRecorder.close();
  const fast = await startEmulator({ quiet: true, timing: { ...TIMING, webhookRetryScale: 0.0001 } });
  try {
    await submitWithWebhook(fast, deadUrl);
    await waitFor(() => fast.webhooks[0] && fast.webhooks[0].state === "failed", "give-up", 15000);
    expect(fast.webhooks[0].attempts.every((a) => a.status === undefined && /ECONNREFUSED/.test(a.error))).toBe(true);
  } finally {
    await fast.close();
  }
});

test("the official-compatible client's webhookUrl option reaches the emulator and gets delivered", async () => {
  const fal = createFalClient({ credentials: "k", baseUrls: emu.urls });
  const { request_id: id } = await fal.queue.submit("fal-ai/flux-1/schnell", { input: { prompt: "a moth" }, webhookUrl: `${recorder.url}/client` });
  await settled(id);
  expect(receivedFor(id)[0].url).toBe("/client");
});

test("sync runs ignore fal_webhook; requests without one get no delivery", async () => {
  const before = emu.webhooks.length;
  const run = await fetch(`${emu.urls.run}/fal-ai/flux-1/schnell?fal_webhook=${encodeURIComponent(`${recorder.url}/run`)}`, {
    method: "POST",
    headers: { authorization: "Key test", "content-type": "application/json" },
    body: JSON.stringify({ prompt: "x" }),
  });
  expect(run.status).toBe(200);
  const fal = createFalClient({ credentials: "k", baseUrls: emu.urls });
  await fal.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "y" } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(emu.webhooks.length).toBe(before);
});

test("a fixed signing key and user id; key rotation keeps the old key published", async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const pinned = await startEmulator({
    quiet: true,
    timing: TIMING,
    webhooks: { privateKey: privateKey.export({ format: "pem", type: "pkcs8" }), userId: "user-42" },
  });
  try {
    const x = publicKey.export({ format: "jwk" }).x;
    expect((await (await fetch(pinned.jwksUrl)).json()).keys).toEqual([{ kty: "OKP", crv: "Ed25519", x }]);
    const id = await submitWithWebhook(pinned, `${recorder.url}/pinned`);
    await waitFor(() => pinned.webhooks[0] && pinned.webhooks[0].state === "delivered", "delivery");
    const [entry] = receivedFor(id);
    expect(entry.headers["x-fal-webhook-user-id"]).toBe("user-42");
    expect(signatureValid(entry, [publicKey])).toBe(true);

    pinned.rotateWebhookKey();
    const keys = (await (await fetch(pinned.jwksUrl)).json()).keys;
    expect(keys).toHaveLength(2);
    expect(keys[1].x).toBe(x);
    pinned.rotateWebhookKey(true);
    expect((await (await fetch(pinned.jwksUrl)).json()).keys).toHaveLength(1);
  } finally {
    await pinned.close();
  }
});
