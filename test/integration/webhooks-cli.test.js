// `fal-native webhooks listen` as a child process: verifies and prints deliveries from the
// emulator, rejects bad ones with 401, forwards verified bodies with their headers (answering fal
// with the forward target's status), --json lines, JWKS from FAL_REST_URL, usage errors.
const { spawn } = require("node:child_process");
const path = require("node:path");
const { startEmulator } = require("../../dist/lib/emulator/index.js");
const { waitFor } = require("../helpers/wait");
const { startRecorder, submitWithWebhook } = require("../helpers/webhook-receiver");

const CLI = path.join(__dirname, "..", "..", "dist", "lib", "cli", "main.js");

let emu;
const children = [];

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, timing: { queueMs: 5, stepMs: 5, steps: 2, webhookRetryScale: 0.001 } });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await emu.close();
});

function listen(args, env = {}) {
  const child = spawn(process.execPath, [CLI, "webhooks", "listen", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const out = { stdout: "", stderr: "", child };
  child.stdout.on("data", (chunk) => (out.stdout += chunk));
  child.stderr.on("data", (chunk) => (out.stderr += chunk));
  out.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  out.url = () => waitFor(() => /^listening for fal webhooks on (http:\/\/\S+)$/m.exec(out.stdout)?.[1], "listening line", 15000);
  return out;
}

const deliveries = (id) => emu.webhooks.filter((d) => d.requestId === id);

test("verifies and prints each delivery, rejects bad ones with 401, forwards verified bodies with their headers", async () => {
  const target = await startRecorder((entry) => ({ status: entry.url === "/fail" ? 500 : 200 }));
  const listener = listen(["--port", "0", "--jwks-url", emu.jwksUrl, "--forward", `${target.url}/app/webhook`]);
  try {
    const url = await listener.url();
    const ok = await submitWithWebhook(emu, `${url}hook`);
    const bad = await submitWithWebhook(emu, `${url}hook`, { scenario: "webhook-bad-signature" });
    const failed = await submitWithWebhook(emu, `${url}hook`, { scenario: "fail-422" });
    await waitFor(() => deliveries(ok)[0]?.state === "delivered" && deliveries(failed)[0]?.state === "delivered" && deliveries(bad)[0]?.attempts.length >= 1, "deliveries", 10000);
    await waitFor(() => listener.stdout.includes(bad), "rejected line");

    expect(listener.stdout).toMatch(new RegExp(`^\\S+ ${ok} OK verified 1 image \\(http://127\\.0\\.0\\.1:\\d+/cdn/\\S+\\) -> forwarded: 200$`, "m"));
    expect(listener.stdout).toMatch(new RegExp(`^\\S+ ${failed} ERROR verified Invalid status code: 422; detail: .*content could not be processed.* -> forwarded: 200$`, "m"));
    expect(listener.stdout).toMatch(new RegExp(`^\\S+ ${bad} REJECTED bad_signature: `, "m"));
    expect(deliveries(bad)[0].attempts[0].status).toBe(401);
    expect(listener.stderr).toContain(`verifying against ${emu.jwksUrl}; forwarding to ${target.url}/app/webhook`);

    // The forwarded copy: the same bytes and the X-Fal-Webhook-* headers, to the given path.
    const forwarded = target.received.filter((r) => r.headers["x-fal-webhook-request-id"] === ok);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0].url).toBe("/app/webhook");
    expect(forwarded[0].body.toString()).toBe(deliveries(ok)[0].body);
    for (const name of ["x-fal-webhook-user-id", "x-fal-webhook-timestamp", "x-fal-webhook-signature", "content-type"]) {
      expect(forwarded[0].headers[name]).toBe(deliveries(ok)[0].headers[name]);
    }
    expect(target.received.some((r) => r.headers["x-fal-webhook-request-id"] === bad)).toBe(false);
  } finally {
    listener.child.kill("SIGINT");
    expect(await listener.exited).toBe(0);
    await target.close();
  }
});

test("the forward target's failure is passed back, so fal retries", async () => {
  let calls = 0;
  const target = await startRecorder(() => ({ status: ++calls === 1 ? 503 : 200 }));
  const listener = listen(["--jwks-url", emu.jwksUrl, "--forward", `${target.url}/x`, "-q"]);
  try {
    const url = await listener.url();
    const id = await submitWithWebhook(emu, url);
    await waitFor(() => deliveries(id)[0]?.state === "delivered", "delivery", 10000);
    expect(deliveries(id)[0].attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(listener.stdout).toMatch(/-> forwarded: 503$/m);
    expect(listener.stdout).toMatch(new RegExp(`${id} OK verified \\(duplicate\\) .* -> forwarded: 200$`, "m"));
    expect(listener.stderr).toBe("");
  } finally {
    listener.child.kill("SIGTERM");
    await listener.exited;
    await target.close();
  }
});

test("--json prints one object per delivery; the JWKS comes from FAL_REST_URL", async () => {
  const listener = listen(["--json"], { FAL_REST_URL: emu.env.FAL_REST_URL, FAL_WEBHOOK_JWKS_URL: "" });
  try {
    const url = await listener.url();
    const id = await submitWithWebhook(emu, url, { scenario: "webhook-non-json" });
    const stale = await submitWithWebhook(emu, url, { scenario: "webhook-stale-timestamp" });
    await waitFor(() => listener.stdout.includes(id) && listener.stdout.includes(stale), "json lines", 10000);
    const records = listener.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(records.find((r) => r.requestId === id)).toMatchObject({ verified: true, status: "OK", duplicate: false, payload_error: expect.any(String) });
    expect(records.find((r) => r.requestId === stale)).toMatchObject({ verified: false, reason: "stale_timestamp" });
    expect(listener.stderr).toContain(`verifying against ${emu.jwksUrl}`);
  } finally {
    listener.child.kill("SIGTERM");
    await listener.exited;
  }
});

test("usage errors exit 2", async () => {
  for (const [args, pattern] of [
    [["--forward", "nowhere"], /--forward expects an http\(s\) URL/],
    [["--jwks-url", "ftp://x"], /--jwks-url must be an http\(s\) URL/],
    [["--port", "70000"], /--port expects a port number/],
  ]) {
    const run = listen(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toMatch(pattern);
  }
  const child = spawn(process.execPath, [CLI, "webhooks", "serve"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(2);
  expect(stderr).toMatch(/unknown webhooks subcommand "serve"/);
});
