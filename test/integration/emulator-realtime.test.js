// The emulator's token route and realtime WebSocket endpoint, driven with a plain `ws` client
// over loopback, so what is asserted is the emulator's own wire behaviour.
"use strict";

const WebSocket = require("ws");
const { encode, decode } = require("@msgpack/msgpack");
const { startEmulator } = require("../../dist/lib/emulator");
const { sleep, waitFor } = require("../helpers/wait");

const API_KEY = "realtime-emulator-key";
const APP = "fal-ai/fast-lcm-diffusion";

let emu;
/** Sockets idle out after 150 ms. */
let idle;
/** Each input takes 300 ms, so inputs pile up behind the first. */
let slow;

beforeAll(async () => {
  [emu, idle, slow] = await Promise.all([
    startEmulator({ apiKey: API_KEY, quiet: true, timing: { stepMs: 5 } }),
    startEmulator({ apiKey: API_KEY, quiet: true, timing: { stepMs: 5, realtimeIdleMs: 150 } }),
    startEmulator({ apiKey: API_KEY, quiet: true, timing: { stepMs: 300 } }),
  ]);
});

afterAll(async () => {
  await Promise.all([emu.close(), idle.close(), slow.close()]);
});

async function postToken(target, body, headers = { authorization: `Key ${API_KEY}` }) {
  const response = await fetch(`${target.urls.rest}/tokens/`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function token(target = emu, body = { allowed_apps: ["fast-lcm-diffusion"], token_expiration: 120 }) {
  const { status, body: value } = await postToken(target, body);
  expect(status).toBe(200);
  return value;
}

function wsUrl(target, query, path = `${APP}/realtime`) {
  return `${target.urls.run.replace(/^http/, "ws")}/${path}?${new URLSearchParams(query)}`;
}

/**
 * Opens a socket and records everything: decoded frames (with their kind), the close code and
 * reason, or the HTTP status of a refused handshake.
 */
function open(url, options) {
  const ws = new WebSocket(url, options);
  const log = { frames: [], close: undefined, refused: undefined, opened: false };
  ws.on("open", () => (log.opened = true));
  ws.on("message", (data, isBinary) => {
    log.frames.push(isBinary ? { binary: true, value: decode(data) } : { binary: false, value: JSON.parse(data.toString()) });
  });
  ws.on("unexpected-response", (_req, res) => {
    let body = "";
    res.on("data", (chunk) => (body += chunk));
    res.on("end", () => {
      log.refused = { status: res.statusCode, body: JSON.parse(body) };
      ws.terminate();
    });
  });
  ws.on("error", () => {});
  ws.on("close", (code, reason) => (log.close = { code, reason: reason.toString() }));
  const opened = new Promise((resolve) => ws.once("open", resolve));
  return { ws, log, opened };
}

const results = (log) => log.frames.filter((f) => f.value.type === undefined);

describe("POST <rest>/tokens/", () => {
  test("answers a bare JSON string token for the allowed apps", async () => {
    const { status, body } = await postToken(emu, { allowed_apps: ["fast-lcm-diffusion"], token_expiration: 120 });
    expect(status).toBe(200);
    expect(typeof body).toBe("string");
    expect(body.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(body.split(".")[1], "base64url").toString());
    expect(claims.allowed_apps).toEqual(["fast-lcm-diffusion"]);
    expect(claims.exp - claims.iat).toBeCloseTo(120, 3);
  });

  test("401 without a key, 422 on a bad body", async () => {
    const anonymous = await postToken(emu, { allowed_apps: ["x"] }, {});
    expect(anonymous.status).toBe(401);
    const noApps = await postToken(emu, { allowed_apps: [], token_expiration: 10 });
    expect(noApps.status).toBe(422);
    expect(noApps.body.detail[0].loc).toEqual(["body", "allowed_apps"]);
    const badExpiry = await postToken(emu, { allowed_apps: ["a"], token_expiration: -1 });
    expect(badExpiry.status).toBe(422);
    expect(badExpiry.body.detail[0].loc).toEqual(["body", "token_expiration"]);
  });

  test("a token authorizes run routes as ?fal_jwt_token= for its app only", async () => {
    const value = await token(emu, { allowed_apps: ["flux-1"], token_expiration: 60 });
    const ok = await fetch(`${emu.urls.run}/fal-ai/flux-1/schnell?fal_jwt_token=${value}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a lighthouse", image_size: "square" }),
    });
    expect(ok.status).toBe(200);
    const other = await fetch(`${emu.urls.run}/fal-ai/flux-pro/v1.1-ultra?fal_jwt_token=${value}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(other.status).toBe(401);
  });
});

describe("realtime WebSocket", () => {
  test("msgpack in, msgpack out, request_id echoed, then a timings note as JSON text", async () => {
    const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }));
    await opened;
    ws.send(encode({ prompt: "a red fox", request_id: "req-1", sync_mode: false, seed: 7 }));
    await waitFor(() => log.frames.length >= 2, "result and timings");
    const [result, note] = log.frames;
    expect(result.binary).toBe(true);
    expect(result.value.request_id).toBe("req-1");
    expect(result.value.seed).toBe(7);
    expect(result.value.images[0].url).toMatch(/\/cdn\/files\//);
    expect(note).toEqual({ binary: false, value: { type: "x-fal-message", action: "timings", timing: expect.any(Number) } });
    // The image is served by the emulator's CDN.
    const image = await fetch(result.value.images[0].url);
    expect(image.status).toBe(200);
    ws.close();
  });

  test("JSON text in, JSON text out; sync_mode (the model's default) returns a data URI", async () => {
    const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }));
    await opened;
    ws.send(JSON.stringify({ prompt: "a blue whale", image_size: "square" }));
    await waitFor(() => results(log).length === 1, "result");
    const [result] = results(log);
    expect(result.binary).toBe(false);
    expect(result.value.images[0].url).toMatch(/^data:image\/jpeg;base64,/);
    expect(typeof result.value.request_id).toBe("string");
    ws.close();
  });

  test("invalid input: INTERNAL_ERROR x-fal-error with the validation message, then close 1011", async () => {
    const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }));
    await opened;
    ws.send(encode({ num_images: 99 }));
    await waitFor(() => log.close, "close");
    expect(log.frames[0]).toEqual({
      binary: false,
      value: { type: "x-fal-error", error: "INTERNAL_ERROR", reason: expect.stringMatching(/prompt: Field required/) },
    });
    expect(log.close.code).toBe(1011);
  });

  test("an undecodable frame is an INTERNAL_ERROR too", async () => {
    const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }));
    await opened;
    ws.send("{not json");
    await waitFor(() => log.close, "close");
    expect(log.frames[0].value).toMatchObject({ type: "x-fal-error", error: "INTERNAL_ERROR" });
    expect(log.frames[0].value.reason).toMatch(/Could not decode the JSON message/);
  });

  test("a custom path is accepted", async () => {
    const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }, `${APP}/custom-ws`));
    await opened;
    ws.send(encode({ prompt: "x", request_id: "p" }));
    await waitFor(() => results(log).length === 1, "result");
    ws.close();
  });

  test("no token and no key: the handshake is refused with 401; a key header is accepted", async () => {
    const anonymous = open(wsUrl(emu, {}));
    await waitFor(() => anonymous.log.refused, "refusal");
    expect(anonymous.log.refused.status).toBe(401);
    expect(anonymous.log.opened).toBe(false);

    const keyed = open(wsUrl(emu, {}), { headers: { authorization: `Key ${API_KEY}` } });
    await keyed.opened;
    keyed.ws.close();
  });

  test("expired, foreign or forged tokens get the Unauthorized message and close 1008", async () => {
    const expired = await token(emu, { allowed_apps: ["fast-lcm-diffusion"], token_expiration: 0.05 });
    const foreign = await token(emu, { allowed_apps: ["flux-1"], token_expiration: 60 });
    const otherEmulator = await token(idle);
    await sleep(100);
    for (const value of [expired, foreign, otherEmulator, "not-a-token"]) {
      const { log } = open(wsUrl(emu, { fal_jwt_token: value }));
      await waitFor(() => log.close, "close");
      expect(log.frames).toEqual([{ binary: false, value: { status: "error", error: "Unauthorized" } }]);
      expect(log.close.code).toBe(1008);
    }
  });

  test("an idle socket gets the TIMEOUT x-fal-error, then a normal close", async () => {
    const { log, opened } = open(wsUrl(idle, { fal_jwt_token: await token(idle) }));
    await opened;
    await waitFor(() => log.close, "idle close");
    expect(log.frames).toEqual([
      { binary: false, value: { type: "x-fal-error", error: "TIMEOUT", reason: "no inputs, reconnect when needed!" } },
    ]);
    expect(log.close.code).toBe(1000);
  });

  test("max_buffering=1 keeps only the newest waiting input", async () => {
    const { ws, log, opened } = open(wsUrl(slow, { fal_jwt_token: await token(slow), max_buffering: "1" }));
    await opened;
    // One burst: the first input starts at once; the rest wait and only the newest survives.
    for (let i = 0; i < 5; i++) ws.send(encode({ prompt: "p", request_id: `r${i}`, sync_mode: false }));
    await waitFor(() => results(log).length === 2, "two results", 10_000);
    await sleep(400);
    expect(results(log).map((f) => f.value.request_id)).toEqual(["r0", "r4"]);
    ws.close();
  });

  test("bad max_buffering and unknown apps are refused at the handshake", async () => {
    const value = await token();
    const bad = open(wsUrl(emu, { fal_jwt_token: value, max_buffering: "61" }));
    await waitFor(() => bad.log.refused, "refusal");
    expect(bad.log.refused.status).toBe(400);
    const unknown = open(wsUrl(emu, { fal_jwt_token: value }, "fal-ai/flux-1/realtime"));
    await waitFor(() => unknown.log.refused, "refusal");
    expect(unknown.log.refused).toEqual({ status: 404, body: { detail: "App fal-ai/flux-1 has no realtime endpoint" } });
  });

  test("scenarios: close-<code>, unauthorized, timeout", async () => {
    const cases = [
      ["close-4000", [], 4000],
      ["unauthorized", [{ status: "error", error: "Unauthorized" }], 1008],
      ["timeout", [{ type: "x-fal-error", error: "TIMEOUT", reason: "no inputs, reconnect when needed!" }], 1000],
    ];
    for (const [scenario, frames, code] of cases) {
      const { ws, log, opened } = open(wsUrl(emu, { fal_jwt_token: await token() }));
      await opened;
      ws.send(encode({ prompt: "x", fal_emulator_scenario: scenario }));
      await waitFor(() => log.close, `close for ${scenario}`);
      expect(log.frames.map((f) => f.value)).toEqual(frames);
      expect(log.close.code).toBe(code);
    }
  });

  test("the upgrade request is recorded", async () => {
    const value = await token();
    const { ws, opened } = open(wsUrl(emu, { fal_jwt_token: value, max_buffering: "3" }));
    await opened;
    const upgrade = emu.requests.filter((r) => r.path === `/run/${APP}/realtime` && r.query.fal_jwt_token === value);
    expect(upgrade).toHaveLength(1);
    expect(upgrade[0]).toMatchObject({ method: "GET", query: { max_buffering: "3" } });
    expect(upgrade[0].headers.upgrade.toLowerCase()).toBe("websocket");
    ws.close();
  });
});
