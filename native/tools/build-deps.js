#!/usr/bin/env node
// Builds the network stack that is linked into the addon (zlib, OpenSSL 3, nghttp2, libcurl: static,
// PIC) for linux-x64 and/or linux-arm64, and prints where it is:
//
//   node native/tools/build-deps.js --arch x64,arm64     build (or reuse) and print the prefixes
//   node native/tools/build-deps.js --fetch-only          only download and verify the sources
//   node native/tools/build-deps.js --print-sha256        hashes of the cached tarballs (for bumps)
//   node native/tools/build-deps.js --check-sources       exit 0 when all sources are cached
//
// 1. Sources: the upstream .orig tarballs named in native/deps/pins.json, fetched with
//    `apt-get source --download-only` (needs the deb-src entries .ci/setup.sh adds) into
//    $FAL_NATIVE_DEPS_CACHE (default ~/.cache/fal-native/deps; outside the repository, so it
//    survives `git clean`), checked against the pinned SHA-256 and, where the source package carries
//    it, upstream's signature (gpgv).
// 2. Build: native/deps/CMakeLists.txt (ExternalProject superbuild) into a prefix in the cache keyed
//    by a hash of the pins, the build files and the compiler, then copied to build/deps/linux-<arch>/
//    (include/, lib/), which CMakeLists.txt links. An unchanged key costs nothing.
"use strict";

const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const DEPS_DIR = path.join(ROOT, "native", "deps");
const PINS_FILE = path.join(DEPS_DIR, "pins.json");
const ARCHES = {
  x64: { openssl: "linux-x86_64", toolchain: undefined, cc: "gcc", crossPrefix: "" },
  arm64: {
    openssl: "linux-aarch64",
    toolchain: path.join(DEPS_DIR, "toolchains", "aarch64-linux-gnu.cmake"),
    cc: "aarch64-linux-gnu-gcc",
    crossPrefix: "aarch64-linux-gnu-",
  },
};

class DepsError extends Error {}

function log(message) {
  console.error(`build-deps: ${message}`);
}

function cacheDir() {
  return process.env.FAL_NATIVE_DEPS_CACHE || path.join(os.homedir(), ".cache", "fal-native", "deps");
}

function readPins() {
  return JSON.parse(fs.readFileSync(PINS_FILE, "utf8")).packages;
}

function sha256File(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: "utf8", ...options });
}

/** Whether every pinned tarball (and what verifies it) is cached with the right SHA-256. */
function sourcesCached() {
  const srcDir = path.join(cacheDir(), "src");
  return Object.values(readPins()).every((pin) => {
    const files = [pin.tarball, ...(pin.signature === "gpgv" ? [`${pin.tarball}.asc`, pin.keyFrom] : [])];
    return files.every((f) => fs.existsSync(path.join(srcDir, f))) && sha256File(path.join(srcDir, pin.tarball)) === pin.sha256;
  });
}

/** Downloads one package's source files unless its tarball is already cached and intact. */
function fetchPackage(name, pin, srcDir) {
  const tarball = path.join(srcDir, pin.tarball);
  const needKey = pin.signature === "gpgv";
  const have = (file) => fs.existsSync(path.join(srcDir, file));
  const complete = () =>
    have(pin.tarball) && (!needKey || (have(`${pin.tarball}.asc`) && have(pin.keyFrom)));
  if (!complete() || sha256File(tarball) !== pin.sha256) {
    const spec = `${pin.source}=${pin.debianVersion}`;
    log(`fetching ${spec} (apt-get source --download-only) into ${srcDir}`);
    const result = run("apt-get", ["source", "--download-only", "-q", spec], { cwd: srcDir });
    // Some mirrors serve a package's .orig tarball but no longer its .dsc or Debian tarball; apt-get
    // then fails although what we need arrived. Whether it did is decided below, not by its status.
    if (!complete()) {
      throw new DepsError(
        `could not download ${pin.tarball}${needKey ? ` (+ .asc, ${pin.keyFrom})` : ""} with ` +
          `\`apt-get source --download-only ${spec}\`:\n${(result.stderr || result.error || "").toString().trim()}\n` +
          "The deb-src entries may be missing: run `bash .ci/setup.sh` (adds " +
          "/etc/apt/sources.list.d/fal-native-deb-src.sources and runs apt-get update).",
      );
    }
  }
  const actual = sha256File(tarball);
  if (actual !== pin.sha256) {
    throw new DepsError(
      `SHA-256 mismatch for ${tarball}\n  expected ${pin.sha256} (native/deps/pins.json, ${name})\n` +
        `  actual   ${actual}\nRefusing to build from it. Delete the file to download it again; if the ` +
        "pin is meant to change, update native/deps/pins.json.",
    );
  }
  if (needKey) verifySignature(name, pin, srcDir);
  return tarball;
}

/** Checks upstream's detached signature with the key Debian ships in debian/upstream/signing-key.asc. */
function verifySignature(name, pin, srcDir) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "fal-deps-gpg-"));
  try {
    const extract = run("tar", ["-xf", path.join(srcDir, pin.keyFrom), "-C", work, "debian/upstream/signing-key.asc"]);
    if (extract.status !== 0) throw new DepsError(`${pin.keyFrom} has no debian/upstream/signing-key.asc: ${extract.stderr}`);
    const keyring = path.join(work, "keyring.gpg");
    const armored = fs.readFileSync(path.join(work, "debian", "upstream", "signing-key.asc"));
    const dearmor = run("gpg", ["--batch", "--quiet", "--homedir", work, "--dearmor"], { input: armored, encoding: "buffer" });
    if (dearmor.status !== 0) throw new DepsError(`gpg --dearmor failed for ${name}'s signing key (is gpg installed?)`);
    fs.writeFileSync(keyring, dearmor.stdout);
    const tarball = path.join(srcDir, pin.tarball);
    const verify = run("gpgv", ["--keyring", keyring, `${tarball}.asc`, tarball]);
    if (verify.status !== 0) {
      throw new DepsError(`upstream signature check failed for ${pin.tarball}:\n${verify.stderr || verify.error}`);
    }
    const signer = /using \w+ key (\w+)/.exec(verify.stderr);
    log(`${pin.tarball}: sha256 ok, upstream signature ok${signer ? ` (key ${signer[1]})` : ""}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Fetches and verifies every pinned source; returns name -> { tarball, sha256 }. */
function fetchSources() {
  const srcDir = path.join(cacheDir(), "src");
  fs.mkdirSync(srcDir, { recursive: true });
  const pins = readPins();
  const out = {};
  for (const [name, pin] of Object.entries(pins)) {
    out[name] = { tarball: fetchPackage(name, pin, srcDir), sha256: pin.sha256 };
  }
  return out;
}

/** What the built prefix depends on: pins, build files, compiler. A change means a rebuild. */
function buildKey(arch) {
  const spec = ARCHES[arch];
  const hash = crypto.createHash("sha256");
  hash.update(`arch=${arch}\n`);
  // Paths relative to the checkout: a clone elsewhere (CI) must reuse the same cached build.
  hash.update(JSON.stringify({ ...spec, toolchain: spec.toolchain && path.relative(ROOT, spec.toolchain) }));
  for (const file of [PINS_FILE, path.join(DEPS_DIR, "CMakeLists.txt"), spec.toolchain].filter(Boolean)) {
    hash.update(`${path.basename(file)}\n`).update(fs.readFileSync(file));
  }
  const cc = run(spec.cc, ["--version"]);
  if (cc.status !== 0) {
    throw new DepsError(
      `${spec.cc} not found` + (arch === "arm64" ? " (apt-get install -y g++-aarch64-linux-gnu)" : " (apt-get install -y g++)"),
    );
  }
  hash.update(cc.stdout);
  return hash.digest("hex").slice(0, 16);
}

function devPrefix(arch) {
  return path.join(ROOT, "build", "deps", `linux-${arch}`);
}

const STAMP = ".fal-deps-key";

function readStamp(dir) {
  try {
    return fs.readFileSync(path.join(dir, STAMP), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Builds (or reuses) the deps for one architecture; returns the prefix under build/deps/. */
function ensureDeps(arch, { jobs } = {}) {
  if (process.platform !== "linux") throw new DepsError("the bundled network stack is built on Linux only");
  if (!ARCHES[arch]) throw new DepsError(`unknown --arch ${arch} (known: ${Object.keys(ARCHES).join(", ")})`);
  const key = buildKey(arch);
  const target = devPrefix(arch);
  if (readStamp(target) === key) return target;

  const cached = path.join(cacheDir(), "prefix", `linux-${arch}-${key}`);
  if (readStamp(cached) !== key) {
    const sources = fetchSources();
    const started = Date.now();
    const work = path.join(cacheDir(), "work", `linux-${arch}-${key}`);
    // Leftovers of earlier (failed or superseded) builds for this arch go first.
    for (const dir of ["work", "prefix"]) {
      const parent = path.join(cacheDir(), dir);
      for (const entry of fs.existsSync(parent) ? fs.readdirSync(parent) : []) {
        if (entry.startsWith(`linux-${arch}-`)) fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
      }
    }
    fs.mkdirSync(work, { recursive: true });
    log(`building zlib, OpenSSL, nghttp2, curl for linux-${arch} in ${work} (a few minutes, once)`);
    const args = ["-S", DEPS_DIR, "-B", work, `-DFAL_DEPS_PREFIX=${cached}`, `-DFAL_OPENSSL_TARGET=${ARCHES[arch].openssl}`];
    if (ARCHES[arch].toolchain) args.push(`-DCMAKE_TOOLCHAIN_FILE=${ARCHES[arch].toolchain}`);
    for (const [name, source] of Object.entries(sources)) {
      args.push(`-DFAL_${name.toUpperCase()}_TARBALL=${source.tarball}`, `-DFAL_${name.toUpperCase()}_SHA256=${source.sha256}`);
    }
    const logFile = path.join(work, "build.log");
    const step = (command, stepArgs) => {
      const fd = fs.openSync(logFile, "a");
      const result = spawnSync(command, stepArgs, { stdio: ["ignore", fd, fd], env: { ...process.env, ...(jobs ? { CMAKE_BUILD_PARALLEL_LEVEL: String(jobs) } : {}) } });
      fs.closeSync(fd);
      if (result.status !== 0) {
        const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n");
        throw new DepsError(`${command} ${stepArgs.join(" ")} failed (full log: ${logFile}):\n${tail}`);
      }
    };
    step("cmake", args);
    step("cmake", ["--build", work]);
    for (const lib of ["libcurl.a", "libnghttp2.a", "libssl.a", "libcrypto.a", "libz.a"]) {
      if (!fs.existsSync(path.join(cached, "lib", lib))) throw new DepsError(`the deps build produced no ${lib} (log: ${logFile})`);
    }
    // Only what the addon links against is kept: headers and static archives.
    for (const extra of ["bin", "share", path.join("lib", "pkgconfig"), path.join("lib", "cmake")]) {
      fs.rmSync(path.join(cached, extra), { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(cached, STAMP), `${key}\n`);
    fs.rmSync(work, { recursive: true, force: true });
    log(`built linux-${arch} deps in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(cached, target, { recursive: true });
  return target;
}

function parseArches(value) {
  const arches = (value || "x64").split(",").map((a) => a.trim()).filter(Boolean);
  for (const arch of arches) if (!ARCHES[arch]) throw new DepsError(`unknown arch ${arch} (known: ${Object.keys(ARCHES).join(", ")})`);
  return arches;
}

function main(argv) {
  const options = { arch: os.arch() === "arm64" ? "arm64" : "x64" };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--arch") options.arch = argv[++i];
    else if (arg.startsWith("--arch=")) options.arch = arg.slice("--arch=".length);
    else if (arg === "--fetch-only") options.fetchOnly = true;
    else if (arg === "--print-sha256") options.printSha = true;
    else if (arg === "--check-sources") options.checkSources = true;
    else throw new DepsError(`unknown argument ${arg}`);
  }
  if (options.printSha) {
    const srcDir = path.join(cacheDir(), "src");
    for (const [name, pin] of Object.entries(readPins())) {
      const file = path.join(srcDir, pin.tarball);
      console.log(`${name} ${pin.tarball} ${fs.existsSync(file) ? sha256File(file) : "(not downloaded)"}`);
    }
    return;
  }
  if (options.checkSources) {
    // Exit status only: 0 when nothing needs downloading (.ci/setup.sh then skips apt-get update).
    process.exit(sourcesCached() ? 0 : 1);
  }
  if (options.fetchOnly) {
    fetchSources();
    return;
  }
  for (const arch of parseArches(options.arch)) console.log(ensureDeps(arch));
}

module.exports = { ensureDeps, fetchSources, buildKey, parseArches, DepsError, ARCHES };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DepsError)) throw error;
    log(error.message);
    process.exit(1);
  }
}
