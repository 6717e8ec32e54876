// TLS trust over real HTTPS: the emulator in its TLS mode (its own CA, HTTP/2 and HTTP/1.1), and
// fal-native trusting exactly what Node trusts (NODE_EXTRA_CA_CERTS, read at startup, so those
// cases run in a child process) or what config.ca pins. Verification can never be turned off.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { createFalClient, TransportError } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { startForwardProxy } = require("../helpers/forward-proxy");
const { runNode } = require("../helpers/run-node");
const { waitFor } = require("../helpers/wait");

const API_KEY = "tls-key";
const SCHNELL = "fal-ai/flux-1/schnell";
const OTHER_CA = fs.readFileSync(path.join(__dirname, "..", "fixtures", "test-ca.pem"), "utf8");
const TIMING = { queueMs: 5, stepMs: 5, steps: 2, runners: 4 };

let emu;
let wrongHost;
const childScript = path.join(os.tmpdir(), `fal-native-tls-child-${process.pid}.js`);

beforeAll(async () => {
  [emu, wrongHost] = await Promise.all([
    startEmulator({ apiKey: API_KEY, quiet: true, timing: TIMING, maxImageSide: 32, tls: true }),
    startEmulator({ apiKey: API_KEY, quiet: true, timing: TIMING, tls: { hostnames: ["wrong.example"] } }),
  ]);
  // One subscribe with the environment's trust; prints its outcome as JSON.
  fs.writeFileSync(
    childScript,
    `const { createFalClient } = require(${JSON.stringify(path.join(__dirname, "../../dist/lib"))});
     createFalClient({ credentials: ${JSON.stringify(API_KEY)}, retry: { maxRetries: 0 } })
       .subscribe(${JSON.stringify(SCHNELL)}, { input: { prompt: "tls" }, pollInterval: 10 })
       .then((r) => console.log(JSON.stringify({ ok: true, images: r.data.images.length })),
             (e) => console.log(JSON.stringify({ ok: false, name: e.name, code: e.code, message: e.message })));`,
  );
});

afterAll(async () => {
  await Promise.all([emu.close(), wrongHost.close()]);
  fs.rmSync(childScript, { force: true });
});

const client = (extra = {}, target = emu) => createFalClient({ credentials: API_KEY, baseUrls: target.urls, ...extra });

/** The child's outcome, with `env` over the emulator's FAL_*_URL variables. */
async function subscribeInChild(env) {
  const childEnv = { ...process.env, ...emu.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const run = await runNode(childScript, [], { env: childEnv, timeoutMs: 20_000 });
  // Node's own startup warning about an unusable NODE_EXTRA_CA_CERTS is expected; nothing else.
  const stderr = run.stderr.replace(/^.*Ignoring extra certs from.*\n?/m, "");
  expect({ code: run.code, stderr }).toEqual({ code: 0, stderr: "" });
  return JSON.parse(run.stdout);
}

describe("the emulator's TLS mode", () => {
  test("serves https:// URLs and writes its CA to a file", () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    for (const url of Object.values(emu.urls)) expect(url).toMatch(/^https:\/\//);
    expect(fs.readFileSync(emu.caFile, "utf8")).toContain("-----BEGIN CERTIFICATE-----");
  });
});

describe("trusting what Node trusts", () => {
  test("NODE_EXTRA_CA_CERTS with the emulator's CA: a subscribe over HTTPS succeeds", async () => {
    expect(await subscribeInChild({ NODE_EXTRA_CA_CERTS: emu.caFile })).toEqual({ ok: true, images: 1 });
  });

  test("without it: a certificate-verification error with Node's code and the fix", async () => {
    const outcome = await subscribeInChild({ NODE_EXTRA_CA_CERTS: undefined });
    expect(outcome).toMatchObject({ ok: false, name: "TransportError" });
    expect(["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN"]).toContain(outcome.code);
    expect(outcome.message).toMatch(/certificate/i);
    expect(outcome.message).toContain("set NODE_EXTRA_CA_CERTS=<PEM file> or pass config({ ca })");
    expect(outcome.message).not.toMatch(/error setting certificate file/);
  });

  test("NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off", async () => {
    const outcome = await subscribeInChild({ NODE_EXTRA_CA_CERTS: undefined, NODE_TLS_REJECT_UNAUTHORIZED: "0" });
    expect(outcome).toMatchObject({ ok: false, name: "TransportError" });
    expect(["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN"]).toContain(outcome.code);
  });

  test("a NODE_EXTRA_CA_CERTS that cannot be read is named in the certificate error", async () => {
    const outcome = await subscribeInChild({ NODE_EXTRA_CA_CERTS: "/nonexistent/extra-ca.pem" });
    expect(outcome).toMatchObject({ ok: false, name: "TransportError" });
    expect(outcome.message).toContain("NODE_EXTRA_CA_CERTS=/nonexistent/extra-ca.pem could not be read (ENOENT)");
  });
});

describe("config.ca", () => {
  test("pins the emulator's CA in process: subscribe, stream and upload over HTTPS", async () => {
    const fal = client({ ca: emu.caPem });
    const result = await fal.subscribe(SCHNELL, { input: { prompt: "pinned" }, pollInterval: 10 });
    expect(result.data.images).toHaveLength(1);
    const stream = await fal.stream("fal-native/stream-test", { input: { count: 4 } });
    const events = [];
    stream.on("data", (event) => events.push(event));
    await stream.done();
    expect(events).toHaveLength(4);
    const url = await fal.storage.upload(new Blob([Buffer.from("over tls")], { type: "text/plain" }));
    expect(url).toMatch(/^https:\/\//);
  });

  test("replaces Node's store: another CA is not enough, and the error says which store was used", async () => {
    const error = await client({ ca: OTHER_CA, retry: { maxRetries: 0 } })
      .run(SCHNELL, { input: { prompt: "a" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain("the server's certificate is not signed by a CA in config.ca (1 certificates)");
  });

  test("a certificate for another host fails with ERR_TLS_CERT_ALTNAME_INVALID", async () => {
    const error = await client({ ca: wrongHost.caPem, retry: { maxRetries: 0 } }, wrongHost)
      .run(SCHNELL, { input: { prompt: "a" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(error.message).toMatch(/127\.0\.0\.1/);
    expect(error.message).toContain("valid for other host names");
    expect(error.message).not.toContain("config.ca");
  });

  test("the realtime WebSocket (wss) trusts the same CA", async () => {
    const results = [];
    const errors = [];
    const conn = client({ ca: emu.caPem }).realtime.connect("fal-ai/fast-lcm-diffusion", {
      onResult: (r) => results.push(r),
      onError: (e) => errors.push(e),
    });
    conn.send({ prompt: "a koi pond", request_id: "wss", sync_mode: false, image_size: "square" });
    await waitFor(() => results.length === 1 || errors.length > 0, "a realtime result over wss");
    conn.close();
    expect(errors).toEqual([]);
    expect(results[0].request_id).toBe("wss");
  });
});

describe("HTTPS through a proxy", () => {
  test("a CONNECT tunnel, with the server's certificate still verified end to end", async () => {
    const proxy = await startForwardProxy();
    try {
      const via = proxy.url;
      const result = await client({ ca: emu.caPem, proxy: via }).run(SCHNELL, { input: { prompt: "tunnel" } });
      expect(result.data.images).toHaveLength(1);
      expect(proxy.seen).toContain(`CONNECT ${new URL(emu.url).host}`);
      const error = await client({ ca: OTHER_CA, proxy: via, retry: { maxRetries: 0 } })
        .run(SCHNELL, { input: { prompt: "a" } })
        .catch((e) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error.message).toContain(`the connection went through the proxy ${via} (from config.proxy)`);
    } finally {
      await proxy.close();
    }
  });
});
