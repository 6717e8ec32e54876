// verifyWebhook against deliveries signed by the emulator and hand-made ones: tampered bodies,
// wrong keys, stale and future timestamps, missing headers, padded / unpadded / standard-base64
// keys, JWKS refetch on an unknown key, JWKS caching, unreachable JWKS. The JWKS is served over
// real loopback HTTP and fetched by the native engine.
const crypto = require("node:crypto");
const http = require("node:http");
const { startEmulator } = require("../../dist/lib/emulator/index.js");
const {
  verifyWebhook,
  WebhookVerificationError,
  clearJwksCache,
  resolveJwksUrl,
  DEFAULT_JWKS_URL,
} = require("../../dist/lib/webhooks/index.js");
const { waitFor, rejectionOf } = require("../helpers/wait");
const { startRecorder, submitWithWebhook } = require("../helpers/webhook-receiver");

const newKey = () => crypto.generateKeyPairSync("ed25519");
const xOf = (publicKey) => publicKey.export({ format: "jwk" }).x;

/** A JWKS server whose keys the test can change; counts GETs. */
async function startJwksServer(initial) {
  const state = { jwks: initial, gets: 0, status: 200 };
  const server = http.createServer((req, res) => {
    state.gets++;
    res.statusCode = state.status;
    res.setHeader("content-type", "application/json");
    res.end(typeof state.jwks === "string" ? state.jwks : JSON.stringify(state.jwks));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}

/** A hand-made delivery. */
function sign({ privateKey, body = JSON.stringify({ request_id: "req-1", gateway_request_id: "req-1", status: "OK", payload: { n: 1 } }), requestId = "req-1", userId = "user-1", timestamp = Math.floor(Date.now() / 1000) }) {
  const digest = crypto.createHash("sha256").update(body).digest("hex");
  const signature = crypto.sign(null, Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`), privateKey).toString("hex");
  return {
    body,
    headers: {
      "x-fal-webhook-request-id": requestId,
      "x-fal-webhook-user-id": userId,
      "x-fal-webhook-timestamp": String(timestamp),
      "x-fal-webhook-signature": signature,
    },
  };
}

async function reasonOf(promise) {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(WebhookVerificationError);
  expect(error.name).toBe("WebhookVerificationError");
  return error.reason;
}

let key;
let jwksServer;

beforeAll(async () => {
  key = newKey();
  jwksServer = await startJwksServer({ keys: [{ kty: "OKP", crv: "Ed25519", x: xOf(key.publicKey) }] });
});

afterAll(async () => {
  await jwksServer.close();
});

beforeEach(() => clearJwksCache());

test("a hand-made delivery verifies and resolves to the parsed body (string, Buffer, ArrayBuffer, Uint8Array bodies)", async () => {
  const delivery = sign({ privateKey: key.privateKey });
  const expected = JSON.parse(delivery.body);
  expect(await verifyWebhook({ ...delivery, jwksUrl: jwksServer.url })).toEqual(expected);
  const buffer = Buffer.from(delivery.body);
  expect(await verifyWebhook({ headers: delivery.headers, body: buffer, jwksUrl: jwksServer.url })).toEqual(expected);
  const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
  expect(await verifyWebhook({ headers: delivery.headers, body: arrayBuffer, jwksUrl: jwksServer.url })).toEqual(expected);
  expect(await verifyWebhook({ headers: delivery.headers, body: new Uint8Array(arrayBuffer), jwksUrl: jwksServer.url })).toEqual(expected);
});

test("headers as a fetch Headers, as node's IncomingHttpHeaders, and in any case", async () => {
  const delivery = sign({ privateKey: key.privateKey });
  expect((await verifyWebhook({ headers: new Headers(delivery.headers), body: delivery.body, jwksUrl: jwksServer.url })).request_id).toBe("req-1");
  const upper = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toUpperCase(), [v]]));
  expect((await verifyWebhook({ headers: upper, body: delivery.body, jwksUrl: jwksServer.url })).status).toBe("OK");
});

test("a tampered body, request id, user id or timestamp fails as bad_signature", async () => {
  const delivery = sign({ privateKey: key.privateKey });
  const opts = { jwksUrl: jwksServer.url, refetchCooldownMs: 60_000 };
  expect(await reasonOf(verifyWebhook({ ...opts, headers: delivery.headers, body: delivery.body.replace('"n":1', '"n":2') }))).toBe("bad_signature");
  expect(await reasonOf(verifyWebhook({ ...opts, headers: delivery.headers, body: `${delivery.body} ` }))).toBe("bad_signature");
  for (const [name, value] of [
    ["x-fal-webhook-request-id", "req-2"],
    ["x-fal-webhook-user-id", "someone-else"],
    ["x-fal-webhook-timestamp", String(Number(delivery.headers["x-fal-webhook-timestamp"]) - 1)],
  ]) {
    expect(await reasonOf(verifyWebhook({ ...opts, body: delivery.body, headers: { ...delivery.headers, [name]: value } }))).toBe("bad_signature");
  }
  // A signature that is not 64 hex bytes.
  expect(await reasonOf(verifyWebhook({ ...opts, body: delivery.body, headers: { ...delivery.headers, "x-fal-webhook-signature": "abcd" } }))).toBe("bad_signature");
});

test("a delivery signed with another key fails as bad_signature (after one refetch)", async () => {
  const other = newKey();
  const before = jwksServer.gets;
  const error = await rejectionOf(verifyWebhook({ ...sign({ privateKey: other.privateKey }), jwksUrl: jwksServer.url, refetchCooldownMs: 0 }));
  expect(error.reason).toBe("bad_signature");
  expect(error.requestId).toBe("req-1");
  expect(error.message).toMatch(/JWKS refetched/);
  expect(jwksServer.gets - before).toBe(2);
});

test("stale and future timestamps beyond ±300 s fail as stale_timestamp; within it they pass", async () => {
  const now = Math.floor(Date.now() / 1000);
  const at = (timestamp) => verifyWebhook({ ...sign({ privateKey: key.privateKey, timestamp }), jwksUrl: jwksServer.url });
  expect(await reasonOf(at(now - 301))).toBe("stale_timestamp");
  expect(await reasonOf(at(now + 301))).toBe("stale_timestamp");
  expect(await reasonOf(at(now - 86_400))).toBe("stale_timestamp");
  expect((await at(now - 290)).status).toBe("OK");
  expect((await at(now + 290)).status).toBe("OK");
  // A custom tolerance.
  const strict = verifyWebhook({ ...sign({ privateKey: key.privateKey, timestamp: now - 30 }), jwksUrl: jwksServer.url, toleranceSeconds: 10 });
  expect(await reasonOf(strict)).toBe("stale_timestamp");
});

test("missing or malformed headers fail as missing_header, before any JWKS fetch", async () => {
  const delivery = sign({ privateKey: key.privateKey });
  const before = jwksServer.gets;
  for (const name of Object.keys(delivery.headers)) {
    const headers = { ...delivery.headers };
    delete headers[name];
    const error = await rejectionOf(verifyWebhook({ headers, body: delivery.body, jwksUrl: jwksServer.url }));
    expect(error.reason).toBe("missing_header");
    expect(error.message).toMatch(/X-Fal-Webhook-/);
  }
  expect(await reasonOf(verifyWebhook({ body: delivery.body, headers: { ...delivery.headers, "x-fal-webhook-timestamp": "yesterday" }, jwksUrl: jwksServer.url }))).toBe("missing_header");
  expect(await reasonOf(verifyWebhook({ body: delivery.body, headers: { ...delivery.headers, "x-fal-webhook-signature": " " }, jwksUrl: jwksServer.url }))).toBe("missing_header");
  expect(jwksServer.gets).toBe(before);
});

test("a verified body that is not a fal webhook fails as malformed_body", async () => {
  for (const body of ["not json", "[1,2]", JSON.stringify({ status: "OK" }), JSON.stringify({ request_id: "r", status: "DONE" })]) {
    expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: key.privateKey, body }), jwksUrl: jwksServer.url }))).toBe("malformed_body");
  }
});

test("an already-parsed body is a usage error (TypeError), not a verification result", async () => {
  const delivery = sign({ privateKey: key.privateKey });
  await expect(verifyWebhook({ headers: delivery.headers, body: JSON.parse(delivery.body), jwksUrl: jwksServer.url })).rejects.toThrow(TypeError);
});

test("keys decode padded, unpadded and as standard base64", async () => {
  const k = newKey();
  const raw = Buffer.from(xOf(k.publicKey), "base64url");
  const forms = [
    raw.toString("base64url"), // unpadded base64url (RFC 7517)
    `${raw.toString("base64url")}=`, // padded, as the live JWKS was seen
    raw.toString("base64"), // standard alphabet, padded
    raw.toString("base64").replace(/=+$/, ""),
  ];
  // Make sure the sample exercises + and / at least somewhere across tries.
  for (const x of forms) {
    const server = await startJwksServer({ keys: [{ kty: "OKP", crv: "Ed25519", x }] });
    try {
      expect((await verifyWebhook({ ...sign({ privateKey: k.privateKey }), jwksUrl: server.url })).request_id).toBe("req-1");
    } finally {
      await server.close();
    }
  }
});

test("a JWKS with no usable Ed25519 key fails as unknown_key; unusable entries are skipped", async () => {
  const server = await startJwksServer({ keys: [{ kty: "RSA", n: "abc", e: "AQAB" }, { kty: "OKP", crv: "X25519", x: xOf(key.publicKey) }, { kty: "OKP", crv: "Ed25519", x: "short" }] });
  try {
    expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url, refetchCooldownMs: 0 }))).toBe("unknown_key");
    server.jwks.keys.push({ kty: "OKP", crv: "Ed25519", x: xOf(key.publicKey) });
    clearJwksCache();
    expect((await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url })).status).toBe("OK");
  } finally {
    await server.close();
  }
});

test("the JWKS is cached: one fetch for many verifications, including concurrent ones", async () => {
  const before = jwksServer.gets;
  await Promise.all(Array.from({ length: 20 }, () => verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: jwksServer.url })));
  for (let i = 0; i < 5; i++) await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: jwksServer.url });
  expect(jwksServer.gets - before).toBe(1);
});

test("cacheTtlMs bounds the cache (and 24 h is the most it can be)", async () => {
  const before = jwksServer.gets;
  await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: jwksServer.url, cacheTtlMs: 30 });
  await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: jwksServer.url, cacheTtlMs: 30 });
  expect(jwksServer.gets - before).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 40));
  await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: jwksServer.url, cacheTtlMs: 30 });
  expect(jwksServer.gets - before).toBe(2);
  const { MAX_JWKS_CACHE_MS } = require("../../dist/lib/webhooks/jwks.js");
  expect(MAX_JWKS_CACHE_MS).toBe(24 * 3600 * 1000);
});

test("an unknown key triggers exactly one refetch (key rotation), rate-limited by refetchCooldownMs", async () => {
  const server = await startJwksServer({ keys: [{ kty: "OKP", crv: "Ed25519", x: xOf(key.publicKey) }] });
  try {
    await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url });
    expect(server.gets).toBe(1);
    const rotated = newKey();
    server.jwks = { keys: [{ kty: "OKP", crv: "Ed25519", x: xOf(rotated.publicKey) }] };
    // Within the cooldown the cached copy is not refetched.
    expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: rotated.privateKey }), jwksUrl: server.url, refetchCooldownMs: 60_000 }))).toBe("bad_signature");
    expect(server.gets).toBe(1);
    // After it, one refetch finds the new key.
    expect((await verifyWebhook({ ...sign({ privateKey: rotated.privateKey }), jwksUrl: server.url, refetchCooldownMs: 0 })).status).toBe("OK");
    expect(server.gets).toBe(2);
    // The new copy is cached.
    await verifyWebhook({ ...sign({ privateKey: rotated.privateKey }), jwksUrl: server.url, refetchCooldownMs: 0 });
    expect(server.gets).toBe(2);
  } finally {
    await server.close();
  }
});

test("an unreachable or broken JWKS fails as jwks_unavailable", async () => {
  const server = await startJwksServer("not json");
  try {
    expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url }))).toBe("jwks_unavailable");
    server.status = 404;
    server.jwks = { detail: "nope" };
    expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url }))).toBe("jwks_unavailable");
  } finally {
    await server.close();
  }
  const error = await rejectionOf(verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwksUrl: server.url, jwksTimeoutMs: 2000 }));
  expect(error.reason).toBe("jwks_unavailable");
  expect(error.message).toMatch(/ECONNREFUSED|connect/i);
});

test("static jwks option: no fetch at all", async () => {
  const before = jwksServer.gets;
  const jwks = { keys: [{ kty: "OKP", crv: "Ed25519", x: xOf(key.publicKey) }] };
  expect((await verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwks })).status).toBe("OK");
  expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: newKey().privateKey }), jwks }))).toBe("bad_signature");
  expect(await reasonOf(verifyWebhook({ ...sign({ privateKey: key.privateKey }), jwks: { keys: [] } }))).toBe("unknown_key");
  expect(jwksServer.gets).toBe(before);
});

describe("JWKS URL rule", () => {
  const saved = { rest: process.env.FAL_REST_URL, jwks: process.env.FAL_WEBHOOK_JWKS_URL };
  afterEach(() => {
    for (const [name, value] of [["FAL_REST_URL", saved.rest], ["FAL_WEBHOOK_JWKS_URL", saved.jwks]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test("jwksUrl > FAL_WEBHOOK_JWKS_URL > baseUrls.rest > FAL_REST_URL > fal's rest.alpha.fal.ai", () => {
    delete process.env.FAL_REST_URL;
    delete process.env.FAL_WEBHOOK_JWKS_URL;
    expect(resolveJwksUrl({})).toBe(DEFAULT_JWKS_URL);
    expect(DEFAULT_JWKS_URL).toBe("https://rest.alpha.fal.ai/.well-known/jwks.json");
    process.env.FAL_REST_URL = "http://127.0.0.1:9/rest/";
    expect(resolveJwksUrl({})).toBe("http://127.0.0.1:9/rest/.well-known/jwks.json");
    expect(resolveJwksUrl({ baseUrls: { rest: "http://h:1/r" } })).toBe("http://h:1/r/.well-known/jwks.json");
    process.env.FAL_WEBHOOK_JWKS_URL = "http://k/keys.json";
    expect(resolveJwksUrl({ baseUrls: { rest: "http://h:1/r" } })).toBe("http://k/keys.json");
    expect(resolveJwksUrl({ jwksUrl: "https://x/j" })).toBe("https://x/j");
    expect(() => resolveJwksUrl({ jwksUrl: "ftp://x" })).toThrow(TypeError);
  });

  test("deliveries from the emulator verify with only its env set (FAL_REST_URL)", async () => {
    const emu = await startEmulator({ quiet: true, timing: { queueMs: 5, stepMs: 5, steps: 2 } });
    const recorder = await startRecorder();
    try {
      delete process.env.FAL_WEBHOOK_JWKS_URL;
      process.env.FAL_REST_URL = emu.env.FAL_REST_URL;
      const ids = {};
      for (const scenario of [undefined, "fail-422", "webhook-non-json", "webhook-bad-signature", "webhook-stale-timestamp"]) {
        ids[scenario ?? "ok"] = await submitWithWebhook(emu, `${recorder.url}/h`, { scenario });
      }
      await waitFor(() => emu.webhooks.length === 5 && emu.webhooks.every((d) => d.state === "delivered"), "deliveries");
      const verify = (name) => {
        const entry = recorder.received.find((r) => r.headers["x-fal-webhook-request-id"] === ids[name]);
        return verifyWebhook({ headers: entry.headers, body: entry.body, refetchCooldownMs: 0 });
      };
      const ok = await verify("ok");
      expect(ok).toMatchObject({ status: "OK", request_id: ids.ok, gateway_request_id: ids.ok });
      expect(ok.payload.images.length).toBeGreaterThan(0);
      expect(await verify("fail-422")).toMatchObject({ status: "ERROR", error: "Invalid status code: 422" });
      expect(await verify("webhook-non-json")).toMatchObject({ status: "OK", payload: null, payload_error: expect.any(String) });
      expect(await reasonOf(verify("webhook-bad-signature"))).toBe("bad_signature");
      expect(await reasonOf(verify("webhook-stale-timestamp"))).toBe("stale_timestamp");

      // Rotation on the emulator: a cached verifier picks the new key up with one refetch.
      emu.rotateWebhookKey(true);
      const id = await submitWithWebhook(emu, `${recorder.url}/h`);
      await waitFor(() => emu.webhooks.some((d) => d.requestId === id && d.state === "delivered"), "rotated delivery");
      const entry = recorder.received.find((r) => r.headers["x-fal-webhook-request-id"] === id);
      const jwksGets = () => emu.requests.filter((r) => r.path.endsWith("/.well-known/jwks.json")).length;
      const beforeGets = jwksGets();
      expect((await verifyWebhook({ headers: entry.headers, body: entry.body, refetchCooldownMs: 0 })).request_id).toBe(id);
      expect(jwksGets() - beforeGets).toBe(1);
      // The verifier's GET is a native one (libcurl), not fetch: it carries fal-native's user agent.
      const jwksRequest = emu.requests.filter((r) => r.path.endsWith("/.well-known/jwks.json")).pop();
      expect(jwksRequest.headers["user-agent"]).toMatch(/fal-native|@fal-ai\/client/);
      expect(jwksRequest.headers.authorization).toBeUndefined();
    } finally {
      await recorder.close();
      await emu.close();
    }
  });
});
