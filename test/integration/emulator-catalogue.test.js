// The emulator's generated endpoint catalogue (lib/emulator/catalogue/, issue 12 items 4-5): a
// sample of endpoints from the official client's type map, chosen across output categories,
// validates like a fal app (200 for good input, fal's 422 shape for a missing field, a wrong
// type and a bad enum) and answers in the declared shape. The shape check is the official type
// map itself: every captured output is written into a .ts file as
// `const o: EndpointTypeMap["<id>"]["output"] = <json>` and compiled with tsc. Also: the two
// seed models added for the seed pages, input file URLs (file_download_error), unknown ids.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { startEmulator } = require("../../dist/lib/emulator");
const { runNode } = require("../helpers/run-node");

const ROOT = path.resolve(__dirname, "../..");
const CATALOGUE = path.join(ROOT, "dist/lib/emulator/catalogue/catalogue.json");
const TSC = require.resolve("typescript/bin/tsc", { paths: [ROOT] });

const catalogue = JSON.parse(fs.readFileSync(CATALOGUE, "utf8"));
const defs = catalogue.definitions;
const deref = (s) => {
  for (let i = 0; s && s.$ref && i < 16; i++) s = defs[decodeURIComponent(s.$ref.split("/").pop())];
  return s || {};
};

/** Output category from the declared output type's text. */
function category(id) {
  const text = JSON.stringify(deref(catalogue.endpoints[id].output)) + id;
  if (/glb|mesh|3d|gltf|trellis|hunyuan3d|tripo/i.test(text)) return "3d";
  if (/video/i.test(text)) return "video";
  if (/audio|speech|tts|music/i.test(text)) return "audio";
  if (/Image/.test(text)) return "image";
  const out = deref(catalogue.endpoints[id].output);
  if (Object.values(out.properties || {}).some((p) => deref(p).type === "string")) return "text";
  return "other";
}

const QUOTA = { image: 14, video: 10, audio: 8, text: 8, "3d": 6, other: 6 };
function sample() {
  const byCat = {};
  // "<id>/stream" endpoints are SSE routes, tested below.
  for (const id of Object.keys(catalogue.endpoints).sort().filter((i) => !i.endsWith("/stream"))) (byCat[category(id)] ??= []).push(id);
  const picked = [];
  for (const [cat, n] of Object.entries(QUOTA)) {
    const ids = byCat[cat] || [];
    const step = Math.max(1, Math.floor(ids.length / n));
    for (let i = 0; i < ids.length && picked.filter((p) => p.cat === cat).length < n; i += step) picked.push({ id: ids[i], cat });
  }
  return picked;
}

let fileUrl = "";
/** A valid value for a schema (required fields only), using the emulator's own file for URLs. */
function example(schema, key = "", depth = 0) {
  const s = deref(schema);
  if (s["x-fal-file"] || /_url$/.test(key)) return fileUrl;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf) return example(s.anyOf.find((m) => deref(m).type !== "null") || s.anyOf[0], key, depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type || (s.properties ? "object" : undefined);
  switch (type) {
    case "string":
      return /_urls?$/.test(key) ? fileUrl : "a red fox in the snow";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return false;
    case "array":
      return Array.from({ length: Math.max(1, s.minItems || 0) }, () => example(s.items || {}, key.replace(/s$/, ""), depth + 1));
    case "object": {
      const out = {};
      for (const f of s.required || []) out[f] = example(s.properties[f], f, depth + 1);
      return out;
    }
    default:
      return "x";
  }
}

function goodInput(id) {
  const s = deref(catalogue.endpoints[id].input);
  const input = {};
  for (const f of s.required || []) input[f] = example(s.properties[f], f);
  return input;
}

let emulator;
const post = async (id, body) => {
  const response = await fetch(`${emulator.urls.run}/${id}`, {
    method: "POST",
    headers: { authorization: "Key test", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

beforeAll(async () => {
  emulator = await startEmulator({ quiet: true, timing: { queueMs: 0, stepMs: 1, steps: 2, runners: 4 } });
  const seeded = await post("fal-ai/flux-1/schnell", { prompt: "input picture" });
  fileUrl = seeded.body.images[0].url;
});
afterAll(() => emulator?.close());

const SAMPLE = sample();
const outputs = [];

describe("catalogue sample", () => {
  test("covers at least 50 endpoints across categories", () => {
    expect(SAMPLE.length).toBeGreaterThanOrEqual(50);
    const cats = new Set(SAMPLE.map((s) => s.cat));
    for (const cat of ["image", "video", "audio", "text", "3d"]) expect(cats).toContain(cat);
  });

  test.each(SAMPLE.map((s) => [s.cat, s.id]))("%s %s: good input is 200, missing/wrong-type/bad-enum are fal 422s", async (cat, id) => {
    const input = goodInput(id);
    const ok = await post(id, input);
    if (ok.status !== 200) throw new Error(`${id} ${JSON.stringify(input)} -> ${ok.status} ${JSON.stringify(ok.body)}`);
    outputs.push({ id, output: ok.body });
    // Media URLs point at the emulator's CDN and serve bytes of the declared content type.
    const media = JSON.stringify(ok.body).match(/http:\/\/127\.0\.0\.1:\d+\/cdn\/files\/[^"]+/);
    if (media) {
      const file = await fetch(media[0]);
      expect(file.status).toBe(200);
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }

    const schema = deref(catalogue.endpoints[id].input);
    const required = schema.required || [];
    if (required.length > 0) {
      const missing = { ...input };
      delete missing[required[0]];
      const res = await post(id, missing);
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ["body", required[0]], type: "missing", msg: "Field required" })]));
    }
    const stringField = Object.entries(schema.properties).find(([, p]) => { const d = deref(p); return d.type === "string" && !d.enum && d.const === undefined; });
    if (stringField) {
      const res = await post(id, { ...input, [stringField[0]]: { not: "a string" } });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ["body", stringField[0]], type: "string_type" })]));
    }
    const enumField = Object.entries(schema.properties).find(([, p]) => deref(p).enum);
    if (enumField) {
      const res = await post(id, { ...input, [enumField[0]]: "definitely-not-a-member" });
      expect(res.status).toBe(422);
      const issue = res.body.detail.find((d) => d.loc[1] === enumField[0]);
      expect(issue).toMatchObject({ type: "enum", input: "definitely-not-a-member" });
      expect(issue.msg).toMatch(/^Input should be '/);
    }
  });

  test("captured outputs type-check against the official EndpointTypeMap (tsc)", async () => {
    expect(outputs.length).toBe(SAMPLE.length);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-catalogue-types-"));
    try {
      const lines = ['import type { EndpointTypeMap } from "@fal-ai/client/endpoints";'];
      outputs.forEach(({ id, output }, i) => lines.push(`export const o${i}: EndpointTypeMap[${JSON.stringify(id)}]["output"] = ${JSON.stringify(output)};`));
      fs.writeFileSync(path.join(dir, "outputs.ts"), lines.join("\n") + "\n");
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: path.join(ROOT, "test/types/tsconfig.base.json"),
          compilerOptions: { typeRoots: [path.join(ROOT, "node_modules/@types")], baseUrl: ROOT, paths: { "@fal-ai/client/endpoints": [path.join(ROOT, "node_modules/@fal-ai/client/src/types/endpoints.d.ts")] } },
          include: ["outputs.ts"],
        }),
      );
      const run = await runNode(TSC, ["--noEmit", "--pretty", "false", "-p", path.join(dir, "tsconfig.json")], { timeoutMs: 240_000 });
      if (run.code !== 0) throw new Error(`outputs do not match the type map:\n${run.stdout}${run.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 250_000);
});

describe("media outputs", () => {
  test("video is an MP4, audio a WAV, both downloadable", async () => {
    const video = await post("fal-ai/kling-video/v2.1/master/text-to-video", { prompt: "a dog" });
    expect(video.status).toBe(200);
    expect(video.body.video.content_type).toBe("video/mp4");
    const mp4 = Buffer.from(await (await fetch(video.body.video.url)).arrayBuffer());
    expect(mp4.subarray(4, 8).toString("ascii")).toBe("ftyp");
    expect(mp4.includes(Buffer.from("moov"))).toBe(true);
    const audio = await post("xai/tts/v1", { text: "hello" });
    expect(audio.status).toBe(200);
    const wav = Buffer.from(await (await fetch(audio.body.audio.url)).arrayBuffer());
    expect(wav.subarray(0, 4).toString("ascii")).toBe("RIFF");
    expect(wav.subarray(8, 12).toString("ascii")).toBe("WAVE");
    let fileOk = true;
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-media-"));
      fs.writeFileSync(path.join(dir, "v.mp4"), mp4);
      const out = execFileSync("file", [path.join(dir, "v.mp4")]).toString();
      fileOk = /ISO Media/.test(out);
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // `file` not installed: the magic checks above stand.
    }
    expect(fileOk).toBe(true);
  });

  test("images honour image_size, num_images and output_format defaults", async () => {
    const res = await post("fal-ai/flux/dev", { prompt: "x", num_images: 3, image_size: { width: 256, height: 128 }, output_format: "png" });
    expect(res.status).toBe(200);
    expect(res.body.images).toHaveLength(3);
    expect(res.body.images[0]).toMatchObject({ width: 256, height: 128, content_type: "image/png" });
    const png = Buffer.from(await (await fetch(res.body.images[0].url)).arrayBuffer());
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    const dflt = await post("fal-ai/flux/dev", { prompt: "x" });
    // JSDoc default landscape_4_3 (1024x768) scaled to the emulator's 512 px long side; jpeg default.
    expect(dflt.body.images[0]).toMatchObject({ width: 512, height: 384, content_type: "image/jpeg" });
  });
});

describe("streaming", () => {
  test("only where the type map lists <id>/stream: fal-ai/flux-lora streams, fal-ai/flux/dev does not", async () => {
    const headers = { authorization: "Key test", "content-type": "application/json", accept: "text/event-stream" };
    const res = await fetch(`${emulator.urls.run}/fal-ai/flux-lora/stream`, { method: "POST", headers, body: JSON.stringify({ prompt: "x" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = (await res.text()).split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)));
    expect(events.length).toBeGreaterThan(1);
    expect(events[events.length - 1].images).toHaveLength(1);
    const none = await fetch(`${emulator.urls.run}/fal-ai/flux/dev/stream`, { method: "POST", headers, body: JSON.stringify({ prompt: "x" }) });
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ detail: "Path /stream not found" });
  });
});

describe("queue path", () => {
  test("catalogue endpoints go through submit, status with logs and result", async () => {
    const headers = { authorization: "Key test", "content-type": "application/json" };
    const submit = await (await fetch(`${emulator.urls.queue}/fal-ai/flux/dev`, { method: "POST", headers, body: JSON.stringify({ prompt: "queued" }) })).json();
    expect(submit.status).toBe("IN_QUEUE");
    let status;
    for (let i = 0; i < 200; i++) {
      status = await (await fetch(`${submit.status_url}?logs=1`, { headers })).json();
      if (status.status === "COMPLETED") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(status.status).toBe("COMPLETED");
    expect(status.logs.length).toBeGreaterThan(0);
    const result = await (await fetch(submit.response_url, { headers })).json();
    expect(result.images).toHaveLength(1);
  });
});

describe("seed models and unknown ids", () => {
  test.each([
    ["fal-ai/omnigen-v2", { prompt: "Make the dress blue" }, { width: 512, height: 512 }],
    ["fal-ai/f-lite/standard", { prompt: "Mount Fuji" }, { width: 512, height: 384 }],
  ])("%s answers like its page", async (id, input, size) => {
    const res = await post(id, input);
    expect(res.status).toBe(200);
    expect(res.body.images[0]).toMatchObject({ ...size, content_type: "image/jpeg" });
    expect(res.body).toHaveProperty("has_nsfw_concepts", [false]);
    const bad = await post(id, { prompt: "x", num_images: 9 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["body", "num_images"], type: "less_than_equal" });
  });

  test("unknown ids still answer fal's 404", async () => {
    expect(await post("fal-ai/no-such-model", { prompt: "x" })).toEqual({ status: 404, body: { detail: "Application 'fal-ai/no-such-model' not found" } });
    expect(await post("fal-ai/flux/no-such-path", { prompt: "x" })).toEqual({ status: 404, body: { detail: "Path /no-such-path not found" } });
  });
});

describe("input file URLs", () => {
  test("a local URL that does not exist fails with file_download_error; existing and remote ones pass", async () => {
    const missing = `${emulator.url}/cdn/files/does-not-exist.png`;
    const bad = await post("fal-ai/flux-pro/kontext", { prompt: "x", image_url: missing });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      detail: [{ loc: ["body", "image_url"], msg: "Failed to download the file. Please check if the URL is accessible.", type: "file_download_error", input: missing, url: "https://docs.fal.ai/errors#file_download_error" }],
    });
    const listed = await post("fal-ai/omnigen-v2", { prompt: "x", input_image_urls: [fileUrl, missing] });
    expect(listed.status).toBe(422);
    expect(listed.body.detail[0].loc).toEqual(["body", "input_image_urls", 1]);
    // Catalogue endpoints too (the type map's `string | Blob | File` fields).
    const video = await post("fal-ai/kling-video/v2.1/master/image-to-video", { prompt: "x", image_url: missing });
    expect(video.status).toBe(422);
    expect(video.body.detail[0].type).toBe("file_download_error");
    expect((await post("fal-ai/flux-pro/kontext", { prompt: "x", image_url: fileUrl })).status).toBe(200);
    expect((await post("fal-ai/flux-pro/kontext", { prompt: "x", image_url: "https://example.invalid/a.png" })).status).toBe(200);
    expect((await post("fal-ai/flux-pro/kontext", { prompt: "x", image_url: "data:image/png;base64,iVBORw0KGgo=" })).status).toBe(200);
  });

  test("fetchInputUrls: 'none' skips the check, 'all' fetches remote URLs", async () => {
    const none = await startEmulator({ quiet: true, fetchInputUrls: "none", timing: { queueMs: 0, stepMs: 1, steps: 1 } });
    const all = await startEmulator({ quiet: true, fetchInputUrls: "all", timing: { queueMs: 0, stepMs: 1, steps: 1 } });
    try {
      const run = (em, body) =>
        fetch(`${em.urls.run}/fal-ai/flux-pro/kontext`, { method: "POST", headers: { authorization: "Key t", "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await run(none, { prompt: "x", image_url: `${none.url}/cdn/files/nope.png` })).status).toBe(200);
      // A "remote" URL for `all`: the other emulator's CDN (missing file -> 404 -> download error).
      const remoteMissing = await run(all, { prompt: "x", image_url: `${none.url.replace("127.0.0.1", "localhost")}/cdn/files/nope.png` });
      expect(remoteMissing.status).toBe(422);
      expect(fileUrl).toBeTruthy();
      expect((await run(all, { prompt: "x", image_url: fileUrl })).status).toBe(200);
    } finally {
      await none.close();
      await all.close();
    }
  });
});

describe("generated artifact", () => {
  test("is current and deterministic: regenerating without the cache gives the same bytes", async () => {
    const run = await runNode(path.join(ROOT, "scripts/generate-catalogue.js"), ["--check"], { timeoutMs: 240_000 });
    if (run.code !== 0) throw new Error(`${run.stdout}${run.stderr}`);
    expect(Object.keys(catalogue.endpoints).length).toBeGreaterThan(1000);
    const client = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@fal-ai/client/package.json"), "utf8"));
    expect(catalogue.source.client).toBe(client.version);
  }, 250_000);
});
