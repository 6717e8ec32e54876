const { fal, createFalClient } = require("../../dist/lib/index");
const { installFake, uninstallFake, response, header } = require("./fake-native");

afterEach(() => uninstallFake());

test("the runtime exports match @fal-ai/client's, plus TransportError", () => {
  const official = Object.keys(require("@fal-ai/client")).sort();
  const ours = Object.keys(require("../../dist/lib/index")).sort();
  expect(ours).toEqual([...official, "TransportError"].sort());
});

test("the client has the official members", () => {
  const official = Object.keys(require("@fal-ai/client").createFalClient({ credentials: "x" })).sort();
  expect(Object.keys(createFalClient()).sort()).toEqual(official);
  expect(Object.keys(createFalClient().queue).sort()).toEqual(
    Object.keys(require("@fal-ai/client").createFalClient({ credentials: "x" }).queue).sort(),
  );
});

test("fal.config replaces the client behind fal (no merging)", async () => {
  const fakes = installFake(() => response(200, {}));
  fal.config({ credentials: "first", proxyUrl: { url: "http://127.0.0.1:1/p", when: "always" } });
  await fal.run("a/b", {});
  fal.config({ credentials: "second" });
  await fal.queue.status("a/b", { requestId: "r" });
  const specs = fakes.flatMap((f) => f.requests.map((r) => r.spec));
  expect(specs.map((s) => [s.url, header(s.headers, "Authorization")])).toEqual([
    ["http://127.0.0.1:1/p", "Key first"],
    ["https://queue.fal.run/a/b/requests/r/status?logs=0", "Key second"],
  ]);
});

test("streaming and realtime are reachable through the singleton and check their arguments", async () => {
  await expect(fal.stream("a/b", { timeout: -1 })).rejects.toThrow(/fal\.stream: options\.timeout must be/);
  await expect(fal.queue.streamStatus("a/b", {})).rejects.toThrow(/options\.requestId/);
  expect(() => fal.realtime.connect("a/b", {})).toThrow(TypeError);
});

test("isQueueStatus / isCompletedQueueStatus return exactly what the official guards return", () => {
  const ours = require("../../dist/lib/index");
  const official = require("@fal-ai/client");
  const inputs = [
    { status: "IN_QUEUE", response_url: "u" },
    { status: "IN_QUEUE" },
    { status: "", response_url: "u" },
    { status: "COMPLETED", response_url: "https://queue.fal.run/a/b/requests/r" },
    { status: "IN_PROGRESS", response_url: "u" },
    null,
    undefined,
    0,
    "",
  ];
  for (const input of inputs) {
    expect(ours.isQueueStatus(input)).toStrictEqual(official.isQueueStatus(input));
    expect(ours.isCompletedQueueStatus(input)).toStrictEqual(official.isCompletedQueueStatus(input));
  }
  expect(ours.isQueueStatus({ status: "IN_QUEUE", response_url: "u" })).toBe("u");
});

test("the ESM entry re-exports the same bindings", () => {
  // Jest runs CommonJS; load the .mjs in a plain Node process.
  const { execFileSync } = require("child_process");
  const path = require("path");
  const entry = path.join(__dirname, "..", "..", "lib", "index.mjs");
  const script = `
    import * as esm from ${JSON.stringify(entry)};
    import { createRequire } from "node:module";
    const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(__dirname, "..", "..", "dist", "lib", "index.js"))});
    console.log(JSON.stringify({
      names: Object.keys(esm).filter((k) => k !== "default").sort(),
      sameFal: esm.fal === cjs.fal,
      sameApiError: esm.ApiError === cjs.ApiError,
      defaultIsCjs: esm.default === cjs,
    }));`;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
  expect(out).toEqual({
    names: Object.keys(require("../../dist/lib/index")).sort(),
    sameFal: true,
    sameApiError: true,
    defaultIsCjs: true,
  });
});
