#!/usr/bin/env node
// Makes the prebuilt binaries that ship in the npm tarball:
//   prebuilds/<platform>-<arch>/fal-native.napi[.glibc|.musl].node
// (the name lib/native/loader.ts looks for). Builds in build/prebuild/<platform>-<arch>/, so it never
// disturbs the development build in build/Release.
//
// On Linux it builds linux-x64 and linux-arm64 (cross-compiled with Debian's aarch64-linux-gnu
// toolchain), each with the bundled network stack (native/tools/build-deps.js: static curl,
// nghttp2, OpenSSL, zlib, symbols hidden), strips them and fails unless each binary
//   - needs only libc, libm, libstdc++, libgcc_s and the dynamic loader,
//   - needs glibc 2.34 or older,
//   - exports nothing but the Node-API entry points, and leaves no TLS/HTTP/zlib symbol for the host
//     (e.g. the node executable's own OpenSSL) to bind,
//   - loads in this node (host architecture only).
//
//   node native/tools/prebuild.js [--arch x64,arm64]
// Default on a linux-x64 host: x64,arm64 (arm64 is skipped with a warning when the cross compiler is
// not installed; naming it in --arch makes that an error). Elsewhere: the host platform only.
// Run by `npm run build:prebuild`, `npm pack`/`npm publish` (prepack) and .ci/setup.sh.
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const GLIBC_FLOOR = "2.34";
const ALLOWED_NEEDED = [/^libc\.so\.6$/, /^libm\.so\.6$/, /^libstdc\+\+\.so\.6$/, /^libgcc_s\.so\.1$/, /^ld-linux[-\w.]*\.so\.\d+$/];
const ALLOWED_EXPORTS = new Set(["napi_register_module_v1", "node_api_module_get_api_version_v1"]);
// Symbols of the bundled libraries: none may be left for another object (the node binary exports
// its own OpenSSL and zlib) to satisfy.
const BUNDLED_SYMBOL = /^(SSL_|SSL\b|EVP_|X509|OPENSSL_|OSSL_|CRYPTO_|BIO_|ERR_|PEM_|RAND_|curl_|Curl_|nghttp2_|deflate|inflate|crc32|adler32|zlib|gz)/;
const MACHINE = { x64: "Advanced Micro Devices X86-64", arm64: "AArch64" };

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function libc() {
  if (process.platform !== "linux") return undefined;
  return process.report.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20, ...options });
  return result.status === 0 ? result.stdout : undefined;
}

function hasCommand(command) {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--arch") options.arch = argv[++i];
    else if (arg.startsWith("--arch=")) options.arch = arg.slice("--arch=".length);
    else fail(`unknown argument ${arg}`);
  }
  return options;
}

function defaultArches() {
  if (process.platform !== "linux") return [process.arch];
  if (process.arch !== "x64") return [process.arch];
  if (hasCommand("aarch64-linux-gnu-g++")) return ["x64", "arm64"];
  console.warn("prebuild: WARNING: aarch64-linux-gnu-g++ not found (apt-get install g++-aarch64-linux-gnu); " +
    "not building prebuilds/linux-arm64 (an old one there would ship as is)");
  return ["x64"];
}

function cmakeJs() {
  try {
    return require.resolve("cmake-js/bin/cmake-js", { paths: [ROOT] });
  } catch {
    return fail("cmake-js is not installed: run `npm install` in the repository first");
  }
}

function build(arch) {
  const platformArch = `${process.platform}-${arch}`;
  const outDir = path.join("build", "prebuild", platformArch);
  const args = ["--out", outDir, "--arch", arch];
  if (process.platform === "linux") {
    const { ensureDeps, DepsError, ARCHES } = require("./build-deps");
    let prefix;
    try {
      prefix = ensureDeps(arch);
    } catch (error) {
      if (error instanceof DepsError) fail(`cannot build the bundled network stack for ${platformArch}: ${error.message}`);
      throw error;
    }
    args.push("--CDFAL_NATIVE_NETWORK=bundled", `--CDFAL_NATIVE_DEPS_PREFIX=${prefix}`);
    if (ARCHES[arch].toolchain) args.push(`--CDCMAKE_TOOLCHAIN_FILE=${ARCHES[arch].toolchain}`);
  }
  // configure, then build (`cmake-js compile` would not re-configure an existing build directory).
  for (const command of ["configure", "build"]) {
    const result = spawnSync(process.execPath, [cmakeJs(), command, ...args], { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) fail(`cmake-js ${command} --out ${outDir} --arch ${arch} failed (exit ${result.status})`);
  }
  return path.join(ROOT, outDir, "Release", "fal_native.node");
}

function install(built, arch) {
  const tags = libc() ? `napi.${libc()}` : "napi";
  const dir = path.join(ROOT, "prebuilds", `${process.platform}-${arch}`);
  const target = path.join(dir, `fal-native.${tags}.node`);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(built, target);
  if (process.platform === "linux") {
    const strip = arch === process.arch ? "strip" : `${require("./build-deps").ARCHES[arch].crossPrefix}strip`;
    if (run(strip, ["--strip-all", target]) === undefined) fail(`${strip} --strip-all ${target} failed`);
  }
  return target;
}

/** Loads the binary in a fresh process, where a missing library shows up as it would for a user. */
function checkLoads(target) {
  const probe = `const a = require(${JSON.stringify(target)}); if (typeof a.Client !== "function") process.exit(3);`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  if (result.status !== 0) fail(`the binary does not load:\n${result.stderr}`);
  // Where the dynamic linker bound each symbol: nothing of ours may resolve into the node binary
  // (which exports its own OpenSSL and zlib).
  const bindings = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", env: { ...process.env, LD_DEBUG: "bindings" } });
  const name = path.basename(target);
  const wrong = bindings.stderr
    .split("\n")
    .filter((line) => line.includes(name) && / to \S*node \[/.test(line))
    .filter((line) => { const m = /symbol `([^'`]+)'/.exec(line); return m && BUNDLED_SYMBOL.test(m[1]); });
  if (wrong.length > 0) fail(`symbols bound to the node executable instead of the bundled libraries:\n${wrong.join("\n")}`);
}

function compareVersions(a, b) {
  return a.localeCompare(b, undefined, { numeric: true });
}

/** Linux: what the binary asks of the host system, checked against what we promise. */
function checkLinuxNeeds(target, arch, bundled) {
  const readelf = hasCommand("readelf") ? "readelf" : "aarch64-linux-gnu-readelf";
  const header = run(readelf, ["-h", target]);
  if (header === undefined) fail("readelf not found (apt-get install binutils)");
  const machine = /Machine:\s+(.+)/.exec(header)?.[1].trim();
  if (MACHINE[arch] && machine !== MACHINE[arch]) fail(`${target} is built for ${machine}, not ${arch}`);

  const dynamic = run(readelf, ["-d", target]) ?? "";
  const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
  const symbols = (run(readelf, ["--dyn-syms", "-W", target]) ?? "")
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]))
    .map(([, , , type, bind, vis, ndx, name]) => ({ type, bind, vis, ndx, name }));
  const glibc = [...new Set(symbols.flatMap((s) => [...s.name.matchAll(/@GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1])))].sort(compareVersions);
  const floor = glibc[glibc.length - 1];
  const exported = symbols
    .filter((s) => s.ndx !== "UND" && s.bind !== "LOCAL" && s.vis === "DEFAULT" && s.type !== "SECTION" && s.type !== "FILE")
    .map((s) => s.name.replace(/@.*/, ""));
  const undefinedBundled = symbols.filter((s) => s.ndx === "UND" && BUNDLED_SYMBOL.test(s.name.replace(/@.*/, ""))).map((s) => s.name);

  const size = fs.statSync(target).size;
  console.log(`prebuild: ${path.relative(ROOT, target)}: ${machine}, ${(size / 1048576).toFixed(2)} MiB (${size} bytes)`);
  console.log(`prebuild:   needs ${needed.join(", ")}`);
  console.log(`prebuild:   needs glibc ${floor ?? "(no versioned symbols)"} or newer (promised: ${GLIBC_FLOOR})`);
  console.log(`prebuild:   exports ${exported.join(", ") || "(nothing)"}`);

  if (needed.some((lib) => /simdjson/.test(lib))) fail("the binary links libsimdjson dynamically; it must be compiled in");
  if (bundled) {
    const unexpected = needed.filter((lib) => !ALLOWED_NEEDED.some((re) => re.test(lib)));
    if (unexpected.length > 0) fail(`the binary needs ${unexpected.join(", ")}; only libc, libm, libstdc++, libgcc_s and ld-linux are allowed`);
    if (floor && compareVersions(floor, GLIBC_FLOOR) > 0) {
      const offenders = symbols.filter((s) => s.name.includes(`@GLIBC_${floor}`)).map((s) => s.name);
      fail(`the binary needs glibc ${floor} (> ${GLIBC_FLOOR}) for: ${offenders.join(", ")}`);
    }
    const extra = exported.filter((name) => !ALLOWED_EXPORTS.has(name));
    if (extra.length > 0) fail(`the binary exports more than the Node-API entry points: ${extra.slice(0, 20).join(", ")}${extra.length > 20 ? ", ..." : ""}`);
    if (undefinedBundled.length > 0) fail(`the binary leaves bundled-library symbols undefined: ${undefinedBundled.join(", ")}`);
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const arches = options.arch ? options.arch.split(",").map((a) => a.trim()).filter(Boolean) : defaultArches();
  for (const arch of arches) {
    if (process.platform === "linux" && !["x64", "arm64"].includes(arch)) fail(`unsupported --arch ${arch} (x64, arm64)`);
    if (process.platform !== "linux" && arch !== process.arch) fail(`cross-compiling is supported on Linux only (asked for ${arch})`);
  }
  for (const arch of arches) {
    console.log(`prebuild: building ${process.platform}-${arch}`);
    const target = install(build(arch), arch);
    if (arch === process.arch) checkLoads(target);
    if (process.platform === "linux") checkLinuxNeeds(target, arch, true);
    console.log(`prebuild: wrote ${path.relative(ROOT, target)}`);
  }
}

main();
