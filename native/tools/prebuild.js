#!/usr/bin/env node
// Makes the prebuilt binary that ships in the npm tarball:
//   prebuilds/<platform>-<arch>/fal-native.napi[.glibc|.musl].node
// (the name lib/addon-loader.ts looks for). Builds in its own directory, build/prebuild/, so it
// never disturbs the development build in build/Release. Then checks what the binary needs at run
// time: it must load, and on Linux it must not need libsimdjson (simdjson is compiled in).
// Run by `npm run build:prebuild`, `npm pack`/`npm publish` (prepack) and .ci/setup.sh.
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const BUILD_DIR = path.join("build", "prebuild");

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function libc() {
  if (process.platform !== "linux") return undefined;
  return process.report.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
  return result.status === 0 ? result.stdout : undefined;
}

function build() {
  let cmakeJs;
  try {
    cmakeJs = require.resolve("cmake-js/bin/cmake-js", { paths: [ROOT] });
  } catch {
    fail("cmake-js is not installed: run `npm install` in the repository first");
  }
  const result = spawnSync(process.execPath, [cmakeJs, "compile", "--out", BUILD_DIR], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) fail(`cmake-js compile --out ${BUILD_DIR} failed (exit ${result.status})`);
  return path.join(ROOT, BUILD_DIR, "Release", "fal_native.node");
}

function install(built) {
  const tags = libc() ? `napi.${libc()}` : "napi";
  const dir = path.join(ROOT, "prebuilds", `${process.platform}-${process.arch}`);
  const target = path.join(dir, `fal-native.${tags}.node`);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(built, target);
  return target;
}

/** Loads the binary in a fresh process, where a missing library shows up as it would for a user. */
function checkLoads(target) {
  const probe = `const a = require(${JSON.stringify(target)}); if (typeof a.Client !== "function") process.exit(3);`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  if (result.status !== 0) fail(`the binary does not load:\n${result.stderr}`);
}

/** Linux only, and only where binutils is installed: what the binary asks of the host system. */
function reportLinuxNeeds(target) {
  if (process.platform !== "linux") return;
  const dynamic = run("readelf", ["-d", target]);
  if (dynamic === undefined) return console.log("prebuild: readelf not found; skipped the NEEDED check");
  const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
  console.log(`prebuild: needs ${needed.join(", ")}`);
  if (needed.some((lib) => /simdjson/.test(lib))) fail("the binary links libsimdjson dynamically; it must be compiled in");
  const symbols = run("objdump", ["-T", target]) ?? "";
  const glibc = [...new Set([...symbols.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]))];
  glibc.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (glibc.length > 0) console.log(`prebuild: needs glibc ${glibc[glibc.length - 1]} or newer`);
}

const target = install(build());
checkLoads(target);
reportLinuxNeeds(target);
console.log(`prebuild: wrote ${path.relative(ROOT, target)}`);
