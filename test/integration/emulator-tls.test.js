// The emulator's TLS mode over real TLS on loopback: HTTPS with ALPN h2 and http/1.1 on the same
// routes, a fresh CA per emulator, certificate errors for clients that do not trust it (or a
// certificate for another host), both fal clients in child processes trusting the CA through
// NODE_EXTRA_CA_CERTS, SSE over HTTP/2 with back-pressure, storage uploads, realtime over wss,
// the CLI's --tls output and a prompt close() with idle connections open.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn, execFileSync } = require("child_process");
const { X509Certificate } = require("crypto");
const WebSocket = require("ws");
const { startEmulator } = require("../../dist/lib/emulator");
const { runNode } = require("../helpers/run-node");
const { waitFor } = require("../helpers/wait");
const { h1Request, h2Connect, h2Request, json } = require("../helpers/tls-requests");

const SCHNELL = "fal-ai/flux-1/schnell";
const AUTH = { authorization: "Key tls-test" };
const quick = { queueMs: 5, stepMs: 5, steps: 2, runners: 4 };

let emu;
let startMs;

beforeAll(async () => {
  const started = performance.now();
  emu = await startEmulator({ tls: true, quiet: true, timing: quick, maxImageSide: 64 });
  startMs = performance.now() - started;
});

afterAll(async () => {
  await emu.close();
});

/** Error code of a rejected promise. */
async function errorCode(promise) {
  try {
    await promise;
  } catch (error) {
    return error.code;
  }
  throw new Error("expected a rejection");
}

describe("certificates", () => {
  test("https:// everywhere; a fresh CA in caPem and caFile signs a server certificate for 127.0.0.1, ::1 and localhost", async () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    for (const value of Object.values(emu.urls)) expect(value.startsWith(`${emu.url}/`)).toBe(true);
    for (const name of ["FAL_RUN_URL", "FAL_QUEUE_URL", "FAL_REST_URL", "FAL_CDN_URL"]) expect(emu.env[name]).toMatch(/^https:\/\//);
    // Startup (key generation, signing, the CA file) stays quick; generous bound for loaded CI.
    expect(startMs).toBeLessThan(2000);

    expect(fs.readFileSync(emu.caFile, "utf8")).toBe(emu.caPem);
    expect(path.dirname(emu.caFile)).toBe(os.tmpdir());
    const ca = new X509Certificate(emu.caPem);
    expect(ca.ca).toBe(true);

    const response = await h1Request(`${emu.url}/`, { ca: emu.caPem });
    const leaf = new X509Certificate(response.peerCertificate.raw);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyType).toBe("ec");
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkIP("::1")).toBe("::1");
    expect(leaf.checkHost("localhost")).toBe("localhost");
  });

  test("each emulator has its own CA", async () => {
    const other = await startEmulator({ tls: true, quiet: true });
    try {
      expect(other.caPem).not.toBe(emu.caPem);
      expect(other.caFile).not.toBe(emu.caFile);
      expect(await errorCode(h1Request(`${other.url}/`, { ca: emu.caPem }))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    } finally {
      await other.close();
    }
  });

  test("the certificate is also valid when the client names the host localhost", async () => {
    const response = await h1Request(`${emu.url}/`, { ca: emu.caPem, servername: "localhost", headers: { host: "localhost" } });
    expect(response.status).toBe(200);
  });

  test("a client without the CA fails with a certificate error (h1 and h2), counted as a failed handshake", async () => {
    const failuresBefore = emu.connections.tlsFailures;
    expect(await errorCode(h1Request(`${emu.url}/`))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(await errorCode(h2Connect(emu.url))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    await waitFor(() => emu.connections.tlsFailures >= failuresBefore + 2, "failed handshakes counted");
  });

  test("tls.hostnames: a certificate for another host fails verification for 127.0.0.1", async () => {
    const wrong = await startEmulator({ tls: { hostnames: ["wrong.example"] }, quiet: true });
    try {
      // The chain is trusted; the name is not the one the client connected to.
      expect(await errorCode(h1Request(`${wrong.url}/`, { ca: wrong.caPem }))).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
      expect(await errorCode(h2Connect(wrong.url, { ca: wrong.caPem }))).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await wrong.close();
    }
  });

  test("tls.caFile is written where asked and kept on close; tls.certDir gets a unique file removed on close", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-tls-"));
    try {
      const caFile = path.join(dir, "ca.pem");
      const named = await startEmulator({ tls: { caFile }, quiet: true });
      expect(named.caFile).toBe(caFile);
      await named.close();
      expect(fs.readFileSync(caFile, "utf8")).toBe(named.caPem);

      const inDir = await startEmulator({ tls: { certDir: dir }, quiet: true });
      expect(path.dirname(inDir.caFile)).toBe(dir);
      expect(fs.existsSync(inDir.caFile)).toBe(true);
      await inDir.close();
      expect(fs.existsSync(inDir.caFile)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("tls.key/cert/ca: a caller's own certificate is served and its CA exposed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-tls-own-"));
    try {
      // Node cannot make certificates; openssl (always on Debian) makes a self-signed one.
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
        "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      ], { stdio: "ignore" });
      const key = fs.readFileSync(path.join(dir, "key.pem"));
      const cert = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
      const own = await startEmulator({ tls: { key, cert }, quiet: true });
      try {
        expect(own.caPem).toBe(cert);
        const response = await h1Request(`${own.url}/`, { ca: fs.readFileSync(own.caFile) });
        expect(response.status).toBe(200);
        expect(new X509Certificate(response.peerCertificate.raw).fingerprint256).toBe(new X509Certificate(cert).fingerprint256);
      } finally {
        await own.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("protocols", () => {
  test("ALPN: http2.connect negotiates h2, https offering http/1.1 gets http/1.1, no ALPN is served HTTP/1.1; all counted", async () => {
    const before = { ...emu.connections.protocols };
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      expect(session.alpnProtocol).toBe("h2");
      const health = await h2Request(session, "/");
      expect(health.status).toBe(200);
      expect(json(health).status).toBe("ok");
      // HTTP/2 answers carry no connection-specific headers and no reason phrase.
      expect(health.headers.connection).toBeUndefined();
    } finally {
      session.close();
    }

    const h1 = await h1Request(`${emu.url}/`, { ca: emu.caPem, alpn: ["http/1.1"] });
    expect(h1.alpnProtocol).toBe("http/1.1");
    expect(h1.status).toBe(200);
    const bare = await h1Request(`${emu.url}/`, { ca: emu.caPem });
    expect(bare.alpnProtocol).toBe(false);
    expect(bare.status).toBe(200);

    await waitFor(() => (emu.connections.protocols["http/1.1"] ?? 0) >= (before["http/1.1"] ?? 0) + 2, "h1 counted");
    expect(emu.connections.protocols.h2).toBeGreaterThanOrEqual((before.h2 ?? 0) + 1);
    // The health check shows the same counters.
    expect(json(bare).connections).toEqual(expect.objectContaining({ accepted: expect.any(Number), protocols: expect.any(Object) }));
  });

  test("queue submit -> status -> result over h2, with https:// URLs in bodies and the Host the client used", async () => {
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      const submit = await h2Request(session, `/queue/${SCHNELL}`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "over h2" }),
      });
      expect(submit.status).toBe(200);
      const queued = json(submit);
      expect(queued.status_url).toMatch(new RegExp(`^${emu.url}/queue/`));
      let status;
      do {
        status = json(await h2Request(session, new URL(queued.status_url).pathname, { headers: AUTH }));
      } while (status.status !== "COMPLETED");
      const result = await h2Request(session, new URL(queued.response_url).pathname, { headers: AUTH });
      expect(result.status).toBe(200);
      const imageUrl = json(result).images[0].url;
      expect(imageUrl.startsWith(`${emu.url}/cdn/`)).toBe(true);
      const image = await h2Request(session, new URL(imageUrl).pathname);
      expect(image.status).toBe(200);
      expect(image.body.subarray(1, 4).toString()).toBe("PNG");

      const recorded = emu.requests.find((r) => r.path === `/queue/${SCHNELL}` && r.body.includes("over h2"));
      expect(recorded.headers.host).toBe(new URL(emu.url).host);
      expect(Object.keys(recorded.headers).some((name) => name.startsWith(":"))).toBe(false);
    } finally {
      session.close();
    }
  });

  test("a 413 over h2 is answered without the HTTP/1.1 connection header (and without a warning)", async () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w.message);
    process.on("warning", onWarning);
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      const big = await h2Request(session, `/queue/${SCHNELL}`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: Buffer.alloc(21 * 1024 * 1024, 0x20),
      });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBeUndefined();
    } finally {
      session.close();
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe("SSE over HTTP/2", () => {
  test("run stream: every event arrives, and a client that stops reading stalls the writer (back-pressure)", async () => {
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      const count = 4000;
      const stream = session.request({
        ":method": "POST",
        ":path": "/run/fal-native/stream-test/stream",
        ...AUTH,
        "content-type": "application/json",
      });
      stream.end(JSON.stringify({ count, payloadBytes: 4096 }));
      let headers;
      stream.on("response", (h) => (headers = h));
      stream.pause();
      await waitFor(() => headers !== undefined, "response headers");
      expect(headers[":status"]).toBe(200);
      expect(headers["content-type"]).toMatch(/^text\/event-stream/);
      const requestId = headers["x-fal-request-id"];
      const stats = () => emu.streams.find((s) => s.requestId === requestId);
      await waitFor(() => stats() && stats().paused, "the writer waits for drain");
      expect(stats().eventsWritten).toBeLessThan(count);

      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => (text += chunk));
      stream.resume();
      await new Promise((resolve, reject) => {
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      const events = text.split("\n\n").filter((block) => block.startsWith("data: ")).map((block) => JSON.parse(block.slice(6)));
      expect(events).toHaveLength(count);
      expect(events[count - 1]).toEqual(expect.objectContaining({ index: count - 1, final: true, text: "héllo 🌍 世界" }));
      expect(stats().pauses).toBeGreaterThan(0);
      expect(stats().finished).toBe(true);
    } finally {
      session.close();
    }
  });

  test("failMode drop resets just that stream; the session keeps serving", async () => {
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      const stream = session.request({ ":method": "POST", ":path": "/run/fal-native/stream-test/stream", ...AUTH, "content-type": "application/json" });
      stream.end(JSON.stringify({ count: 10, failAfter: 3, failMode: "drop" }));
      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => (text += chunk));
      const outcome = await new Promise((resolve) => {
        stream.on("error", (error) => resolve(error.code));
        stream.on("close", () => resolve(stream.rstCode));
      });
      expect(outcome).toBe("ERR_HTTP2_STREAM_ERROR");
      expect(stream.rstCode).toBe(2); // NGHTTP2_INTERNAL_ERROR
      expect(text.split("\n\n").filter((b) => b.startsWith("data: "))).toHaveLength(3);
      expect((await h2Request(session, "/")).status).toBe(200);
    } finally {
      session.close();
    }
  });

  test("queue status stream over h2 ends with COMPLETED", async () => {
    const session = await h2Connect(emu.url, { ca: emu.caPem });
    try {
      const submit = json(await h2Request(session, `/queue/${SCHNELL}`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: "{\"prompt\":\"x\"}" }));
      const sse = await h2Request(session, `${new URL(submit.status_url).pathname}/stream`, { headers: AUTH });
      expect(sse.status).toBe(200);
      const statuses = sse.body.toString().split("\n\n").filter((b) => b.startsWith("data: ")).map((b) => JSON.parse(b.slice(6)).status);
      expect(statuses[statuses.length - 1]).toBe("COMPLETED");
    } finally {
      session.close();
    }
  });
});

describe("storage and realtime over TLS", () => {
  test("storage initiate -> PUT to an https://localhost upload URL -> the CDN serves the bytes", async () => {
    const initiate = await h1Request(`${emu.urls.rest}/storage/upload/initiate?storage_type=fal-cdn-v3`, {
      ca: emu.caPem,
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ content_type: "application/octet-stream", file_name: "blob.bin" }),
    });
    expect(initiate.status).toBe(200);
    const { upload_url: uploadUrl, file_url: fileUrl } = json(initiate);
    const port = new URL(emu.url).port;
    expect(uploadUrl.startsWith(`https://localhost:${port}/cdn-upload/`)).toBe(true);
    expect(fileUrl.startsWith(`${emu.url}/cdn/files/`)).toBe(true);

    const bytes = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    // The PUT goes over HTTP/2 to the host name "localhost" (its certificate names it).
    const upload = new URL(uploadUrl);
    const session = await h2Connect(`https://127.0.0.1:${port}`, { ca: emu.caPem });
    try {
      const put = await h2Request(session, upload.pathname + upload.search, { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes });
      expect(put.status).toBe(200);
    } finally {
      session.close();
    }
    const download = await h1Request(fileUrl, { ca: emu.caPem });
    expect(download.status).toBe(200);
    expect(download.body.equals(bytes)).toBe(true);
    expect(emu.storedFile(fileUrl).size).toBe(bytes.length);
  });

  test("realtime over wss:// with ws trusting the CA (HTTP/1.1 upgrade on the TLS server)", async () => {
    const token = json(
      await h1Request(`${emu.urls.rest}/tokens/`, {
        ca: emu.caPem,
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ allowed_apps: ["fast-lcm-diffusion"], token_expiration: 60 }),
      }),
    );
    const url = `${emu.urls.run.replace(/^https/, "wss")}/fal-ai/fast-lcm-diffusion/realtime?fal_jwt_token=${token}`;
    const ws = new WebSocket(url, { ca: emu.caPem });
    const frames = [];
    ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    ws.send(JSON.stringify({ prompt: "a fox", sync_mode: false }));
    await waitFor(() => frames.length >= 2, "output and timings");
    expect(frames[0].images[0].url.startsWith(`${emu.url}/cdn/`)).toBe(true);
    ws.close();
    await new Promise((resolve) => ws.once("close", resolve));

    // Without the CA the handshake fails before any upgrade.
    const untrusted = new WebSocket(url);
    const error = await new Promise((resolve) => untrusted.once("error", resolve));
    expect(error.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });
});

describe("fal clients in child processes with NODE_EXTRA_CA_CERTS", () => {
  const env = () => ({ ...process.env, ...emu.env, NODE_EXTRA_CA_CERTS: emu.caFile });
  const worker = path.join(__dirname, "..", "helpers", "tls-fal-client.js");

  test.each(["official", "native"])("%s client: queue submit -> status -> result, subscribe and storage upload", async (client) => {
    const outcome = await runNode(worker, [client], { env: env(), timeoutMs: 25_000 });
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    const report = JSON.parse(outcome.stdout.trim().split("\n").pop());
    expect(report.statuses[report.statuses.length - 1]).toBe("COMPLETED");
    expect(report.resultImage.startsWith(`${emu.url}/cdn/`)).toBe(true);
    expect(report.subscribeImage.startsWith(`${emu.url}/cdn/`)).toBe(true);
    expect(report.fileUrl.startsWith(`${emu.url}/cdn/files/`)).toBe(true);
    expect(report.uploadIntact).toBe(true);
  });

  test("fetch (undici, what @fal-ai/client uses) without the CA fails with a certificate error", async () => {
    const error = await fetch(`${emu.url}/`).catch((e) => e);
    expect(error.message).toBe("fetch failed");
    expect(error.cause.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });
});

describe("CLI and close()", () => {
  test("--tls prints the URLs as https:// and an export NODE_EXTRA_CA_CERTS line; the file holds the CA and goes on SIGTERM", async () => {
    const cli = path.join(__dirname, "..", "..", "dist", "lib", "emulator", "cli.js");
    const child = spawn(process.execPath, [cli, "--port", "0", "--quiet", "--tls"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    try {
      await waitFor(() => /NODE_EXTRA_CA_CERTS=/.test(output), "the CLI's lines", 10_000);
      const lines = output.trim().split("\n");
      expect(lines[0]).toMatch(/^fal emulator listening on https:\/\/127\.0\.0\.1:\d+$/);
      const url = lines[0].split(" ").pop();
      expect(lines.slice(1, 5)).toEqual(["RUN", "QUEUE", "REST", "CDN"].map((n) => `export FAL_${n}_URL=${url}/${n.toLowerCase()}`));
      expect(lines[5]).toMatch(/^export NODE_EXTRA_CA_CERTS=\S+\.pem$/);
      const caFile = lines[5].split("=")[1];
      const ca = new X509Certificate(fs.readFileSync(caFile));
      expect(ca.ca).toBe(true);
      const health = await h1Request(`${url}/`, { ca: fs.readFileSync(caFile) });
      expect(health.status).toBe(200);
      expect(new X509Certificate(health.peerCertificate.raw).checkIssued(ca)).toBe(true);

      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(fs.existsSync(caFile)).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("close() is prompt with idle h2 sessions and keep-alive h1 connections open, and leaves no handles", async () => {
    const handles = () => process.getActiveResourcesInfo().filter((type) => /TCP|TLS/.test(type)).length;
    const baseline = handles();
    const target = await startEmulator({ tls: true, quiet: true });
    const session = await h2Connect(target.url, { ca: target.caPem });
    expect((await h2Request(session, "/")).status).toBe(200);
    const https = require("https");
    const agent = new https.Agent({ keepAlive: true, ca: target.caPem });
    await new Promise((resolve, reject) =>
      https.get(`${target.url}/`, { agent }, (res) => res.resume().on("end", resolve)).on("error", reject),
    );
    const sessionClosed = new Promise((resolve) => session.once("close", resolve));

    const started = Date.now();
    await target.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await sessionClosed;
    agent.destroy();
    expect(fs.existsSync(target.caFile)).toBe(false);
    await waitFor(() => handles() <= baseline, "sockets released");
  });
});
