// The native side's own checks on what reaches curl and what JS receives (issue 10): methods are
// RFC 9110 tokens (defect 5), one JSON rule reported as bodyIsJson (defect 7), deep JSON is never
// refused (defect 8), and a server-sent request id of ".." cannot change the polled path (defect 9).
"use strict";

const http = require("http");
const { startScriptServer } = require("../helpers/script-server");
const { rawClient, requestSpec, subscribeSpec } = require("../helpers/raw-binding");

let srv;
beforeAll(async () => {
  srv = await startScriptServer();
});
afterEach(() => srv.reset());
afterAll(() => srv.close());

test("a method that is not an HTTP token is refused before it reaches curl", async () => {
  const { client, final } = rawClient();
  for (const method of ["GET\r\nX-Injected: 1", "GET /other HTTP/1.1", "", "PÖST"]) {
    expect(() => client.request(requestSpec(`${srv.url}/x`, { method }))).toThrow("request spec.method must be an HTTP method token (RFC 9110)");
  }
  srv.script("PATCH", "/x", [{ json: { ok: 1 } }]);
  const record = await final(client.request(requestSpec(`${srv.url}/x`, { method: "PATCH", body: "{}" })));
  expect(record.response.status).toBe(200);
  expect(srv.requests.map((r) => r.method)).toEqual(["PATCH"]);
  client.close();
});

test("bodyIsJson: the content type contains application/json, case-insensitively; +json is not JSON", async () => {
  srv.script("GET", "/upper", [{ body: '{"a":1}', headers: { "content-type": "Application/JSON; charset=utf-8" } }]);
  srv.script("GET", "/vnd", [{ body: "{broken", headers: { "content-type": "application/vnd.api+json" } }]);
  const { client, final } = rawClient();
  const upper = await final(client.request(requestSpec(`${srv.url}/upper`)));
  expect(upper.response).toMatchObject({ bodyIsJson: true, body: '{"a":1}' });
  expect(upper.response.jsonError).toBeUndefined();
  const vnd = await final(client.request(requestSpec(`${srv.url}/vnd`)));
  expect(vnd.response).toMatchObject({ bodyIsJson: false, body: "{broken" });
  expect(vnd.response.jsonError).toBeUndefined();
  client.close();
});

test("valid JSON deeper than 1,024 levels is not refused (JSON.parse accepts it)", async () => {
  const deep = "[".repeat(5000) + "]".repeat(5000);
  expect(() => JSON.parse(deep)).not.toThrow();
  srv.script("GET", "/deep", [{ body: deep, headers: { "content-type": "application/json" } }]);
  const { client, final } = rawClient();
  const record = await final(client.request(requestSpec(`${srv.url}/deep`)));
  expect(record.response.jsonError).toBeUndefined();
  expect(record.response.body).toBe(deep);
  client.close();
});

/** One native subscribe against a throwaway server answering with `handler`; its final record. */
async function subscribeAgainst(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { client, final } = rawClient();
  try {
    return await final(client.subscribe(subscribeSpec(`http://127.0.0.1:${server.address().port}`)));
  } finally {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

test.each([[".."], ["."], [""]])("a server-sent request_id of %p is refused: no status, result or cancel call is made", async (requestId) => {
  // Its own server: the script server reads paths through WHATWG URL, which resolves dot segments.
  const seen = [];
  const record = await subscribeAgainst((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    if (req.method === "POST") res.end(JSON.stringify({ request_id: requestId }));
    else res.end(JSON.stringify({ status: "COMPLETED" }));
  });
  // The subscribe ends with the submit's own response, which JS reports as "no usable request_id".
  expect(seen).toEqual(["POST /m/x"]);
  expect(record).toMatchObject({ type: "response", response: { status: 200 } });
  expect(JSON.parse(record.response.body)).toEqual({ request_id: requestId });
});

test("bodies simdjson refuses but JSON.parse accepts reach JS unvalidated; queue fields are still read", async () => {
  const statuses = ['{"status":"COMPLETED","seed":1e400}', '{"note":"\\uDE00 lone","status":"COMPLETED"}'];
  for (const status of statuses) expect(() => JSON.parse(status)).not.toThrow();
  const record = await subscribeAgainst((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.method === "POST") res.end('{"request_id":"r1","big":1e400}');
    else if (req.url.endsWith("/status?logs=0")) res.end(statuses.shift() ?? '{"status":"COMPLETED"}');
    else res.end('{"images":[],"seed":1e400}');
  });
  expect(record.response.jsonError).toBeUndefined();
  expect(JSON.parse(record.response.body)).toEqual({ images: [], seed: Infinity });
});
