#!/usr/bin/env node
// Proves native/*.cc compiles for Windows x64 without a Windows machine: each file is compiled to
// an object (-c, no link: linking needs node.lib) with Debian's MinGW-w64 cross compiler, posix
// threads variant (std::thread/std::mutex need it):
//   apt-get install g++-mingw-w64-x86-64      ->  x86_64-w64-mingw32-g++-posix
//
// Against: node-api-headers, node-addon-api, the simdjson amalgamation (npm), and curl headers,
// first found of
//   $FAL_CURL_INCLUDE                               a directory holding curl/curl.h
//   build/deps/<platform>-<arch>/include            the bundled build's install (build-deps.js)
//   ~/.cache/fal-native/deps/prefix/*/include       a finished prefix in build-deps.js's cache
//   ~/.cache/fal-native/deps/src/curl_*.orig.tar.*  the bundled build's source tarball (headers only)
// (~/.cache/fal-native/deps is $FAL_NATIVE_DEPS_CACHE when set, as in build-deps.js)
//   /usr/include[/<multiarch>]/curl                 libcurl4-openssl-dev (fallback; copied alone into
//                                                   build/windows-check so no glibc header leaks in)
// with the definitions of the bundled CMake build (CURL_STATICLIB, NAPI_VERSION=9, NODE_ADDON_API_*).
// FAL_NATIVE_BUNDLED_OPENSSL=1 is defined only when OpenSSL headers sit next to the bundled curl
// ones (they are configured for the build host, not Windows; the public SSL/X509 API is the same).
//
// MSVC differs from MinGW in one way that matters here: its <windows.h> (pulled in by curl.h)
// defines min/max macros in C++ too, where MinGW's libstdc++ removes them. Every file that includes
// curl.h is therefore compiled through a wrapper that includes the standard headers, then curl.h,
// then defines min/max the way MSVC does, so `std::min(a, b)` fails here as it would there.
//
// Usage: node native/tools/check-windows-compile.js [--json] [--with-simdjson] [--cxx <compiler>]
//   --json           print one JSON report on stdout (used by test/integration/windows-compile.test.js)
//   --with-simdjson  also compile simdjson.cpp (slow; upstream tests it on Windows)
// Exit 0: every file compiled. 1: a file failed. 2: no compiler or no curl headers.
"use strict";

const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const NATIVE = path.join(ROOT, "native");
const OUT = path.join(ROOT, "build", "windows-check");
const DEFAULT_CXX = "x86_64-w64-mingw32-g++-posix";
const APT_PACKAGE = "g++-mingw-w64-x86-64";

const args = process.argv.slice(2);
const asJson = args.includes("--json");
const withSimdjson = args.includes("--with-simdjson");
const cxx = args.includes("--cxx") ? args[args.indexOf("--cxx") + 1] : process.env.FAL_MINGW_CXX || DEFAULT_CXX;

function log(message) {
  if (!asJson) console.log(`check-windows-compile: ${message}`);
}

function exitWith(code, report) {
  if (asJson) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else if (report.error) console.error(`check-windows-compile: ${report.error}`);
  process.exit(code);
}

function npmDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
  } catch {
    return undefined;
  }
}

function curlVersion(includeDir) {
  const text = fs.readFileSync(path.join(includeDir, "curl", "curlver.h"), "utf8");
  const match = text.match(/#define LIBCURL_VERSION "([^"]+)"/);
  return match ? match[1] : "unknown";
}

/** Copies only <from>/curl into <to>/curl, so the include path holds nothing else. */
function stageCurl(from, to) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  fs.cpSync(path.join(from, "curl"), path.join(to, "curl"), { recursive: true });
  return to;
}

/** { dir, source, openssl } for the curl headers to compile against, or undefined. */
function findCurlHeaders() {
  const has = (dir) => fs.existsSync(path.join(dir, "curl", "curl.h"));
  if (process.env.FAL_CURL_INCLUDE) {
    const dir = path.resolve(process.env.FAL_CURL_INCLUDE);
    return has(dir) ? { dir, source: "FAL_CURL_INCLUDE" } : undefined;
  }
  // The bundled build's install prefix, newest first.
  const depsRoot = path.join(ROOT, "build", "deps");
  const prefixes = fs.existsSync(depsRoot)
    ? fs.readdirSync(depsRoot).map((name) => path.join(depsRoot, name, "include")).filter(has)
    : [];
  prefixes.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (prefixes.length > 0) {
    const dir = prefixes[0];
    const openssl = fs.existsSync(path.join(dir, "openssl", "ssl.h")) ? dir : undefined;
    return { dir, source: "bundled build (build/deps)", openssl };
  }
  // A finished prefix in build-deps.js's cache (it writes .fal-deps-key last).
  const cache = process.env.FAL_NATIVE_DEPS_CACHE || path.join(os.homedir(), ".cache", "fal-native", "deps");
  const cachedRoot = path.join(cache, "prefix");
  const cached = fs.existsSync(cachedRoot)
    ? fs.readdirSync(cachedRoot)
        .map((name) => path.join(cachedRoot, name))
        .filter((prefix) => fs.existsSync(path.join(prefix, ".fal-deps-key")) && has(path.join(prefix, "include")))
    : [];
  cached.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (cached.length > 0) {
    const dir = path.join(cached[0], "include");
    const openssl = fs.existsSync(path.join(dir, "openssl", "ssl.h")) ? dir : undefined;
    return { dir, source: `bundled build (${cached[0]})`, openssl };
  }
  // The bundled build's source tarball: extract include/curl only.
  const srcCache = path.join(cache, "src");
  const tarballs = fs.existsSync(srcCache)
    ? fs.readdirSync(srcCache).filter((name) => /^curl[-_][\d.]+(\.orig)?\.tar\.(gz|xz|bz2)$/.test(name)).sort()
    : [];
  if (tarballs.length > 0) {
    const tarball = path.join(srcCache, tarballs[tarballs.length - 1]);
    const scratch = path.join(OUT, "curl-src");
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    const result = spawnSync("tar", ["-xf", tarball, "-C", scratch, "--wildcards", "*/include/curl/*.h"], { encoding: "utf8" });
    const top = result.status === 0 ? fs.readdirSync(scratch).find((name) => has(path.join(scratch, name, "include"))) : undefined;
    if (top) {
      const dir = stageCurl(path.join(scratch, top, "include"), path.join(OUT, "curl-include"));
      return { dir, source: `bundled source tarball (${tarball})` };
    }
  }
  // The system's development headers.
  const system = ["/usr/include", ...fs.readdirSync("/usr/include").map((name) => path.join("/usr/include", name))]
    .filter((dir) => fs.statSync(dir).isDirectory() && has(dir));
  if (system.length > 0) {
    const dir = stageCurl(system[0], path.join(OUT, "curl-include"));
    return { dir, source: `system headers (${path.join(system[0], "curl")}); bundled curl headers not built yet` };
  }
  return undefined;
}

/** The native files a source includes with "...", transitively. */
function localIncludes(file, seen = new Set()) {
  const text = fs.readFileSync(file, "utf8");
  for (const match of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    const included = path.join(path.dirname(file), match[1]);
    if (!seen.has(included) && fs.existsSync(included)) {
      seen.add(included);
      localIncludes(included, seen);
    }
  }
  return seen;
}

function includesCurl(file) {
  return [file, ...localIncludes(file)].some((f) => /#\s*include\s+<curl\/curl\.h>/.test(fs.readFileSync(f, "utf8")));
}

/** The C++ standard headers native/ uses (<name> with no dot or slash). */
function standardHeaders(sources) {
  const names = new Set();
  for (const file of sources.flatMap((s) => [s, ...localIncludes(s)])) {
    for (const match of fs.readFileSync(file, "utf8").matchAll(/^\s*#\s*include\s+<([a-z_]+)>/gm)) names.add(match[1]);
  }
  return [...names].sort();
}

/** A wrapper that makes MinGW see min/max as MSVC's <windows.h> leaves them (see the header). */
function msvcWrapper(source, headers) {
  const lines = [
    "// Generated by native/tools/check-windows-compile.js: MSVC's <windows.h> min/max macros.",
    ...headers.map((name) => `#include <${name}>`),
    "#include <curl/curl.h>",
    "#define min(a, b) (((a) < (b)) ? (a) : (b))",
    "#define max(a, b) (((a) > (b)) ? (a) : (b))",
    `#include ${JSON.stringify(source)}`,
    "",
  ];
  const wrapper = path.join(OUT, "msvc-wrappers", path.basename(source));
  fs.mkdirSync(path.dirname(wrapper), { recursive: true });
  fs.writeFileSync(wrapper, lines.join("\n"));
  return wrapper;
}

function compile(command, argv) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: ROOT });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ status: -1, output: String(error) }));
    child.on("close", (status) => resolve({ status, output }));
  });
}

async function main() {
  const report = { compiler: cxx, command: undefined, curl: undefined, openssl: false, notes: [], results: [] };
  const version = spawnSync(cxx, ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    report.error = `${cxx} not found: install it with \`apt-get install -y ${APT_PACKAGE}\` (Debian/Ubuntu)`;
    return exitWith(2, report);
  }
  report.compilerVersion = version.stdout.split("\n")[0];

  const napiHeaders = npmDir("node-api-headers");
  const addonApi = npmDir("node-addon-api");
  const simdjson = npmDir("@nozbe/simdjson");
  const missing = [["node-api-headers", napiHeaders], ["node-addon-api", addonApi], ["@nozbe/simdjson", simdjson]]
    .filter(([, dir]) => !dir)
    .map(([name]) => name);
  if (missing.length > 0) {
    report.error = `npm packages missing: ${missing.join(", ")} (run npm install)`;
    return exitWith(2, report);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const curl = findCurlHeaders();
  if (!curl) {
    report.error = "no curl headers: build the bundled deps (node native/tools/build-deps.js) or apt-get install libcurl4-openssl-dev";
    return exitWith(2, report);
  }
  report.curl = { include: curl.dir, source: curl.source, version: curlVersion(curl.dir) };
  log(`${report.compilerVersion}`);
  log(`curl ${report.curl.version} headers from ${curl.source}`);

  // The definitions of the bundled build (CMakeLists.txt, target fal_native and fal_network).
  const defines = [
    "NAPI_VERSION=9",
    "NODE_ADDON_API_DISABLE_DEPRECATED",
    "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
    "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
    "NODE_ADDON_API_CPP_EXCEPTIONS",
    "CURL_STATICLIB",
  ];
  if (curl.openssl) {
    defines.push("FAL_NATIVE_BUNDLED_OPENSSL=1");
    report.openssl = true;
    report.notes.push("FAL_NATIVE_BUNDLED_OPENSSL=1 with the bundled OpenSSL headers (configured for the build host, not Windows)");
  } else {
    report.notes.push("FAL_NATIVE_BUNDLED_OPENSSL off: no bundled OpenSSL headers next to the curl headers");
  }
  if (!curl.source.startsWith("bundled build")) report.notes.push(`curl headers: ${curl.source}`);

  const common = [
    "-std=c++17",
    "-c",
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
    ...defines.map((d) => `-D${d}`),
    `-I${NATIVE}`,
    `-I${path.join(napiHeaders, "include")}`,
    `-I${addonApi}`,
    "-isystem",
    path.join(simdjson, "src"),
    "-isystem",
    curl.dir,
    ...(curl.openssl && curl.openssl !== curl.dir ? ["-isystem", curl.openssl] : []),
  ];
  report.command = [cxx, ...common, "<file>.cc", "-o", "<file>.obj"].join(" ");

  const sources = fs.readdirSync(NATIVE).filter((name) => name.endsWith(".cc")).sort().map((name) => path.join(NATIVE, name));
  if (withSimdjson) sources.push(path.join(simdjson, "src", "simdjson.cpp"));
  const headers = standardHeaders(sources.filter((s) => s.startsWith(NATIVE)));
  const objDir = path.join(OUT, "obj");
  fs.rmSync(objDir, { recursive: true, force: true });
  fs.mkdirSync(objDir, { recursive: true });

  const queue = [...sources];
  const workers = Array.from({ length: Math.max(1, os.cpus().length) }, async () => {
    while (queue.length > 0) {
      const source = queue.shift();
      const object = path.join(objDir, path.basename(source).replace(/\.(cc|cpp)$/, ".obj"));
      const msvcMacros = source.startsWith(NATIVE) && includesCurl(source);
      const input = msvcMacros ? msvcWrapper(source, headers) : source;
      const { status, output } = await compile(cxx, [...common, input, "-o", object]);
      const ok = status === 0 && fs.existsSync(object);
      report.results.push({ source: path.relative(ROOT, source), object: path.relative(ROOT, object), ok, msvcMacros, output });
      log(`${ok ? "ok  " : "FAIL"} ${path.relative(ROOT, source)}${msvcMacros ? " (MSVC min/max macros)" : ""}`);
      if (output.trim() && !asJson) process.stdout.write(output);
    }
  });
  await Promise.all(workers);
  report.results.sort((a, b) => a.source.localeCompare(b.source));
  const failed = report.results.filter((r) => !r.ok);
  log(`${report.results.length - failed.length}/${report.results.length} compiled; objects in ${path.relative(ROOT, objDir)}`);
  for (const note of report.notes) log(`note: ${note}`);
  exitWith(failed.length > 0 ? 1 : 0, report);
}

main().catch((error) => exitWith(1, { error: String(error && error.stack) }));
