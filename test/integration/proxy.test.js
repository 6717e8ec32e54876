// fal-native/proxy over real loopback: an Express 5 app mounts the proxy at /api/fal/proxy, the
// fal emulator stands in for fal (mapped with `baseUrls`), and the OFFICIAL @fal-ai/client in
// proxy mode talks to it, as a browser app would. Every byte the proxy sends back to its clients
// passes through a TCP tap, so the test can prove the server's key never leaves the server.
"use strict";

const crypto = require("node:crypto");
const http = require("node:http");
const net = require("node:net");
const express = require("express");
const official = require("@fal-ai/client");
const native = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const proxy = require("../../dist/lib/proxy");
const { closedPort } = require("../helpers/closed-port");
const { waitFor } = require("../helpers/wait");

const SERVER_KEY = "server-only-key-7f3a9c";
const CLIENT_KEY = "browser-supplied-key-0000";
const SCHNELL = "fal-ai/flux-1/schnell";
const ROUTE = "/api/fal/proxy";
const MiB = 1024 * 1024;
const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

let emu;
let app;
let server;
/** Every byte the Express server sent back to any client, captured on the wire. */
const wire = [];
let tap;
/** The proxy URL clients use (through the tap). */
let proxyUrl;
/** A programmable stand-in for fal, for streaming and header-leak checks (see `upstream`). */
let upstream;

const listen = (srv) => new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(srv.address().port)));
const close = (srv) => new Promise((resolve) => srv.close(() => resolve()));

/** A TCP pass-through that records the server -> client direction. */
async function startTap(targetPort) {
  const sockets = new Set();
  const srv = net.createServer((client) => {
    const toServer = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(toServer);
    client.pipe(toServer);
    toServer.on("data", (chunk) => wire.push(Buffer.from(chunk)));
    toServer.pipe(client);
    const end = () => {
      client.destroy();
      toServer.destroy();
    };
    client.on("error", end).on("close", end);
    toServer.on("error", end).on("close", end);
  });
  const port = await listen(srv);
  return {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return close(srv);
    },
  };
}

/** A fake fal host: tests set `upstream.handler` for what it should do. */
async function startUpstream() {
  const state = { handler: null, requests: [] };
  const srv = http.createServer((req, res) => {
    state.requests.push({ method: req.method, url: req.url, headers: req.headers });
    if (state.handler) state.handler(req, res);
    else res.writeHead(500).end("no handler");
  });
  const port = await listen(srv);
  state.url = `http://127.0.0.1:${port}`;
  state.close = () => {
    srv.closeAllConnections();
    return close(srv);
  };
  return state;
}

const proxyOptions = (extra = {}) => ({ credentials: SERVER_KEY, baseUrls: emu.urls, ...extra });

beforeAll(async () => {
  for (const name of ["FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_RUN_URL", "FAL_QUEUE_URL", "FAL_REST_URL", "FAL_CDN_URL"]) {
    delete process.env[name];
  }
  emu = await startEmulator({ apiKey: SERVER_KEY, quiet: true, maxImageSide: 64, timing: { queueMs: 5, stepMs: 5, steps: 3, runners: 4 } });
  upstream = await startUpstream();

  app = express();
  app.all(ROUTE, proxy.createExpressHandler(proxyOptions()));
  // The same proxy behind express.json(): bodies arrive parsed and are sent again as JSON.
  app.all(`/parsed${ROUTE}`, express.json(), proxy.createExpressHandler(proxyOptions()));
  // A proxy whose run/queue hosts are the programmable upstream.
  app.all(`/fake${ROUTE}`, proxy.createExpressHandler({ credentials: SERVER_KEY, baseUrls: { run: upstream.url, queue: upstream.url } }));
  app.all(`/fake-parsed${ROUTE}`, express.json(), proxy.createExpressHandler({ credentials: SERVER_KEY, baseUrls: { run: upstream.url } }));
  app.all(`/flux-only${ROUTE}`, proxy.createExpressHandler(proxyOptions({ allowedEndpoints: ["fal-ai/flux-1/*"] })));
  app.all(
    `/guarded${ROUTE}`,
    proxy.createExpressHandler(
      proxyOptions({
        authorize: (info) => info.headers["x-app-session"] === "valid-session",
        isAllowed: (target) => !target.pathname.includes("forbidden"),
      }),
    ),
  );
  app.all(`/keyless${ROUTE}`, proxy.createExpressHandler({ baseUrls: emu.urls, credentials: () => undefined }));
  server = http.createServer(app);
  const port = await listen(server);
  tap = await startTap(port);
  proxyUrl = `http://127.0.0.1:${tap.port}${ROUTE}`;
});

afterAll(async () => {
  await tap.close();
  server.closeAllConnections();
  await close(server);
  await upstream.close();
  await emu.close();
});

/** The official client, forced into proxy mode outside a browser (`when: "always"`). */
const officialClient = (extra = {}, url = proxyUrl) => official.createFalClient({ proxyUrl: { url, when: "always" }, ...extra });

/** Requests the emulator received through the proxy (they carry x-fal-client-proxy). */
const proxied = () => emu.requests.filter((r) => r.headers["x-fal-client-proxy"] !== undefined);

/** A raw request to the proxy with Node's fetch. */
async function callProxy(target, { method = "POST", headers = {}, body, path = ROUTE } = {}) {
  const init = { method, headers: { ...headers } };
  if (target !== undefined) init.headers["x-fal-target-url"] = target;
  if (body !== undefined) {
    init.body = typeof body === "string" || body instanceof Uint8Array || body instanceof ReadableStream ? body : JSON.stringify(body);
    if (body instanceof ReadableStream) init.duplex = "half";
    init.headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`http://127.0.0.1:${tap.port}${path}`, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, json: () => JSON.parse(bytes.toString()) };
}

describe("the official @fal-ai/client through the Express proxy", () => {
  test("fal.run: the emulator sees the server's key, never the client's", async () => {
    const before = emu.requests.length;
    const result = await officialClient({ credentials: CLIENT_KEY }).run(SCHNELL, { input: { prompt: "a lighthouse", seed: 5 } });
    expect(result.data.prompt).toBe("a lighthouse");
    expect(result.data.seed).toBe(5);
    expect(result.data.images.length).toBe(1);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const seen = emu.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /run/${SCHNELL}`]);
    expect(seen[0].headers.authorization).toBe(`Key ${SERVER_KEY}`);
    expect(JSON.stringify(seen[0].headers)).not.toContain(CLIENT_KEY);
    expect(seen[0].headers["x-fal-client-proxy"]).toMatch(/^fal-native\/.+\/express$/);
    expect(seen[0].headers["x-fal-target-url"]).toBeUndefined();
    expect(seen[0].headers["user-agent"]).toContain("@fal-ai/client");
    expect(JSON.parse(seen[0].body)).toEqual({ prompt: "a lighthouse", seed: 5 });
  });

  test("fal.subscribe: submit, status polls and result all go through the proxy", async () => {
    const before = emu.requests.length;
    const updates = [];
    const result = await officialClient().subscribe(SCHNELL, {
      input: { prompt: "a fox", num_images: 2 },
      logs: true,
      pollInterval: 10,
      onQueueUpdate: (update) => updates.push(update.status),
    });
    expect(result.data.images).toHaveLength(2);
    expect(updates[updates.length - 1]).toBe("COMPLETED");

    const seen = emu.requests.slice(before);
    expect(seen[0].method).toBe("POST");
    expect(seen[0].path).toBe(`/queue/${SCHNELL}`);
    const statusPolls = seen.filter((r) => r.path === `/queue/fal-ai/flux-1/requests/${result.requestId}/status`);
    expect(statusPolls.length).toBe(updates.length);
    expect(statusPolls[0].query.logs).toBe("1");
    expect(seen[seen.length - 1].path).toBe(`/queue/fal-ai/flux-1/requests/${result.requestId}`);
    for (const request of seen) {
      expect(request.headers.authorization).toBe(`Key ${SERVER_KEY}`);
      expect(request.headers["x-fal-client-proxy"]).toBeDefined();
    }
  });

  test("fal.queue.cancel (PUT) and errors from fal come back with their status and body", async () => {
    const client = officialClient();
    const { request_id } = await client.queue.submit(SCHNELL, { input: { prompt: "x" }, headers: { "x-fal-emulator-scenario": "slow" } });
    // The request is quick enough that it may finish first: both answers are fal's own.
    const outcome = await client.queue.cancel(SCHNELL, { requestId: request_id }).then(
      () => "cancelled",
      (error) => error.status,
    );
    expect(["cancelled", 400]).toContain(outcome);

    const error = await client.run(SCHNELL, { input: { num_images: 2 } }).catch((e) => e);
    expect(error).toBeInstanceOf(official.ValidationError);
    expect(error.status).toBe(422);
    expect(error.fieldErrors[0].loc).toEqual(["body", "prompt"]);
  });

  test("fal.storage.upload of a small Blob: initiate through the proxy, bytes straight to the signed URL", async () => {
    const before = emu.requests.length;
    const url = await officialClient().storage.upload(new Blob(["hello through the proxy"], { type: "text/plain" }));
    const download = await fetch(url);
    expect(await download.text()).toBe("hello through the proxy");

    const seen = emu.requests.slice(before);
    const initiate = seen.find((r) => r.path === "/rest/storage/upload/initiate");
    expect(initiate.query.storage_type).toBe("fal-cdn-v3");
    expect(initiate.headers.authorization).toBe(`Key ${SERVER_KEY}`);
    expect(initiate.headers["x-fal-client-proxy"]).toBeDefined();
    const put = seen.find((r) => r.method === "PUT" && r.path.startsWith("/cdn-upload/"));
    expect(put.headers.authorization).toBeUndefined();
    expect(put.headers["x-fal-client-proxy"]).toBeUndefined();
  });

  test("fal.storage.upload of a 95 MiB Blob: initiate-multipart through the proxy, 10 parts and complete direct", async () => {
    const bytes = crypto.randomBytes(95 * MiB);
    const before = emu.requests.length;
    const url = await officialClient().storage.upload(new Blob([bytes], { type: "application/octet-stream" }));
    const stored = emu.storedFile(url);
    expect(stored.size).toBe(bytes.length);
    expect(sha256(stored.bytes)).toBe(sha256(bytes));

    const seen = emu.requests.slice(before);
    const initiate = seen.filter((r) => r.path === "/rest/storage/upload/initiate-multipart");
    expect(initiate).toHaveLength(1);
    expect(initiate[0].headers["x-fal-client-proxy"]).toBeDefined();
    expect(initiate[0].headers.authorization).toBe(`Key ${SERVER_KEY}`);
    const parts = seen.filter((r) => r.method === "PUT" && /^\/cdn-upload\/[^/]+\/\d+$/.test(r.path));
    expect(parts).toHaveLength(10);
    expect(seen.some((r) => r.method === "POST" && r.path.endsWith("/complete"))).toBe(true);
    for (const direct of [...parts]) expect(direct.headers.authorization).toBeUndefined();
  }, 120_000);

  test("behind express.json(): the parsed body is sent again as JSON", async () => {
    const before = emu.requests.length;
    const client = officialClient({}, `http://127.0.0.1:${tap.port}/parsed${ROUTE}`);
    const result = await client.subscribe(SCHNELL, { input: { prompt: "parsed first", seed: 9 }, pollInterval: 10 });
    expect(result.data.seed).toBe(9);
    const submit = emu.requests.slice(before).find((r) => r.method === "POST");
    expect(JSON.parse(submit.body)).toEqual({ prompt: "parsed first", seed: 9 });
    expect(submit.headers["content-length"]).toBe(String(Buffer.byteLength(submit.body)));
  });

  test("allowedEndpoints: an allowed app works end to end (status/result included), others get 400", async () => {
    const client = officialClient({}, `http://127.0.0.1:${tap.port}/flux-only${ROUTE}`);
    const result = await client.subscribe(SCHNELL, { input: { prompt: "allowed" }, pollInterval: 10 });
    expect(result.data.prompt).toBe("allowed");

    const before = emu.requests.length;
    const error = await client.run("fal-ai/flux-pro/v1.1-ultra", { input: { prompt: "no" } }).catch((e) => e);
    expect(error).toBeInstanceOf(official.ApiError);
    expect(error.status).toBe(400);
    expect(error.body.message).toBe("Invalid request");
    const sneaky = await callProxy("https://queue.fal.run/fal-ai/flux-1/schnell/..%2F..%2Fflux-pro/v1.1-ultra", {
      path: `/flux-only${ROUTE}`,
      body: {},
    });
    expect(sneaky.status).toBe(400);
    expect(emu.requests.length).toBe(before);
  });
});

describe("fal-native's own client through the proxy", () => {
  const nativeClient = () => native.createFalClient({ proxyUrl: { url: proxyUrl, when: "always" } });

  test("run, subscribe and a Buffer upload", async () => {
    const client = nativeClient();
    const ran = await client.run(SCHNELL, { input: { prompt: "native run" } });
    expect(ran.data.prompt).toBe("native run");

    const before = emu.requests.length;
    const subscribed = await client.subscribe(SCHNELL, { input: { prompt: "native queue" }, pollInterval: 10 });
    expect(subscribed.data.prompt).toBe("native queue");
    const seen = emu.requests.slice(before);
    expect(seen[0].path).toBe(`/queue/${SCHNELL}`);
    expect(seen.every((r) => r.headers.authorization === `Key ${SERVER_KEY}` && r.headers["x-fal-client-proxy"])).toBe(true);

    const bytes = crypto.randomBytes(256 * 1024);
    const url = await client.storage.upload(bytes);
    expect(sha256(emu.storedFile(url).bytes)).toBe(sha256(bytes));
  });
});

describe("what the proxy refuses", () => {
  test.each([
    ["no x-fal-target-url header", undefined],
    ["a non-fal host", "https://example.com/fal-ai/flux-1/schnell"],
    ["a look-alike host", "https://fal.run.evil.com/fal-ai/flux-1/schnell"],
    ["fal.run only in the query", "https://evil.com/?x=fal.run"],
    ["fal.run as userinfo", "https://fal.run@evil.com/fal-ai/flux-1/schnell"],
    ["credentials on a fal host", "https://user:pass@fal.run/fal-ai/flux-1/schnell"],
    ["a backslash trick", "https://evil.com\\@fal.run/fal-ai/flux-1/schnell"],
    ["plain http to fal", "http://fal.run/fal-ai/flux-1/schnell"],
    ["an explicit port", "https://fal.run:8443/fal-ai/flux-1/schnell"],
    ["rest.fal.ai outside storage", "https://rest.fal.ai/keys"],
    ["the tokens route", "https://rest.fal.ai/tokens/"],
    ["fal.ai itself", "https://fal.ai/api/anything"],
    ["a relative URL", "/fal-ai/flux-1/schnell"],
    ["not a URL", "fal.run"],
  ])("%s -> 400 Invalid request, nothing reaches fal", async (_what, target) => {
    const before = emu.requests.length;
    const answer = await callProxy(target, { body: { prompt: "x" } });
    expect(answer.status).toBe(400);
    expect(answer.json().message).toBe("Invalid request");
    expect(typeof answer.json().detail).toBe("string");
    expect(emu.requests.length).toBe(before);
  });

  test("storage routes take POST only; GET of the same URL is refused", async () => {
    const answer = await callProxy("https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3", { method: "GET" });
    expect(answer.status).toBe(400);
  });

  test("PATCH -> 405 with Allow", async () => {
    const answer = await callProxy(`https://fal.run/${SCHNELL}`, { method: "PATCH", body: {} });
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("GET, POST, PUT, DELETE");
  });

  test("authorize and isAllowed hooks: 401 without the app's session, 403 when the hook says no", async () => {
    const path = `/guarded${ROUTE}`;
    const target = `https://fal.run/${SCHNELL}`;
    expect((await callProxy(target, { path, body: { prompt: "x" } })).status).toBe(401);
    const session = { "x-app-session": "valid-session" };
    const ok = await callProxy(target, { path, headers: session, body: { prompt: "x" } });
    expect(ok.status).toBe(200);
    const forbidden = await callProxy("https://fal.run/fal-ai/forbidden-app", { path, headers: session, body: {} });
    expect(forbidden.status).toBe(403);
  });

  test("no key configured -> 401, fal is not called", async () => {
    const before = emu.requests.length;
    const answer = await callProxy(`https://fal.run/${SCHNELL}`, { path: `/keyless${ROUTE}`, body: { prompt: "x" } });
    expect(answer.status).toBe(401);
    expect(answer.json().message).toBe("Unauthorized");
    expect(emu.requests.length).toBe(before);
  });
});

describe("headers", () => {
  test("the client's Authorization and cookies are replaced, x-fal-* headers pass", async () => {
    const before = emu.requests.length;
    const answer = await callProxy(`https://fal.run/${SCHNELL}`, {
      headers: {
        authorization: `Key ${CLIENT_KEY}`,
        cookie: "session=abc",
        "x-fal-object-lifecycle-preference": '{"expiration_duration_seconds":60}',
        "x-other": "dropped",
      },
      body: { prompt: "headers" },
    });
    expect(answer.status).toBe(200);
    const [seen] = emu.requests.slice(before);
    expect(seen.headers.authorization).toBe(`Key ${SERVER_KEY}`);
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers["x-other"]).toBeUndefined();
    expect(seen.headers["x-fal-object-lifecycle-preference"]).toBe('{"expiration_duration_seconds":60}');
    expect(answer.headers.get("x-fal-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a response header that echoes the key is dropped, as are fal's cookies", async () => {
    upstream.handler = (req, res) => {
      res.setHeader("x-echo-auth", req.headers.authorization);
      res.setHeader("x-debug", `key=${SERVER_KEY}`);
      res.setHeader("set-cookie", "edge=1");
      res.setHeader("x-fal-request-id", "r-1");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: true }));
    };
    const answer = await callProxy(`https://fal.run/${SCHNELL}`, { path: `/fake${ROUTE}`, body: { prompt: "x" } });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ ok: true });
    expect(answer.headers.get("x-echo-auth")).toBeNull();
    expect(answer.headers.get("x-debug")).toBeNull();
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect(answer.headers.get("x-fal-request-id")).toBe("r-1");
  });

  test("fal unreachable -> 502 without details of the key", async () => {
    const port = await closedPort();
    const local = express();
    local.all(ROUTE, proxy.createExpressHandler({ credentials: SERVER_KEY, baseUrls: { run: `http://127.0.0.1:${port}` }, onError: () => {} }));
    const srv = http.createServer(local);
    const localPort = await listen(srv);
    try {
      const response = await fetch(`http://127.0.0.1:${localPort}${ROUTE}`, {
        method: "POST",
        headers: { "x-fal-target-url": `https://fal.run/${SCHNELL}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(JSON.parse(text).message).toBe("Bad gateway");
      expect(text).not.toContain(SERVER_KEY);
    } finally {
      srv.closeAllConnections();
      await close(srv);
    }
  });
});

describe("streaming in both directions", () => {
  test("the request body is forwarded while the client is still sending it", async () => {
    let sawFirstChunk;
    const firstChunkArrived = new Promise((resolve) => (sawFirstChunk = resolve));
    upstream.handler = (req, res) => {
      const hash = crypto.createHash("sha256");
      let size = 0;
      req.on("data", (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        sawFirstChunk();
      });
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ size, sha: hash.digest("hex"), type: req.headers["content-type"], url: req.url }));
      });
    };
    const first = crypto.randomBytes(64 * 1024);
    const rest = crypto.randomBytes(12 * MiB);
    // The second part is produced only once fal has received the first: a proxy that buffered
    // the whole body would wait forever here.
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(first);
      },
      async pull(controller) {
        await firstChunkArrived;
        controller.enqueue(rest);
        controller.close();
      },
    });
    const answer = await callProxy(`https://fal.run/${SCHNELL}?variant=big&x=1`, {
      path: `/fake${ROUTE}`,
      body,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      size: first.length + rest.length,
      sha: sha256(Buffer.concat([first, rest])),
      type: "application/octet-stream",
      url: `/${SCHNELL}?variant=big&x=1`,
    });
  });

  test("a gzip request body is passed on compressed, or plain once express.json() has decoded it", async () => {
    upstream.handler = (req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ encoding: req.headers["content-encoding"] ?? null, body: Buffer.concat(chunks).toString("base64") }));
      });
    };
    const zlib = require("node:zlib");
    const json = JSON.stringify({ prompt: "compressed" });
    const gzipped = zlib.gzipSync(json);
    const options = { body: new Uint8Array(gzipped), headers: { "content-encoding": "gzip", "content-type": "application/json" } };
    const streamed = (await callProxy(`https://fal.run/${SCHNELL}`, { path: `/fake${ROUTE}`, ...options })).json();
    expect(streamed.encoding).toBe("gzip");
    expect(Buffer.from(streamed.body, "base64").equals(gzipped)).toBe(true);
    const parsed = (await callProxy(`https://fal.run/${SCHNELL}`, { path: `/fake-parsed${ROUTE}`, ...options })).json();
    expect(parsed.encoding).toBeNull();
    expect(Buffer.from(parsed.body, "base64").toString()).toBe(json);
  });

  test("SSE events reach the client one by one, before fal has finished the response", async () => {
    let clientGotFirst;
    const firstDelivered = new Promise((resolve) => (clientGotFirst = resolve));
    upstream.handler = async (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write('data: {"step":1}\n\n');
      // The second event is sent only after the client has read the first through the proxy.
      await firstDelivered;
      res.end('data: {"step":2}\n\n');
    };
    const response = await fetch(proxyUrl.replace(ROUTE, `/fake${ROUTE}`), {
      method: "POST",
      headers: { "x-fal-target-url": `https://fal.run/${SCHNELL}/stream`, accept: "text/event-stream", "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes('{"step":1}')) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(text).not.toContain('{"step":2}');
    clientGotFirst();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    expect(text).toBe('data: {"step":1}\n\ndata: {"step":2}\n\n');
  });

  test("a client that hangs up aborts the request to fal", async () => {
    let upstreamClosed = false;
    upstream.handler = (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: {}\n\n");
      res.on("close", () => (upstreamClosed = true));
    };
    const aborter = new AbortController();
    const response = await fetch(proxyUrl.replace(ROUTE, `/fake${ROUTE}`), {
      method: "GET",
      headers: { "x-fal-target-url": `https://queue.fal.run/fal-ai/flux-1/requests/r/status/stream` },
      signal: aborter.signal,
    });
    await response.body.getReader().read();
    aborter.abort();
    await waitFor(() => upstreamClosed, "the upstream request to close");
  });
});

describe("Next.js App Router route handlers (web Request -> Response)", () => {
  const handlers = () => proxy.createRouteHandler(proxyOptions());
  const request = (method, target, body, headers = {}) =>
    new Request(`http://localhost:3000${ROUTE}`, {
      method,
      headers: { ...(target ? { "x-fal-target-url": target } : {}), "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test("exports GET, POST, PUT and DELETE; a queue round trip works and the key stays inside", async () => {
    const { GET, POST, PUT, DELETE } = handlers();
    for (const fn of [GET, POST, PUT, DELETE]) expect(typeof fn).toBe("function");

    const submitted = await POST(request("POST", `https://queue.fal.run/${SCHNELL}`, { prompt: "next" }, { authorization: `Key ${CLIENT_KEY}` }));
    expect(submitted).toBeInstanceOf(Response);
    expect(submitted.status).toBe(200);
    const submitText = await submitted.text();
    const { request_id } = JSON.parse(submitText);
    const submitRecord = emu.requests.find((r) => r.method === "POST" && r.body.includes('"next"'));
    expect(submitRecord.headers.authorization).toBe(`Key ${SERVER_KEY}`);
    expect(submitRecord.headers["x-fal-client-proxy"]).toMatch(/nextjs-app-router$/);

    let status;
    await waitFor(async () => {
      const answer = await GET(request("GET", `https://queue.fal.run/fal-ai/flux-1/requests/${request_id}/status`));
      status = await answer.json();
      return status.status === "COMPLETED";
    }, "the request to complete");
    const result = await GET(request("GET", `https://queue.fal.run/fal-ai/flux-1/requests/${request_id}`));
    const resultText = await result.text();
    expect(JSON.parse(resultText).prompt).toBe("next");
    for (const text of [submitText, resultText, JSON.stringify(status)]) expect(text).not.toContain(SERVER_KEY);
    for (const [, value] of result.headers) expect(value).not.toContain(SERVER_KEY);
  });

  test("the same refusals as every adapter", async () => {
    const { POST } = handlers();
    const missing = await POST(request("POST", undefined, {}));
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toBe("Invalid request");
    expect((await POST(request("POST", "https://fal.run.evil.com/x", {}))).status).toBe(400);
  });

  test("an SSE response is streamed through the web Response", async () => {
    let clientGotFirst;
    const firstDelivered = new Promise((resolve) => (clientGotFirst = resolve));
    upstream.handler = async (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: 1\n\n");
      await firstDelivered;
      res.end("data: 2\n\n");
    };
    const { POST } = proxy.createRouteHandler({ credentials: SERVER_KEY, baseUrls: { run: upstream.url } });
    const response = await POST(request("POST", `https://fal.run/${SCHNELL}/stream`, {}));
    const reader = response.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("data: 1\n\n");
    clientGotFirst();
    const second = new TextDecoder().decode((await reader.read()).value);
    expect(second).toBe("data: 2\n\n");
    expect((await reader.read()).done).toBe(true);
  });
});

describe("node:http and Pages Router handlers", () => {
  test.each([
    ["createNodeHandler", "node"],
    ["createPageRouterHandler", "nextjs-pages-router"],
  ])("%s serves the official client", async (factory, adapter) => {
    const srv = http.createServer(proxy[factory](proxyOptions()));
    const port = await listen(srv);
    try {
      const before = emu.requests.length;
      const client = officialClient({}, `http://127.0.0.1:${port}${ROUTE}`);
      const result = await client.subscribe(SCHNELL, { input: { prompt: adapter }, pollInterval: 10 });
      expect(result.data.prompt).toBe(adapter);
      expect(emu.requests[before].headers["x-fal-client-proxy"]).toMatch(new RegExp(`/${adapter}$`));
      const missing = await fetch(`http://127.0.0.1:${port}${ROUTE}`, { method: "POST", body: "{}" });
      expect(missing.status).toBe(400);
    } finally {
      srv.closeAllConnections();
      await close(srv);
    }
  });
});

describe("option checks", () => {
  test.each([
    [{ credentials: 42 }, /credentials must be a non-empty string or a function/],
    [{ credentials: "" }, /credentials must be a non-empty string or a function/],
    [{ baseUrls: { run: "ftp://x" } }, /config\.baseUrls\.run must be an http\(s\) URL/],
    [{ allowedEndpoints: "fal-ai/flux" }, /allowedEndpoints must be an array of endpoint ids/],
    [{ authorize: true }, /authorize must be a function/],
  ])("%j is rejected when the handler is created", (options, message) => {
    expect(() => proxy.createNodeHandler(options)).toThrow(message);
    expect(() => proxy.createRouteHandler(options)).toThrow(message);
  });
});

// Last, on purpose (tests run in the order they are written): every Express answer above, good
// and bad, went through the tap.
describe("after everything", () => {
  test("the server's key never appeared in any byte sent back to a client", () => {
    const everything = Buffer.concat(wire).toString("latin1");
    const responses = everything.split("HTTP/1.1 ").length - 1;
    expect(responses).toBeGreaterThan(40);
    expect(everything).toContain("x-fal-request-id");
    expect(everything).toContain("Invalid request");
    expect(everything.includes(SERVER_KEY)).toBe(false);
  });
});
