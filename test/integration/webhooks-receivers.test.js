// The receivers in real servers, fed real signed deliveries by the emulator over loopback:
// node:http, Express (mounted before and after express.json), Next.js App Router (a real Request
// built by a node:http bridge) and Pages Router (real node req/res). Each answers 2xx only after the
// handler succeeded (so the emulator retries otherwise), 401 on a bad signature, and drops duplicates.
const http = require("node:http");
const express = require("express");
const { startEmulator } = require("../../dist/lib/emulator/index.js");
const {
  createWebhookHandler,
  createExpressWebhookHandler,
  createNextRouteHandler,
  createNextApiHandler,
  keepRawBody,
  clearJwksCache,
} = require("../../dist/lib/webhooks/index.js");
const { waitFor } = require("../helpers/wait");
const { submitWithWebhook } = require("../helpers/webhook-receiver");

let emu;
beforeAll(async () => {
  emu = await startEmulator({ quiet: true, timing: { queueMs: 5, stepMs: 5, steps: 2, webhookRetryScale: 0.001 } });
});
afterAll(() => emu.close());
beforeEach(() => clearJwksCache());

async function listen(listener) {
  const server = http.createServer(listener);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A Next.js App Router route handler served by a node:http bridge (what Next does internally). */
function appRouterBridge(routeHandler) {
  return async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const response = await routeHandler(request);
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

const deliveries = (id) => emu.webhooks.filter((d) => d.requestId === id);
const settled = (id, count = 1) =>
  waitFor(() => deliveries(id).length >= count && deliveries(id).every((d) => d.state !== "pending"), `webhook ${id}`, 10000);

const opts = { baseUrls: { rest: emu ? emu.urls.rest : undefined } };
const options = () => ({ baseUrls: { rest: emu.urls.rest }, refetchCooldownMs: 0 });

/** Runs the shared behaviour checks against one receiver, served at `${server.url}${path}`. */
async function exerciseReceiver(makeServer) {
  const calls = [];
  let failNext = 0;
  const handler = async (webhook, context) => {
    if (failNext > 0) {
      failNext--;
      throw new Error("database down");
    }
    calls.push({ webhook, context });
  };
  const errors = [];
  const server = await makeServer(handler, { ...options(), onError: (error, info) => errors.push([info.stage, error.message]) });
  try {
    // 1. A normal delivery: the handler gets the verified, parsed body and context; 200.
    const id = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`);
    await settled(id);
    expect(calls).toHaveLength(1);
    expect(calls[0].webhook).toMatchObject({ request_id: id, status: "OK" });
    expect(calls[0].webhook.payload.images.length).toBeGreaterThan(0);
    expect(calls[0].context).toMatchObject({ requestId: id, userId: "fal-native-emulator", timestamp: expect.any(Number) });
    expect(Buffer.isBuffer(calls[0].context.rawBody)).toBe(true);
    expect(deliveries(id)[0].attempts.map((a) => a.status)).toEqual([200]);

    // 2. The handler throws twice: 500, 500, then 200 after the emulator's retries; called until it succeeded.
    failNext = 2;
    const retried = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`);
    await settled(retried);
    expect(deliveries(retried)[0].attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(calls.filter((c) => c.webhook.request_id === retried)).toHaveLength(1);
    expect(errors.filter(([stage]) => stage === "handler")).toHaveLength(2);

    // 3. Bad signature and stale timestamp: 401 every time, handler never called, the emulator keeps retrying.
    const bad = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`, { scenario: "webhook-bad-signature" });
    const stale = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`, { scenario: "webhook-stale-timestamp" });
    await waitFor(() => deliveries(bad)[0]?.attempts.length >= 2 && deliveries(stale)[0]?.attempts.length >= 2, "retries of rejected deliveries");
    expect(deliveries(bad)[0].attempts.every((a) => a.status === 401)).toBe(true);
    expect(deliveries(stale)[0].attempts.every((a) => a.status === 401)).toBe(true);
    expect(calls.some((c) => [bad, stale].includes(c.webhook.request_id))).toBe(false);
    expect(errors.some(([stage, message]) => stage === "verify" && /does not match/.test(message))).toBe(true);

    // 4. Duplicates: the second copy gets 200 without a second handler call.
    const dup = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`, { scenario: "webhook-duplicate" });
    await settled(dup, 2);
    expect(deliveries(dup).map((d) => d.attempts.map((a) => a.status))).toEqual([[200], [200]]);
    expect(calls.filter((c) => c.webhook.request_id === dup)).toHaveLength(1);

    // 5. ERROR and payload_error bodies reach the handler as they are.
    const failed = await submitWithWebhook(emu, `${server.url}/api/fal/webhook`, { scenario: "fail-422,webhook-non-json" });
    await settled(failed);
    expect(calls.find((c) => c.webhook.request_id === failed).webhook).toMatchObject({ status: "ERROR", error: "Invalid status code: 422", payload: null, payload_error: expect.any(String) });

    // 6. Not a POST: 405.
    const get = await fetch(`${server.url}/api/fal/webhook`);
    expect(get.status).toBe(405);
    // Unsigned POST: 401 with a reason.
    const unsigned = await fetch(`${server.url}/api/fal/webhook`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).reason).toBe("missing_header");
  } finally {
    await server.close();
  }
}

test("node:http: createWebhookHandler", async () => {
  await exerciseReceiver((handler, o) => listen(createWebhookHandler(handler, o)));
});

test("Express, mounted before the body parsers", async () => {
  await exerciseReceiver((handler, o) => {
    const app = express();
    app.post("/api/fal/webhook", createExpressWebhookHandler(handler, o));
    app.all("/api/fal/webhook", createExpressWebhookHandler(handler, o));
    app.use(express.json());
    return listen(app);
  });
});

test("Express after express.json({ verify: keepRawBody }), and with express.raw()", async () => {
  await exerciseReceiver((handler, o) => {
    const app = express();
    app.use(express.json({ verify: keepRawBody }));
    app.all("/api/fal/webhook", createExpressWebhookHandler(handler, o));
    return listen(app);
  });
  await exerciseReceiver((handler, o) => {
    const app = express();
    app.all("/api/fal/webhook", express.raw({ type: "*/*" }), createExpressWebhookHandler(handler, o));
    return listen(app);
  });
});

test("Express after a plain express.json(): 500 with a message saying how to mount it, not a false 401", async () => {
  const app = express();
  app.use(express.json());
  let handled = 0;
  app.post("/hook", createExpressWebhookHandler(() => handled++, options()));
  app.use((error, req, res, _next) => res.status(500).json({ message: error.message }));
  const server = await listen(app);
  try {
    const id = await submitWithWebhook(emu, `${server.url}/hook`);
    await waitFor(() => deliveries(id)[0]?.attempts.length >= 1, "first attempt");
    expect(deliveries(id)[0].attempts[0].status).toBe(500);
    const res = await fetch(`${server.url}/hook`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(500);
    expect((await res.json()).error).toMatch(/Mount the webhook handler before express\.json\(\)/);
    expect(handled).toBe(0);
  } finally {
    await server.close();
  }
});

test("Next.js App Router: createNextRouteHandler as `export const POST`", async () => {
  await exerciseReceiver((handler, o) => {
    const POST = createNextRouteHandler(handler, o);
    return listen(appRouterBridge(POST));
  });
});

test("Next.js App Router handler called directly with a Request", async () => {
  const POST = createNextRouteHandler(() => {}, options());
  const response = await POST(new Request("http://localhost/api/fal/webhook", { method: "POST", body: "{}" }));
  expect(response).toBeInstanceOf(Response);
  expect(response.status).toBe(401);
  expect(response.headers.get("content-type")).toBe("application/json");
  expect((await response.json()).reason).toBe("missing_header");
});

test("Next.js Pages Router: createNextApiHandler with bodyParser off (real node req/res)", async () => {
  await exerciseReceiver((handler, o) => {
    const apiRoute = createNextApiHandler(handler, o);
    // What Next's API resolver hands the route: the node req/res (with Next's helpers, unused here).
    return listen((req, res) => {
      res.status = (code) => ((res.statusCode = code), res);
      void apiRoute(req, res);
    });
  });
});

test("de-duplication window and store are configurable; 0 turns it off", async () => {
  let count = 0;
  const server = await listen(createWebhookHandler(() => count++, { ...options(), dedupeWindowMs: 0 }));
  try {
    const id = await submitWithWebhook(emu, `${server.url}/h`, { scenario: "webhook-duplicate" });
    await settled(id, 2);
    expect(count).toBe(2);
  } finally {
    await server.close();
  }
  const seen = new Map();
  const store = { has: async (id) => seen.has(id), add: async (id, ttl) => seen.set(id, ttl) };
  let calls = 0;
  const shared = [createWebhookHandler(() => calls++, { ...options(), dedupeStore: store }), createWebhookHandler(() => calls++, { ...options(), dedupeStore: store })];
  const a = await listen(shared[0]);
  const b = await listen(shared[1]);
  try {
    // Two instances behind one store: the duplicate goes to the other instance and is still dropped.
    const id = await submitWithWebhook(emu, `${a.url}/h`);
    await settled(id);
    const entry = deliveries(id)[0];
    const replay = await fetch(`${b.url}/h`, { method: "POST", headers: entry.headers, body: entry.body });
    expect(await replay.json()).toEqual({ ok: true, duplicate: true });
    expect(calls).toBe(1);
    expect(seen.get(id)).toBe(600000);
  } finally {
    await a.close();
    await b.close();
  }
});

test("concurrent copies of one delivery run the handler once", async () => {
  let calls = 0;
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const server = await listen(createWebhookHandler(async () => {
    calls++;
    await gate;
  }, options()));
  try {
    const recorderServer = await listen((req, res) => res.end());
    const id = await submitWithWebhook(emu, `${recorderServer.url}/x`);
    await settled(id);
    await recorderServer.close();
    const entry = deliveries(id)[0];
    const send = () => fetch(`${server.url}/h`, { method: "POST", headers: entry.headers, body: entry.body });
    const pending = [send(), send(), send()];
    await waitFor(() => calls === 1, "handler running");
    release();
    const bodies = await Promise.all(pending.map(async (p) => (await p).json()));
    expect(calls).toBe(1);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(2);
  } finally {
    release();
    await server.close();
  }
});

test("bodies over maxBodyBytes get 413", async () => {
  const server = await listen(createWebhookHandler(() => {}, { ...options(), maxBodyBytes: 100 }));
  try {
    const res = await fetch(`${server.url}/h`, { method: "POST", body: "x".repeat(1000) });
    expect(res.status).toBe(413);
  } finally {
    await server.close();
  }
  const POST = createNextRouteHandler(() => {}, { ...options(), maxBodyBytes: 100 });
  expect((await POST(new Request("http://l/h", { method: "POST", body: "x".repeat(1000) }))).status).toBe(413);
});

void opts;
