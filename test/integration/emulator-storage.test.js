// The emulator's storage routes over plain HTTP (Node's global fetch), following the official JS
// client's upload flow (wire doc §8.1): initiate on /rest, PUT the bytes to the presigned
// upload_url (another host, no key), or PUT parts and complete; then GET file_url.

const crypto = require("node:crypto");
const { startEmulator } = require("../../dist/lib/emulator");

const KEY = "Key test-key";
const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

let emulator;
beforeAll(async () => {
  emulator = await startEmulator({ quiet: true, apiKey: "test-key" });
});
afterAll(() => emulator.close());

async function initiate(body, { multipart = false, headers = {}, auth = KEY } = {}) {
  const action = multipart ? "initiate-multipart" : "initiate";
  const init = { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
  if (auth) init.headers.authorization = auth;
  const response = await fetch(`${emulator.urls.rest}/storage/upload/${action}?storage_type=fal-cdn-v3`, init);
  return { status: response.status, body: await response.json() };
}

/** Part URL the way the JS client builds it: origin + pathname + "/" + n + search. */
function partUrl(uploadUrl, suffix) {
  const url = new URL(uploadUrl);
  return `${url.origin}${url.pathname}/${suffix}${url.search}`;
}

async function putPart(uploadUrl, n, bytes) {
  const response = await fetch(partUrl(uploadUrl, n), { method: "PUT", body: bytes });
  const text = await response.text();
  return { status: response.status, etagHeader: response.headers.get("etag"), body: JSON.parse(text) };
}

async function completeUpload(uploadUrl, parts) {
  const response = await fetch(partUrl(uploadUrl, "complete"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ parts }),
  });
  return { status: response.status, body: await response.json() };
}

const pathOf = (url) => new URL(url).pathname;

test("initiate needs a key, answers upload_url and file_url, and records the lifecycle", async () => {
  const unauthorized = await initiate({ content_type: "image/png", file_name: "a.png" }, { auth: null });
  expect(unauthorized.status).toBe(401);

  const lifecycle = { expiration_duration_seconds: 3600, initial_acl: { default: "hide" } };
  const res = await initiate(
    { content_type: "image/png", file_name: "a.png" },
    { headers: { "x-fal-object-lifecycle": JSON.stringify(lifecycle) } },
  );
  expect(res.status).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(["file_url", "upload_url"]);
  expect(res.body.file_url.startsWith(`${emulator.url}/cdn/files/`)).toBe(true);
  expect(res.body.file_url.endsWith("/a.png")).toBe(true);
  const recorded = emulator.requests.find((r) => r.path === "/rest/storage/upload/initiate" && r.headers["x-fal-object-lifecycle"]);
  expect(recorded.query.storage_type).toBe("fal-cdn-v3");
  expect(JSON.parse(recorded.body)).toEqual({ content_type: "image/png", file_name: "a.png" });

  // Not servable before the bytes arrive.
  expect((await fetch(res.body.file_url)).status).toBe(404);

  const put = await fetch(res.body.upload_url, { method: "PUT", body: Buffer.from("png?"), headers: { "content-type": "image/png" } });
  expect(put.status).toBe(200);
  expect(emulator.storedFile(res.body.file_url).lifecycle).toEqual(lifecycle);

  expect((await initiate({ content_type: "image/png" })).status).toBe(422);
  expect((await initiate({ content_type: "x", file_name: "y" }, { headers: { "x-fal-emulator-scenario": "fail-500" } })).status).toBe(400);
});

test("single PUT round trip: presigned URL on another host, no key needed, bytes served back", async () => {
  const bytes = crypto.randomBytes(3 * 1024 * 1024 + 17);
  const { body } = await initiate({ content_type: "application/octet-stream", file_name: "blob.bin" });
  const upload = new URL(body.upload_url);
  expect(upload.hostname).toBe("localhost");
  expect(new URL(emulator.url).hostname).toBe("127.0.0.1");

  const put = await fetch(body.upload_url, { method: "PUT", body: bytes, headers: { "content-type": "application/x-test" } });
  expect(put.status).toBe(200);
  const putRecord = emulator.requests.find((r) => r.method === "PUT" && r.path === upload.pathname);
  expect(putRecord.headers.authorization).toBeUndefined();

  const got = await fetch(body.file_url);
  expect(got.status).toBe(200);
  expect(got.headers.get("content-type")).toBe("application/x-test");
  expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(bytes));

  const head = await fetch(body.file_url, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe(String(bytes.length));

  const stored = emulator.storedFile(body.file_url);
  expect(sha256(stored.bytes)).toBe(sha256(bytes));
  expect(stored).toMatchObject({ contentType: "application/x-test", fileName: "blob.bin", lifecycle: undefined, size: bytes.length });

  // An Authorization header on the PUT is accepted, and recorded for tests to see.
  const second = await initiate({ content_type: "text/plain", file_name: "t.txt" });
  expect((await fetch(second.body.upload_url, { method: "PUT", body: "hi", headers: { authorization: KEY } })).status).toBe(200);
  const withKey = emulator.requests.find((r) => r.method === "PUT" && r.path === pathOf(second.body.upload_url));
  expect(withKey.headers.authorization).toBe(KEY);

  // Dropping the query string of the presigned URL is refused.
  const third = await initiate({ content_type: "text/plain", file_name: "t.txt" });
  const bare = new URL(third.body.upload_url);
  expect((await fetch(`${bare.origin}${bare.pathname}`, { method: "PUT", body: "x" })).status).toBe(403);
});

test("multipart: parts out of order (one empty), complete, GET equals the concatenation", async () => {
  const parts = [crypto.randomBytes(1024 * 1024), Buffer.alloc(0), crypto.randomBytes(12345)];
  const { status, body } = await initiate({ content_type: "video/mp4", file_name: "big.mp4" }, { multipart: true });
  expect(status).toBe(200);
  expect(new URL(body.upload_url).hostname).toBe("localhost");

  const answers = {};
  for (const n of [3, 1, 2]) {
    const res = await putPart(body.upload_url, n, parts[n - 1]);
    expect(res.status).toBe(200);
    expect(res.body.partNumber).toBe(n);
    expect(res.etagHeader).toBe(`"${res.body.etag}"`);
    answers[n] = res.body;
  }
  expect((await fetch(body.file_url)).status).toBe(404);

  const done = await completeUpload(body.upload_url, [answers[2], answers[3], answers[1]]);
  expect(done.status).toBe(200);
  const got = await fetch(body.file_url);
  expect(got.headers.get("content-type")).toBe("video/mp4");
  expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(Buffer.concat(parts)));
});

test("multipart complete rejects a wrong etag and a missing part with 400 {detail}", async () => {
  const { body } = await initiate({ content_type: "application/octet-stream", file_name: "x.bin" }, { multipart: true });
  const one = (await putPart(body.upload_url, 1, Buffer.from("one"))).body;
  const two = (await putPart(body.upload_url, 2, Buffer.from("two"))).body;

  const badEtag = await completeUpload(body.upload_url, [one, { partNumber: 2, etag: "0".repeat(32) }]);
  expect(badEtag.status).toBe(400);
  expect(badEtag.body.detail).toMatch(/etag/);

  const gap = await completeUpload(body.upload_url, [one, { partNumber: 3, etag: two.etag }]);
  expect(gap.status).toBe(400);
  expect(typeof gap.body.detail).toBe("string");

  // Quoted etags (as in the ETag header) are accepted too.
  const ok = await completeUpload(body.upload_url, [one, { partNumber: 2, etag: `"${two.etag}"` }]);
  expect(ok.status).toBe(200);
  expect(emulator.storedFile(body.file_url).bytes.toString()).toBe("onetwo");
});

test("scenario part-fail-once: each part fails once with 500, then succeeds", async () => {
  const headers = { "x-fal-emulator-scenario": "part-fail-once" };
  const { body } = await initiate({ content_type: "text/plain", file_name: "p.txt" }, { multipart: true, headers });
  const answers = [];
  for (const [n, text] of [[1, "a"], [2, "b"]]) {
    const first = await putPart(body.upload_url, n, Buffer.from(text));
    expect(first.status).toBe(500);
    const second = await putPart(body.upload_url, n, Buffer.from(text));
    expect(second.status).toBe(200);
    answers.push(second.body);
  }
  expect((await completeUpload(body.upload_url, answers)).status).toBe(200);
  expect(emulator.storedFile(body.file_url).bytes.toString()).toBe("ab");
});

test("scenario part-fail-always: part 2 always fails with 500", async () => {
  const headers = { "x-fal-emulator-scenario": "part-fail-always" };
  const { body } = await initiate({ content_type: "text/plain", file_name: "p.txt" }, { multipart: true, headers });
  expect((await putPart(body.upload_url, 1, Buffer.from("a"))).status).toBe(200);
  for (let i = 0; i < 3; i++) {
    const res = await putPart(body.upload_url, 2, Buffer.from("b"));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ detail: "part storage unavailable" });
  }
});

test("scenario put-fail-once: the single PUT fails once with 503", async () => {
  const headers = { "x-fal-emulator-scenario": "put-fail-once" };
  const { body } = await initiate({ content_type: "text/plain", file_name: "s.txt" }, { headers });
  const bytes = crypto.randomBytes(256 * 1024);
  expect((await fetch(body.upload_url, { method: "PUT", body: bytes })).status).toBe(503);
  expect((await fetch(body.upload_url, { method: "PUT", body: bytes })).status).toBe(200);
  expect(sha256(emulator.storedFile(body.file_url).bytes)).toBe(sha256(bytes));
});

test("upload PUTs are not limited to the 20 MiB JSON cap; JSON routes still are", async () => {
  const bytes = Buffer.alloc(25 * 1024 * 1024, 7);
  const { body } = await initiate({ content_type: "application/octet-stream", file_name: "25m.bin" });
  expect((await fetch(body.upload_url, { method: "PUT", body: bytes })).status).toBe(200);
  expect(emulator.storedFile(body.file_url).size).toBe(bytes.length);

  const tooBig = await fetch(`${emulator.urls.rest}/storage/upload/initiate?storage_type=fal-cdn-v3`, {
    method: "POST",
    headers: { authorization: KEY, "content-type": "application/json" },
    body: bytes,
  });
  expect(tooBig.status).toBe(413);
});
