// fal.storage against the emulator: uploads of every input kind (bytes compared by sha256),
// the 90 MiB multipart boundary, lifecycle, credentials never sent to upload URLs, part retries
// and failures, abort, auto-upload of inputs, local file errors, and the download helpers.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { Readable } = require("stream");
const { pathToFileURL } = require("url");
const { createFalClient, ApiError } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");

jest.setTimeout(60_000);

const KEY = "storage-test-key";
const MiB = 1024 * 1024;
const sha = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

let emulator;
let fal;
let dir;
let big; // exactly 90 MiB
let bigPlus; // 90 MiB + 1
let bigBytes;

/** A client whose storage initiate calls carry an emulator failure scenario. */
function scenarioClient(scenario) {
  return createFalClient({
    credentials: KEY,
    baseUrls: emulator.urls,
    retry: { baseDelay: 10, maxDelay: 50 },
    requestMiddleware: async (req) =>
      req.url.includes("/storage/upload/") ? { ...req, headers: { ...req.headers, "x-fal-emulator-scenario": scenario } } : req,
  });
}

function stored(url) {
  const file = emulator.storedFile(url);
  expect(file).toBeDefined();
  return file;
}

const since = (n) => emulator.requests.slice(n);

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY, quiet: true, timing: { queueMs: 1, stepMs: 1, steps: 1 }, maxImageSide: 32 });
  fal = createFalClient({ credentials: KEY, baseUrls: emulator.urls, retry: { baseDelay: 10, maxDelay: 50 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-storage-test-"));
  bigBytes = crypto.randomBytes(90 * MiB + 1);
  big = path.join(dir, "big-90.bin");
  bigPlus = path.join(dir, "big-90plus1.bin");
  fs.writeFileSync(big, bigBytes.subarray(0, 90 * MiB));
  fs.writeFileSync(bigPlus, bigBytes);
});

afterAll(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  if (emulator) await emulator.close();
});

describe("upload round trips", () => {
  const bytes = crypto.randomBytes(300_000);

  test("Blob without a name: official file-name rule and content type", async () => {
    const url = await fal.storage.upload(new Blob([bytes], { type: "image/png" }));
    const file = stored(url);
    expect(sha(file.bytes)).toBe(sha(bytes));
    expect(file.contentType).toBe("image/png");
    expect(file.fileName).toMatch(/^\d+\.png$/);
  });

  test("File keeps its name; bytes served back at the file URL", async () => {
    const url = await fal.storage.upload(new File([bytes], "photo.webp", { type: "image/webp" }));
    expect(stored(url).fileName).toBe("photo.webp");
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(sha(served)).toBe(sha(bytes));
  });

  test.each([
    ["Buffer", () => Buffer.from(bytes)],
    ["Uint8Array", () => new Uint8Array(bytes.buffer, bytes.byteOffset + 10, bytes.length - 10)],
    ["ArrayBuffer", () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)],
  ])("%s", async (_, make) => {
    const input = make();
    const url = await fal.storage.upload(input);
    const file = stored(url);
    expect(sha(file.bytes)).toBe(sha(Buffer.from(input instanceof ArrayBuffer ? new Uint8Array(input) : input)));
    expect(file.contentType).toBe("application/octet-stream");
    expect(file.fileName).toMatch(/^\d+\.octet$/);
  });

  test("file path and file: URL: basename and content type from the extension", async () => {
    const file = path.join(dir, "clip.mp4");
    fs.writeFileSync(file, bytes);
    for (const input of [file, pathToFileURL(file), pathToFileURL(file).href]) {
      const info = stored(await fal.storage.upload(input));
      expect(sha(info.bytes)).toBe(sha(bytes));
      expect(info.contentType).toBe("video/mp4");
      expect(info.fileName).toBe("clip.mp4");
    }
  });

  test("Readable of unknown length (single PUT) with progress", async () => {
    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 200_000), bytes.subarray(200_000)];
    const seen = [];
    const url = await fal.storage.upload(Readable.from(chunks), { onProgress: (sent, total) => seen.push([sent, total]) });
    expect(sha(stored(url).bytes)).toBe(sha(bytes));
    expect(seen[seen.length - 1]).toEqual([bytes.length, bytes.length]);
  });
});

describe("multipart boundary", () => {
  test("exactly 90 MiB is one PUT", async () => {
    const n = emulator.requests.length;
    const url = await fal.storage.upload(big);
    const routes = since(n).map((r) => `${r.method} ${r.path}`);
    expect(routes.some((r) => r.endsWith("/storage/upload/initiate"))).toBe(true);
    expect(routes.some((r) => r.includes("initiate-multipart"))).toBe(false);
    expect(sha(stored(url).bytes)).toBe(sha(bigBytes.subarray(0, 90 * MiB)));
  });

  test("90 MiB + 1 is multipart: 10 MiB parts, complete, progress over the whole file", async () => {
    const n = emulator.requests.length;
    let last;
    const url = await fal.storage.upload(bigPlus, { onProgress: (sent, total) => (last = [sent, total]) });
    const recorded = since(n);
    expect(recorded.some((r) => r.path.endsWith("/storage/upload/initiate-multipart"))).toBe(true);
    const parts = recorded.filter((r) => r.method === "PUT");
    expect(parts).toHaveLength(10);
    expect(recorded.filter((r) => r.path.endsWith("/complete"))).toHaveLength(1);
    expect(last).toEqual([bigBytes.length, bigBytes.length]);
    expect(sha(stored(url).bytes)).toBe(sha(bigBytes));
  });

  test("a Readable of more than 90 MiB switches to multipart", async () => {
    const n = emulator.requests.length;
    const chunks = [];
    for (let i = 0; i < bigBytes.length; i += 3 * MiB + 7) chunks.push(bigBytes.subarray(i, i + 3 * MiB + 7));
    const url = await fal.storage.upload(Readable.from(chunks));
    expect(since(n).some((r) => r.path.endsWith("initiate-multipart"))).toBe(true);
    expect(sha(stored(url).bytes)).toBe(sha(bigBytes));
  });
});

describe("headers", () => {
  test("lifecycle header on initiate; the key never reaches upload URLs", async () => {
    const n = emulator.requests.length;
    const url = await fal.storage.upload(Buffer.from("hello"), { lifecycle: { expiresIn: "1h", initialAcl: { default: "hide" } } });
    const recorded = since(n);
    const init = recorded.find((r) => r.path.endsWith("/storage/upload/initiate"));
    expect(init.headers.authorization).toBe(`Key ${KEY}`);
    expect(JSON.parse(init.headers["x-fal-object-lifecycle"])).toEqual({ expiration_duration_seconds: 3600, initial_acl: { default: "hide" } });
    expect(JSON.parse(init.body)).toEqual({ content_type: "application/octet-stream", file_name: expect.stringMatching(/^\d+\.octet$/) });
    const put = recorded.find((r) => r.method === "PUT");
    expect(put.headers["content-type"]).toBe("application/octet-stream");
    expect(stored(url).lifecycle).toBeDefined();
    // Every request that was not to the REST host (PUTs, parts, complete) carried no credentials.
    const uploads = emulator.requests.filter((r) => r.method === "PUT" || r.path.endsWith("/complete"));
    expect(uploads.length).toBeGreaterThan(10);
    for (const r of uploads) expect(r.headers.authorization).toBeUndefined();
  });
});

describe("failures", () => {
  test("put-fail-once: the single PUT is retried", async () => {
    const bytes = crypto.randomBytes(1000);
    const url = await scenarioClient("put-fail-once").storage.upload(bytes);
    expect(sha(stored(url).bytes)).toBe(sha(bytes));
  });

  test("part-fail-once: each failing part is retried, then the upload succeeds", async () => {
    const url = await scenarioClient("part-fail-once").storage.upload(bigPlus);
    expect(sha(stored(url).bytes)).toBe(sha(bigBytes));
  });

  test("part-fail-always: rejects naming part 2, cause is the 500", async () => {
    const n = emulator.requests.length;
    const error = await scenarioClient("part-fail-always").storage.upload(bigPlus).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/part 2\b/);
    expect(error.cause).toBeInstanceOf(ApiError);
    expect(error.cause.status).toBe(500);
    expect(since(n).some((r) => r.path.endsWith("/complete"))).toBe(false);
  });

  test("abort mid-upload cancels the transfers", async () => {
    const n = emulator.requests.length;
    const controller = new AbortController();
    const promise = fal.storage.upload(bigPlus, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(promise).rejects.toMatchObject({ name: "AbortError" });
    await new Promise((r) => setTimeout(r, 100));
    expect(since(n).some((r) => r.path.endsWith("/complete"))).toBe(false);
  });

  test("missing, directory and unreadable paths fail before any request", async () => {
    const n = emulator.requests.length;
    const missing = path.join(dir, "nope.png");
    await expect(fal.storage.upload(missing)).rejects.toMatchObject({ code: "ENOENT", message: expect.stringContaining(missing) });
    await expect(fal.storage.upload(dir)).rejects.toMatchObject({ code: "EISDIR", message: expect.stringContaining(dir) });
    if (process.getuid && process.getuid() !== 0) {
      const locked = path.join(dir, "locked.txt");
      fs.writeFileSync(locked, "x");
      fs.chmodSync(locked, 0o000);
      await expect(fal.storage.upload(locked)).rejects.toMatchObject({ code: "EACCES" });
    }
    await expect(fal.storage.upload(pathToFileURL(missing))).rejects.toThrow(/ENOENT/);
    expect(emulator.requests.length).toBe(n);
  });
});

describe("auto-upload of inputs", () => {
  test("Blobs and byte arrays in nested objects and arrays of a subscribe input become URLs", async () => {
    const a = crypto.randomBytes(500);
    const b = crypto.randomBytes(600);
    const n = emulator.requests.length;
    const result = await fal.subscribe("fal-ai/flux-1/schnell", {
      input: {
        prompt: "data:text/plain;base64,aGk=",
        image_url: new Blob([a], { type: "image/png" }),
        extra: { refs: [Buffer.from(b), "keep", { deep: new Uint8Array(b) }], n: 3 },
      },
    });
    expect(result.data).toBeDefined();
    const submit = since(n).find((r) => r.method === "POST" && r.path.includes("/fal-ai/flux-1/schnell"));
    const body = JSON.parse(submit.body);
    expect(body.prompt).toBe("data:text/plain;base64,aGk=");
    expect(sha(stored(body.image_url).bytes)).toBe(sha(a));
    expect(sha(stored(body.extra.refs[0]).bytes)).toBe(sha(b));
    expect(body.extra.refs[1]).toBe("keep");
    expect(sha(stored(body.extra.refs[2].deep).bytes)).toBe(sha(b));
    expect(body.extra.n).toBe(3);
  });
});

describe("download", () => {
  let urls;
  let payloads;
  beforeAll(async () => {
    payloads = [crypto.randomBytes(2000), crypto.randomBytes(70_000)];
    urls = [
      await fal.storage.upload(new File([payloads[0]], "a.png", { type: "image/png" })),
      await fal.storage.upload(new File([payloads[1]], "b.png", { type: "image/png" })),
    ];
  });

  test("into a Buffer, and several URLs into a directory", async () => {
    const one = await fal.storage.download(urls[0]);
    expect(sha(one.bytes)).toBe(sha(payloads[0]));
    expect(one).toMatchObject({ url: urls[0], contentType: expect.stringContaining("image/png"), size: 2000 });
    const out = path.join(dir, "downloads");
    const many = await fal.storage.download(urls, { to: out, expectContentType: "image/" });
    expect(many).toHaveLength(2);
    many.forEach((f, i) => {
      expect(path.dirname(f.path)).toBe(path.resolve(out));
      expect(sha(fs.readFileSync(f.path))).toBe(sha(payloads[i]));
      expect(f.size).toBe(payloads[i].length);
    });
  });

  test("to a file path", async () => {
    const file = path.join(dir, "single", "x.png");
    const got = await fal.storage.download(urls[1], { to: file });
    expect(got.path).toBe(file);
    expect(sha(fs.readFileSync(file))).toBe(sha(payloads[1]));
  });

  test("content-type mismatch, maxBytes and 404 fail clearly", async () => {
    await expect(fal.storage.download(urls[0], { expectContentType: /^video\// })).rejects.toThrow(/image\/png.*video|content type/);
    const file = path.join(dir, "mismatch.png");
    await expect(fal.storage.download(urls[0], { to: file, expectContentType: "audio/" })).rejects.toThrow(urls[0]);
    expect(fs.existsSync(file)).toBe(false);
    await expect(fal.storage.download(urls[1], { maxBytes: 1000 })).rejects.toThrow(/maxBytes/);
    await expect(fal.storage.download(`${emulator.urls.cdn}/files/missing.png`)).rejects.toBeInstanceOf(ApiError);
  });

  test("downloadResultMedia finds images of a result", async () => {
    const result = await fal.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "a cat" } });
    const out = path.join(dir, "media");
    const files = await fal.storage.downloadResultMedia(result.data, { to: out });
    expect(files.length).toBe(result.data.images.length);
    for (const f of files) expect(fs.statSync(f.path).size).toBe(f.size);
  });
});
