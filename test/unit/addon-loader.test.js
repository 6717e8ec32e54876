// The addon loader's search order and its fix-it message, with real dynamic-loader failures: a
// missing file, a file that is not a binary, and a copy of the real addon whose libcurl dependency
// is renamed so that the system cannot find it.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { addonCandidates, loadFirstAddon, prebuildPath } = require("../../dist/lib/native/loader");
const { describeLoadFailure } = require("../../dist/lib/native/load-error");
const { runNode } = require("../helpers/run-node");
const pkg = require("../../package.json");

const ROOT = path.join(__dirname, "..", "..");
const BUILT = [path.join(ROOT, "build", "Release", "fal_native.node"), path.join(ROOT, "build", "Debug", "fal_native.node")].find(
  (file) => fs.existsSync(file),
);

let dir;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-loader-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The message of the Error thrown by loadFirstAddon for these files (real `require`). */
function failureOf(candidates) {
  try {
    loadFirstAddon(candidates);
  } catch (error) {
    return error.message;
  }
  throw new Error(`expected loading ${candidates.join(", ")} to fail`);
}

describe("search order", () => {
  test("a local build wins over the shipped prebuild; glibc and musl binaries have different names", () => {
    const root = path.join(dir, "pkg");
    const candidates = addonCandidates(root, {});
    const files = candidates.map((candidate) => (typeof candidate === "function" ? candidate() : candidate));
    expect(files).toEqual([
      path.join(root, "build", "Release", "fal_native.node"),
      path.join(root, "build", "Debug", "fal_native.node"),
      expect.stringMatching(/prebuilds[/\\][a-z0-9]+-[a-z0-9]+[/\\]fal-native\.napi(\.glibc|\.musl)?\.node$/),
    ]);
    // The prebuild's name needs the libc check, which is only done when the local builds fail.
    expect(typeof candidates[2]).toBe("function");
    expect(prebuildPath(root, "linux", "x64", "glibc")).toBe(path.join(root, "prebuilds", "linux-x64", "fal-native.napi.glibc.node"));
    expect(prebuildPath(root, "linux", "x64", "musl")).toBe(path.join(root, "prebuilds", "linux-x64", "fal-native.napi.musl.node"));
    expect(prebuildPath(root, "darwin", "arm64")).toBe(path.join(root, "prebuilds", "darwin-arm64", "fal-native.napi.node"));
  });

  test("FAL_NATIVE_BINARY replaces the whole list", () => {
    expect(addonCandidates(dir, { FAL_NATIVE_BINARY: "custom/fal.node" })).toEqual([path.resolve("custom/fal.node")]);
  });

  test("the first file that loads is used (a function candidate is named when reached)", () => {
    const loaded = loadFirstAddon([path.join(dir, "missing.node"), () => BUILT]);
    expect(loaded.file).toBe(BUILT);
    expect(typeof loaded.addon.Client).toBe("function");
  });
});

describe("fix-it message from real load failures", () => {
  test("a library the binary needs is missing: names it, says to install it, and how to build from source", () => {
    const broken = path.join(dir, "needs-missing-lib.node");
    const bytes = fs.readFileSync(BUILT);
    const needed = Buffer.from("libstdc++.so.6\0");
    const at = bytes.indexOf(needed);
    expect(at).toBeGreaterThan(0);
    Buffer.from("libstdq++.so.6\0").copy(bytes, at); // same length: the ELF stays valid
    fs.writeFileSync(broken, bytes);

    const message = failureOf([path.join(dir, "absent.node"), broken]);
    expect(message).toContain(`${path.join(dir, "absent.node")}: not there`);
    expect(message).toContain(`${broken}: needs the shared library libstdq++.so.6, which is not installed`);
    expect(message).toContain("cannot open shared object file");
    expect(message).toContain("Install the package that provides libstdq++.so.6:");
    expect(message).toContain("Or build the addon from source:");
    expect(message).toContain("npm run setup"); // this checkout is not inside node_modules
  });

  test("a file that is not a native binary", () => {
    const text = path.join(dir, "text.node");
    fs.writeFileSync(text, "not an ELF file, just text that is long enough to have a header-sized prefix".repeat(4));
    const message = failureOf([text]);
    expect(message).toMatch(new RegExp(`${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a native binary for this platform \\(`));
    expect(message).toContain("Build the addon from source:");
  });

  test("through the public loader with FAL_NATIVE_BINARY at a missing file: says what was tried, in a fresh process", async () => {
    const script = path.join(dir, "load.js");
    fs.writeFileSync(
      script,
      `try { require(${JSON.stringify(path.join(ROOT, "dist", "lib", "native", "binding.js"))}).loadAddon(); console.log("loaded"); }
       catch (error) { console.log(error.message); }`,
    );
    const missing = path.join(dir, "nowhere", "fal_native.node");
    const { code, stdout } = await runNode(script, [], { env: { ...process.env, FAL_NATIVE_BINARY: missing } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^fal-native: could not load its native addon \([a-z0-9]+-[a-z0-9]+(-glibc|-musl)?\)\. Tried:/);
    expect(stdout).toContain(`${missing}: not there`);
    expect(stdout).toMatch(/There is no prebuilt binary for \S+ in this package, and it was not built from source\./);
  });
});

describe("fix-it message for an installed package", () => {
  const root = path.join(path.sep, "app", "node_modules", "fal-native");
  const prebuild = path.join(root, "prebuilds", "linux-x64", "fal-native.napi.glibc.node");
  const notThere = Object.assign(new Error(`Cannot find module '${root}/build/Release/fal_native.node'`), { code: "MODULE_NOT_FOUND" });
  const messageFor = (error) =>
    describeLoadFailure(
      [
        { file: path.join(root, "build", "Release", "fal_native.node"), error: notThere },
        { file: prebuild, error },
      ],
      { packageRoot: root, target: "linux-x64-glibc" },
    );

  test("missing libcurl: the apt/dnf packages, then the source build with the pinned simdjson", () => {
    const message = messageFor(new Error("libcurl.so.4: cannot open shared object file: No such file or directory"));
    expect(message).toContain(`${prebuild}: needs the shared library libcurl.so.4, which is not installed`);
    expect(message).toContain("sudo apt-get install -y libcurl4");
    expect(message).toContain("sudo dnf install -y libcurl");
    expect(message).toContain("sudo apt-get install -y cmake g++ make libcurl4-openssl-dev");
    expect(message).toContain(`npm install --save-dev cmake-js node-addon-api @nozbe/simdjson@${pkg.devDependencies["@nozbe/simdjson"]}`);
    expect(message).toContain(`npm run build:native --prefix "${root}"`);
  });

  test("glibc too old: no package to install, build from source", () => {
    const message = messageFor(new Error(`/lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.34' not found (required by ${prebuild})`));
    expect(message).toContain(`${prebuild}: needs glibc 2.34 or newer`);
    expect(message).not.toContain("Install the package");
    expect(message).toContain("Build the addon from source:");
  });

  test("no prebuild for this platform (e.g. musl): says so", () => {
    const message = describeLoadFailure([{ file: prebuild.replace("glibc", "musl"), error: notThere }], {
      packageRoot: root,
      target: "linux-x64-musl",
    });
    expect(message).toContain("There is no prebuilt binary for linux-x64-musl in this package");
  });
});
