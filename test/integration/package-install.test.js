// The published tarball, installed the way a user installs it: `npm pack`, then `npm install <tgz>`
// into a fresh project with npm's default settings and no compiler or make on PATH. The installed
// copy must load its shipped prebuild (no install script, nothing built) from both require and
// import, and serve a real request against the emulator that ships in the same package.
"use strict";

const { execFile } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { npmCli } = require("../environments/common");

const ROOT = path.join(__dirname, "..", "..");
const PLATFORM = `${process.platform}-${process.arch}`;
const LIBC = process.platform === "linux" ? (process.report.getReport().header.glibcVersionRuntime ? "glibc" : "musl") : "";
const PREBUILD_NAME = `fal-native.napi${LIBC ? `.${LIBC}` : ""}.node`;
const PREBUILD = path.join(ROOT, "prebuilds", PLATFORM, PREBUILD_NAME);
const BUILD_TOOLS = ["cc", "gcc", "g++", "c++", "clang", "make", "cmake", "node-gyp"];
/** What a stock Debian/Ubuntu has; libcurl4 is the one a minimal image may need installed. */
const ALLOWED_LIBRARIES = ["libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2"];

jest.setTimeout(180_000);

/** Runs a command and resolves with its output; rejects with both streams when it fails. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 32 * 1024 * 1024, timeout: 150_000, ...options }, (error, stdout, stderr) => {
      if (error) {
        error.message += `\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
        reject(error);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** The environment of a user's shell: no npm_* variables inherited from `npm test`, and a PATH
 * holding only node (and npm run through it), so nothing can compile. */
function userEnv(binDir) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && !/^JEST_/.test(key)) env[key] = value;
  }
  env.PATH = binDir;
  return env;
}

const NPM_CLI = npmCli();

let work;
let project;
let tarball;
let env;

beforeAll(async () => {
  if (!fs.existsSync(PREBUILD)) {
    throw new Error(`No prebuild at ${PREBUILD}: run \`npm run build:prebuild\` (or \`npm run setup\`) first.`);
  }
  if (!fs.existsSync(path.join(ROOT, "dist", "lib", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build:ts` first.");
  }

  work = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-package-"));
  const binDir = path.join(work, "bin");
  fs.mkdirSync(binDir);
  fs.symlinkSync(process.execPath, path.join(binDir, "node"));
  env = userEnv(binDir);

  // --ignore-scripts: the prebuild and dist/ already exist; prepack would rebuild them, which this
  // test must not do while other tests use the same checkout.
  const packDir = path.join(work, "pack");
  fs.mkdirSync(packDir);
  const packed = await run(process.execPath, [NPM_CLI, "pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
    cwd: ROOT,
    env: { ...env, PATH: process.env.PATH },
  });
  tarball = path.join(packDir, JSON.parse(packed.stdout)[0].filename);

  project = path.join(work, "project");
  fs.mkdirSync(project);
  await run(process.execPath, [NPM_CLI, "init", "-y"], { cwd: project, env });
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the tarball ships the prebuild and dist, and has no install script", async () => {
  const { stdout: listing } = await run("tar", ["-tzf", tarball]);
  const files = listing.split("\n");
  expect(files).toContain(`package/prebuilds/${PLATFORM}/${PREBUILD_NAME}`);
  expect(files).toContain("package/dist/lib/index.js");
  expect(files).toContain("package/lib/index.mjs");
  expect(files).toContain("package/CMakeLists.txt"); // building from source stays possible
  expect(files.filter((f) => f.startsWith("package/build/"))).toEqual([]);
  // A binding.gyp at the root would make npm add an implicit `node-gyp rebuild` install script.
  expect(files).not.toContain("package/binding.gyp");

  const { stdout: manifest } = await run("tar", ["-xzOf", tarball, "package/package.json"]);
  const scripts = JSON.parse(manifest).scripts ?? {};
  for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
    expect({ hook, script: scripts[hook] }).toEqual({ hook, script: undefined });
  }
});

test("installs with npm's defaults and no compiler on PATH, then loads the shipped prebuild from require and import", async () => {
  for (const tool of BUILD_TOOLS) {
    expect({ tool, found: env.PATH.split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, tool))) }).toEqual({
      tool,
      found: false,
    });
  }
  const install = await run(process.execPath, [NPM_CLI, "install", tarball], { cwd: project, env });
  // npm 11 names every dependency whose install script it skipped; fal-native must not be one.
  expect(`${install.stdout}${install.stderr}`).not.toMatch(/install-scripts[^\n]*fal-native/);

  const installed = path.join(project, "node_modules", "fal-native");
  const shipped = path.join(installed, "prebuilds", PLATFORM, PREBUILD_NAME);
  expect(fs.existsSync(shipped)).toBe(true);
  expect(fs.existsSync(path.join(installed, "build"))).toBe(false); // nothing was compiled

  // CommonJS: a real subscribe against the emulator from the installed package.
  fs.writeFileSync(
    path.join(project, "subscribe.cjs"),
    `const { createFalClient } = require("fal-native");
const { startEmulator } = require("fal-native/emulator");
(async () => {
  const emu = await startEmulator({ port: 0, quiet: true, apiKey: "k", maxImageSide: 64,
    timing: { queueMs: 5, stepMs: 5, steps: 2, runners: 2 } });
  try {
    const client = createFalClient({ credentials: "k", baseUrls: emu.urls });
    const result = await client.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "a fox", num_images: 1 }, pollInterval: 10 });
    const addons = Object.keys(require.cache).filter((file) => file.endsWith(".node"));
    console.log(JSON.stringify({ requestId: result.requestId, images: result.data.images.length, addons,
      entry: require.resolve("fal-native") }));
  } finally {
    await emu.close();
  }
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  const cjs = JSON.parse((await run(process.execPath, ["subscribe.cjs"], { cwd: project, env, timeout: 60_000 })).stdout);
  expect(cjs.requestId).toEqual(expect.any(String));
  expect(cjs.images).toBe(1);
  expect(cjs.entry).toBe(path.join(installed, "dist", "lib", "index.js"));
  expect(cjs.addons).toEqual([fs.realpathSync(shipped)]);

  // ESM: the named and default imports, and a real request through the `fal` singleton.
  fs.writeFileSync(
    path.join(project, "subscribe.mjs"),
    `import { fal, createFalClient } from "fal-native";
import falNative from "fal-native";
import { startEmulator } from "fal-native/emulator";
import { createRequire } from "node:module";
const emu = await startEmulator({ port: 0, quiet: true, apiKey: "k", maxImageSide: 64,
  timing: { queueMs: 5, stepMs: 5, steps: 2, runners: 2 } });
try {
  fal.config({ credentials: "k", baseUrls: emu.urls });
  const result = await fal.subscribe("fal-ai/flux-1/schnell", { input: { prompt: "an owl" }, pollInterval: 10 });
  const addons = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.endsWith(".node"));
  console.log(JSON.stringify({ requestId: result.requestId, sameFal: falNative.fal === fal,
    createFalClient: typeof createFalClient, addons }));
} finally {
  await emu.close();
}
process.exit(0);
`,
  );
  const esm = JSON.parse((await run(process.execPath, ["subscribe.mjs"], { cwd: project, env, timeout: 60_000 })).stdout);
  expect(esm).toEqual({
    requestId: expect.any(String),
    sameFal: true,
    createFalClient: "function",
    addons: [fs.realpathSync(shipped)],
  });

  // What the shipped binary asks of the host: the C/C++ runtime only. libcurl, OpenSSL, nghttp2,
  // zlib and simdjson are compiled in.
  if (process.platform === "linux") {
    const { stdout: ldd } = await run("ldd", [shipped]);
    expect(ldd).not.toMatch(/simdjson/);
    expect(ldd).not.toMatch(/not found/);
    const { stdout: dynamic } = await run("readelf", ["-d", shipped]);
    const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
    expect(needed).not.toContain("libcurl.so.4");
    expect(needed.filter((lib) => !ALLOWED_LIBRARIES.includes(lib))).toEqual([]);
  }
});

// The Electron packaging instructions must unpack the binaries an installed package really has:
// every .node in the installed tarball is matched by the example's asarUnpack patterns, and the
// electron-builder snippet of docs/electron.md names the same patterns.
test("the documented Electron asarUnpack patterns match every binary of the installed package", () => {
  const { minimatch } = require("minimatch");
  const installed = path.join(project, "node_modules", "fal-native");
  expect(fs.existsSync(installed)).toBe(true); // installed by the test above
  const binaries = fs
    .readdirSync(installed, { recursive: true })
    .filter((file) => String(file).endsWith(".node"))
    .map((file) => path.posix.join("node_modules", "fal-native", String(file).split(path.sep).join("/")));
  expect(binaries.length).toBeGreaterThan(0);

  const example = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "electron", "package.json"), "utf8"));
  const patterns = example.build.asarUnpack;
  for (const binary of binaries) {
    expect({ binary, unpacked: patterns.some((pattern) => minimatch(binary, pattern, { dot: true })) }).toEqual({ binary, unpacked: true });
  }
  const guide = fs.readFileSync(path.join(ROOT, "docs", "electron.md"), "utf8");
  const snippet = /"asarUnpack": (\[[^\]]*\])/.exec(guide);
  expect(snippet).not.toBeNull();
  expect(JSON.parse(snippet[1])).toEqual(patterns);
});
