// baseUrls.cdn / FAL_CDN_URL against the emulator over loopback: the client's own requests to fal
// CDN hosts (*.fal.media) go to the CDN override, uploads (single PUT and multipart parts and
// complete) and downloads alike; URLs handed back stay fal's; env is read per call and config wins;
// other hosts are untouched; the override never receives the key; a bad FAL_CDN_URL is named.
//
// The emulator hands out its own loopback URLs. To see what a real fal answer looks like, a small
// REST stand-in forwards storage initiate to the emulator and answers with the same URLs moved
// onto fal's CDN hosts (upload_url on v3b.fal.media, file_url on v3.fal.media), paths unchanged.
// Nothing here ever reaches the internet: without the override those URLs would not resolve to
// the emulator, so every successful transfer proves the rewrite happened.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { createFalClient } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { closedPort } = require("../helpers/closed-port");

jest.setTimeout(120_000);

const KEY = "cdn-url-test-key";
const MiB = 1024 * 1024;
const sha = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

let emulator;
let restShim;
let restShimUrl;
let dir;
let savedEnv;

/** `http://host:port/a/b?q` -> `https://<host>/a/b?q`: the URL as fal would have given it. */
function onFalHost(url, host) {
  const u = new URL(url);
  return `https://${host}${u.pathname}${u.search}`;
}

/** Forwards storage initiate to the emulator; answers with its URLs moved onto fal CDN hosts. */
function startRestShim() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const headers = { ...req.headers };
      delete headers.host;
      const upstream = http.request(`${emulator.url}${req.url}`, { method: req.method, headers }, (answer) => {
        const body = [];
        answer.on("data", (c) => body.push(c));
        answer.on("end", () => {
          let text = Buffer.concat(body).toString("utf8");
          if (answer.statusCode === 200) {
            const json = JSON.parse(text);
            json.upload_url = onFalHost(json.upload_url, "v3b.fal.media");
            json.file_url = onFalHost(json.file_url, "v3.fal.media");
            text = JSON.stringify(json);
          }
          res.writeHead(answer.statusCode, { "content-type": "application/json" });
          res.end(text);
        });
      });
      upstream.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const since = (n) => emulator.requests.slice(n);

/** Requests the emulator got that were not to its REST or queue routes: the CDN side. */
const cdnSide = (recorded) => recorded.filter((r) => r.path.startsWith("/cdn/") || r.path.startsWith("/cdn-upload/"));

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY, quiet: true, timing: { queueMs: 1, stepMs: 1, steps: 1 }, maxImageSide: 32 });
  restShim = await startRestShim();
  restShimUrl = `http://127.0.0.1:${restShim.address().port}/rest`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-cdn-url-test-"));
});

afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  if (restShim) await new Promise((resolve) => restShim.close(resolve));
  if (emulator) await emulator.close();
});

beforeEach(() => {
  savedEnv = process.env.FAL_CDN_URL;
  delete process.env.FAL_CDN_URL;
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.FAL_CDN_URL;
  else process.env.FAL_CDN_URL = savedEnv;
});

describe("uploads through the CDN override", () => {
  // The emulator's upload and file paths start at its root (/cdn-upload/..., /cdn/files/...), so
  // the override here is its bare origin.
  const client = (cdn) =>
    createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, rest: restShimUrl, cdn: cdn ?? emulator.url }, retry: { baseDelay: 10, maxDelay: 50 } });

  test("single PUT: goes to the override without the key; the fal file_url is returned unchanged", async () => {
    const fal = client();
    const bytes = crypto.randomBytes(4096);
    const n = emulator.requests.length;
    const url = await fal.storage.upload(new File([bytes], "cat.png", { type: "image/png" }));
    // What fal said, not where the bytes went.
    expect(url).toMatch(/^https:\/\/v3\.fal\.media\/cdn\/files\/.+\/cat\.png$/);
    expect(sha(emulator.storedFile(url).bytes)).toBe(sha(bytes));

    const recorded = since(n);
    const init = recorded.find((r) => r.path.endsWith("/storage/upload/initiate"));
    expect(init.headers.authorization).toBe(`Key ${KEY}`);
    const put = recorded.find((r) => r.method === "PUT");
    expect(put.path).toMatch(/^\/cdn-upload\//);
    expect(put.query.signature).toBeDefined(); // the presigned query string survives the rewrite
    expect(put.headers.host).toBe(new URL(emulator.url).host); // the override's host, not localhost's
    expect(put.headers.authorization).toBeUndefined();

    // The client's own download of that fal URL goes to the override too.
    const got = await fal.storage.download(url);
    expect(got.url).toBe(url);
    expect(sha(got.bytes)).toBe(sha(bytes));
    for (const r of cdnSide(since(n))) expect(r.headers.authorization).toBeUndefined();
  });

  test("multipart (90 MiB + 1): every part and the complete go to the override, none with the key", async () => {
    const fal = client();
    const bytes = crypto.randomBytes(90 * MiB + 1);
    const file = path.join(dir, "big.bin");
    fs.writeFileSync(file, bytes);
    const n = emulator.requests.length;
    const url = await fal.storage.upload(file);
    expect(url).toMatch(/^https:\/\/v3\.fal\.media\/cdn\/files\/.+\/big\.bin$/);
    expect(sha(emulator.storedFile(url).bytes)).toBe(sha(bytes));
    const recorded = since(n);
    expect(recorded.some((r) => r.path.endsWith("/storage/upload/initiate-multipart"))).toBe(true);
    const storage = cdnSide(recorded);
    expect(storage.filter((r) => r.method === "PUT")).toHaveLength(10);
    expect(storage.filter((r) => r.path.endsWith("/complete"))).toHaveLength(1);
    for (const r of storage) {
      expect(r.headers.host).toBe(new URL(emulator.url).host);
      expect(r.headers.authorization).toBeUndefined();
    }
    fs.rmSync(file);
  });

  test("FAL_CDN_URL applies when config sets no cdn, read at the time of the upload", async () => {
    const fal = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, rest: restShimUrl, cdn: undefined }, retry: { baseDelay: 10, maxDelay: 50 } });
    process.env.FAL_CDN_URL = emulator.url;
    const bytes = crypto.randomBytes(100);
    const url = await fal.storage.upload(bytes);
    expect(sha(emulator.storedFile(url).bytes)).toBe(sha(bytes));
    // A CDN override where nothing listens: the PUT fails there (it was not sent to fal).
    const port = await closedPort();
    process.env.FAL_CDN_URL = `http://127.0.0.1:${port}`;
    await expect(fal.storage.upload(bytes)).rejects.toThrow(`127.0.0.1:${port}/cdn-upload/`);
  });
});

describe("downloads through the CDN override", () => {
  let names; // emulator file names of a generated result
  let falUrls; // the same files as fal would name them: https://v3.fal.media/files/<name>
  let bytesOf;

  beforeAll(async () => {
    const fal = createFalClient({ credentials: KEY, baseUrls: emulator.urls });
    const result = await fal.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "a lighthouse", num_images: 2 } });
    const urls = result.data.images.map((i) => i.url);
    names = urls.map((u) => new URL(u).pathname.replace(/^\/cdn\/files\//, ""));
    falUrls = names.map((name) => `https://v3.fal.media/files/${name}`);
    bytesOf = (i) => emulator.storedFile(urls[i]).bytes;
  });

  test("a path prefix (the emulator's /cdn): fal URLs fetched from <prefix>/files/...; results keep fal's URL", async () => {
    const fal = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: emulator.urls.cdn } });
    const n = emulator.requests.length;
    const out = path.join(dir, "prefix");
    const files = await fal.storage.download(falUrls, { to: out, expectContentType: "image/" });
    files.forEach((f, i) => {
      expect(f.url).toBe(falUrls[i]);
      expect(path.basename(f.path)).toBe(path.basename(names[i]));
      expect(sha(fs.readFileSync(f.path))).toBe(sha(bytesOf(i)));
    });
    const gets = cdnSide(since(n));
    expect(gets.map((r) => r.path).sort()).toEqual(names.map((name) => `/cdn/files/${name}`).sort());
    for (const r of gets) expect(r.headers.authorization).toBeUndefined();
  });

  test("downloadResultMedia follows the override for fal CDN URLs in a result", async () => {
    const fal = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: emulator.urls.cdn } });
    const data = { images: falUrls.map((url) => ({ url, content_type: "image/png" })) };
    const files = await fal.storage.downloadResultMedia(data);
    expect(files.map((f) => f.url)).toEqual(falUrls);
    files.forEach((f, i) => expect(sha(f.bytes)).toBe(sha(bytesOf(i))));
  });

  test("env is read per call; config wins over env", async () => {
    const envClient = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: undefined }, retry: { baseDelay: 10, maxDelay: 50 } });
    process.env.FAL_CDN_URL = emulator.urls.cdn;
    expect(sha((await envClient.storage.download(falUrls[0])).bytes)).toBe(sha(bytesOf(0)));

    const port = await closedPort();
    process.env.FAL_CDN_URL = `http://127.0.0.1:${port}/cdn`;
    await expect(envClient.storage.download(falUrls[0])).rejects.toThrow(`127.0.0.1:${port}/cdn/files/`);

    const configClient = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: emulator.urls.cdn } });
    expect(sha((await configClient.storage.download(falUrls[1])).bytes)).toBe(sha(bytesOf(1)));
  });

  test("URLs on other hosts are fetched as they are", async () => {
    const port = await closedPort();
    const fal = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: `http://127.0.0.1:${port}` } });
    const direct = `${emulator.urls.cdn}/files/${names[0]}`;
    const got = await fal.storage.download(direct);
    expect(got.url).toBe(direct);
    expect(sha(got.bytes)).toBe(sha(bytesOf(0)));
  });

  test("a malformed FAL_CDN_URL fails before any request or file, naming the variable", async () => {
    const fal = createFalClient({ credentials: KEY, baseUrls: { ...emulator.urls, cdn: undefined } });
    process.env.FAL_CDN_URL = "v3.fal.media";
    const n = emulator.requests.length;
    const out = path.join(dir, "never");
    await expect(fal.storage.download(falUrls, { to: out })).rejects.toThrow(/FAL_CDN_URL must be an http\(s\) URL/);
    await expect(fal.storage.upload(Buffer.from("x"))).rejects.toThrow(/FAL_CDN_URL must be an http\(s\) URL/);
    expect(fs.existsSync(out)).toBe(false);
    expect(since(n)).toHaveLength(0);
  });

  test("a malformed baseUrls.cdn is rejected when the client is made, naming the option", () => {
    expect(() => createFalClient({ credentials: KEY, baseUrls: { cdn: "v3.fal.media" } })).toThrow(/config\.baseUrls\.cdn must be an http\(s\) URL/);
  });
});
