// HTTP(S) proxies: every request fal-native makes (queue, run, storage, stream, realtime) goes
// through the proxy the environment or config.proxy names, checked against a real forward proxy
// (the `proxy` package on node:http) in front of the emulator on loopback.
"use strict";

const { createFalClient, TransportError } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { startForwardProxy } = require("../helpers/forward-proxy");
const { closedPort } = require("../helpers/closed-port");
const { waitFor } = require("../helpers/wait");

const API_KEY = "proxy-key";
const SCHNELL = "fal-ai/flux-1/schnell";
const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];

let emu;
/** A recording forward proxy (test/helpers/forward-proxy.js). */
let forward;
let proxy;
/** What the proxy was asked: "GET http://127.0.0.1:1234/..." lines and "CONNECT host:port" lines. */
let seen = [];

beforeAll(async () => {
  emu = await startEmulator({ apiKey: API_KEY, quiet: true, timing: { queueMs: 5, stepMs: 5, steps: 2, runners: 4 }, maxImageSide: 32 });
  forward = await startForwardProxy();
  proxy = forward.proxy;
});

afterAll(async () => {
  await emu.close();
  await forward.close();
});

const saved = {};
beforeEach(() => {
  forward.seen.length = 0;
  seen = forward.seen;
  for (const name of PROXY_VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});
afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const proxyUrl = () => `http://127.0.0.1:${proxy.address().port}`;
const emulatorHost = () => new URL(emu.url).host;
const client = (extra = {}) => createFalClient({ credentials: API_KEY, baseUrls: emu.urls, ...extra });
const viaProxy = () => seen.filter((line) => line.includes(emulatorHost()));

describe("HTTP_PROXY / HTTPS_PROXY / NO_PROXY", () => {
  test("HTTP_PROXY carries a whole subscribe (submit, status polls, result) in absolute form", async () => {
    process.env.HTTP_PROXY = proxyUrl();
    const result = await client().subscribe(SCHNELL, { input: { prompt: "a fox" }, pollInterval: 10 });
    expect(result.data.images).toHaveLength(1);
    const lines = viaProxy();
    expect(lines[0]).toBe(`POST http://${emulatorHost()}/queue/${SCHNELL}`);
    expect(lines.some((line) => line.startsWith("GET ") && line.endsWith(`/requests/${result.requestId}/status?logs=0`))).toBe(true);
    expect(lines[lines.length - 1]).toBe(`GET http://${emulatorHost()}/queue/fal-ai/flux-1/requests/${result.requestId}`);
  });

  test("lower-case http_proxy works too, and NO_PROXY sends the same calls direct", async () => {
    process.env.http_proxy = proxyUrl();
    await client().run(SCHNELL, { input: { prompt: "a" } });
    expect(viaProxy()).toHaveLength(1);
    process.env.NO_PROXY = "localhost, 127.0.0.1";
    await client().run(SCHNELL, { input: { prompt: "b" } });
    expect(viaProxy()).toHaveLength(1);
  });

  test("an https: proxy setting does not apply to http: URLs (HTTPS_PROXY is for https only)", async () => {
    process.env.HTTPS_PROXY = `http://127.0.0.1:${await closedPort()}`;
    await expect(client().run(SCHNELL, { input: { prompt: "a" } })).resolves.toBeDefined();
  });

  test("a client reads the variables once, at its first request", async () => {
    const fal = client();
    await fal.run(SCHNELL, { input: { prompt: "a" } });
    process.env.HTTP_PROXY = proxyUrl();
    await fal.run(SCHNELL, { input: { prompt: "b" } });
    expect(viaProxy()).toHaveLength(0);
    await client().run(SCHNELL, { input: { prompt: "c" } });
    expect(viaProxy()).toHaveLength(1);
  });
});

describe("config.proxy", () => {
  test("carries storage uploads and streams as well", async () => {
    const fal = client({ proxy: proxyUrl() });
    const url = await fal.storage.upload(new Blob([Buffer.from("hello proxy")], { type: "text/plain" }));
    expect(url).toContain(emulatorHost());
    const stream = await fal.stream("fal-native/stream-test", { input: { count: 5 } });
    const events = [];
    stream.on("data", (event) => events.push(event));
    await stream.done();
    expect(events).toHaveLength(5);
    const lines = viaProxy();
    expect(lines.some((line) => line.startsWith(`POST http://${emulatorHost()}/rest/storage/upload/initiate`))).toBe(true);
    // The presigned upload URL names another host (localhost): the proxy carries it too.
    expect(seen.some((line) => /^PUT http:\/\/localhost:\d+\/cdn-upload\//.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith(`POST http://${emulatorHost()}/run/fal-native/stream-test/stream`))).toBe(true);
  });

  test("wins over HTTP_PROXY; false ignores the variables", async () => {
    process.env.HTTP_PROXY = `http://127.0.0.1:${await closedPort()}`;
    await client({ proxy: proxyUrl() }).run(SCHNELL, { input: { prompt: "a" } });
    expect(viaProxy()).toHaveLength(1);
    await client({ proxy: false }).run(SCHNELL, { input: { prompt: "b" } });
    expect(viaProxy()).toHaveLength(1);
  });

  test("the realtime WebSocket tunnels through the same proxy (CONNECT)", async () => {
    const fal = client({ proxy: proxyUrl() });
    const results = [];
    const conn = fal.realtime.connect("fal-ai/fast-lcm-diffusion", { onResult: (r) => results.push(r), onError: () => {} });
    conn.send({ prompt: "a koi pond", request_id: "via-proxy", sync_mode: false, image_size: "square" });
    await waitFor(() => results.length === 1, "a realtime result through the proxy");
    conn.close();
    expect(seen).toContain(`CONNECT ${emulatorHost()}`);
    expect(viaProxy().some((line) => line.startsWith(`POST http://${emulatorHost()}/rest/tokens/`))).toBe(true);
  });

  test("a proxy that requires credentials gets them from the URL", async () => {
    proxy.authenticate = (req) => req.headers["proxy-authorization"] === `Basic ${Buffer.from("user:pa ss").toString("base64")}`;
    try {
      const url = new URL(proxyUrl());
      url.username = "user";
      url.password = "pa ss";
      await expect(client({ proxy: url.toString() }).run(SCHNELL, { input: { prompt: "a" } })).resolves.toBeDefined();
      await expect(client({ proxy: proxyUrl() }).run(SCHNELL, { input: { prompt: "a" } })).rejects.toMatchObject({ status: 407 });
    } finally {
      delete proxy.authenticate;
    }
  });
});

describe("an unreachable proxy", () => {
  test("fails with the proxy named (password hidden), where it came from and how to fix it", async () => {
    process.env.HTTP_PROXY = `http://me:secret@127.0.0.1:${await closedPort()}`;
    const error = await client({ retry: { maxRetries: 0 } })
      .run(SCHNELL, { input: { prompt: "a" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.message).toContain("the request went through the proxy http://me:***@127.0.0.1:");
    expect(error.message).toContain("(from HTTP_PROXY): check that it is reachable, or exclude the host with NO_PROXY");
    expect(error.message).not.toContain("secret");
  });

  test("a proxy host that does not resolve says so", async () => {
    const error = await client({ proxy: "http://proxy.invalid:3128", retry: { maxRetries: 0 } })
      .run(SCHNELL, { input: { prompt: "a" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain("the proxy http://proxy.invalid:3128 (from config.proxy) could not be resolved");
  });
});
