// connectionMode: "client" on queue.streamStatus and subscribe({ mode: "streaming" }): the client
// fetches a temporary token (POST <rest>/tokens/) and opens the status stream with
// ?fal_jwt_token= and no Authorization header; the emulator accepts the token there.
const http = require("node:http");
const { createFalClient } = require("../../dist/lib/index.js");
const { startEmulator } = require("../../dist/lib/emulator/index.js");

const MODEL = "fal-ai/flux-1/schnell";

let emu;
let fal;

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, apiKey: "secret-key", timing: { queueMs: 60, stepMs: 30, steps: 3 } });
  fal = createFalClient({ credentials: "secret-key", baseUrls: emu.urls });
});

afterAll(async () => {
  await emu.close();
});

const lastStatusStream = () => emu.requests.filter((r) => r.path.endsWith("/status/stream")).pop();

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      })
      .on("error", reject);
  });
}

test("queue.streamStatus in client mode streams with a temporary token and no key", async () => {
  const { request_id: requestId } = await fal.queue.submit(MODEL, { input: { prompt: "a kite" } });
  const stream = await fal.queue.streamStatus(MODEL, { requestId, logs: true, connectionMode: "client" });
  const statuses = [];
  for await (const status of stream) statuses.push(status.status);
  expect(statuses[statuses.length - 1]).toBe("COMPLETED");
  expect((await stream.done()).status).toBe("COMPLETED");
  const request = lastStatusStream();
  expect(request.query.fal_jwt_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(request.headers.authorization).toBeUndefined();
  expect(emu.requests.some((r) => r.path === "/rest/tokens/" && r.method === "POST")).toBe(true);
});

test("subscribe({ mode: 'streaming', connectionMode: 'client' }) returns the result", async () => {
  const updates = [];
  const result = await fal.subscribe(MODEL, {
    input: { prompt: "a lantern" },
    mode: "streaming",
    connectionMode: "client",
    onQueueUpdate: (status) => updates.push(status.status),
  });
  expect(result.data.images.length).toBeGreaterThan(0);
  expect(updates[updates.length - 1]).toBe("COMPLETED");
  expect(lastStatusStream().headers.authorization).toBeUndefined();
});

test("the status stream refuses a token for another app, a forged token and no credential", async () => {
  const { request_id: requestId } = await fal.queue.submit(MODEL, { input: { prompt: "a bell" } });
  const tokenFor = async (app) => {
    const res = await fetch(`${emu.urls.rest}/tokens/`, {
      method: "POST",
      headers: { authorization: "Key secret-key", "content-type": "application/json" },
      body: JSON.stringify({ allowed_apps: [app], token_expiration: 60 }),
    });
    return res.json();
  };
  const streamUrl = (token) =>
    `${emu.urls.queue}/fal-ai/flux-1/requests/${requestId}/status/stream?logs=0${token === undefined ? "" : `&fal_jwt_token=${encodeURIComponent(token)}`}`;

  const other = await get(streamUrl(await tokenFor("flux-pro")));
  expect(other.status).toBe(401);
  expect(JSON.parse(other.body).detail).toMatch(/not valid for fal-ai\/flux-1/);

  const good = await tokenFor("flux-1");
  const forged = `${good.slice(0, -4)}AAAA`;
  expect((await get(streamUrl(forged))).status).toBe(401);
  expect((await get(streamUrl(undefined))).status).toBe(401);

  // The right token is accepted (the stream runs to COMPLETED).
  const ok = await get(streamUrl(good));
  expect(ok.status).toBe(200);
  expect(ok.body).toContain('"COMPLETED"');
});

test("a token is accepted on the status stream only, not on other queue routes", async () => {
  const { request_id: requestId } = await fal.queue.submit(MODEL, { input: { prompt: "a drum" } });
  const res = await fetch(`${emu.urls.rest}/tokens/`, {
    method: "POST",
    headers: { authorization: "Key secret-key", "content-type": "application/json" },
    body: JSON.stringify({ allowed_apps: ["flux-1"] }),
  });
  const token = await res.json();
  const status = await get(`${emu.urls.queue}/fal-ai/flux-1/requests/${requestId}/status?fal_jwt_token=${encodeURIComponent(token)}`);
  expect(status.status).toBe(401);
});
