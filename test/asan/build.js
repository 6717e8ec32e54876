#!/usr/bin/env node
// Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into build/asan/ (the
// development build in build/Release is not touched), against the same bundled network stack as
// `npm run build:native`, and checks the result really is instrumented.
//
//   node test/asan/build.js            -> prints the path of build/asan/Release/fal_native.node
//
// cmake-js passes its own -DCMAKE_CXX_FLAGS, which replaces ours, so the sanitizer flags go in the
// per-configuration CMAKE_CXX_FLAGS_RELEASE and in CMAKE_SHARED_LINKER_FLAGS. Clang builds it
// (CC/CXX override): its runtime is what run.js preloads (clang -print-file-name=...).
"use strict";

const { spawnSync, execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const OUT = path.join(ROOT, "build", "asan");
const ADDON = path.join(OUT, "Release", "fal_native.node");
const CC = process.env.CC || "clang";
const CXX = process.env.CXX || "clang++";

const SANITIZE = "-fsanitize=address,undefined";
const CXX_FLAGS = `-O1 -g ${SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DNDEBUG`;

/** The runtime to LD_PRELOAD into node: the compiler that built the addon decides which. */
function asanRuntime(cc = CC) {
  const name = /clang/.test(path.basename(cc)) ? `libclang_rt.asan-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so` : "libasan.so";
  const file = execFileSync(cc, [`-print-file-name=${name}`], { encoding: "utf8" }).trim();
  if (!path.isAbsolute(file) || !fs.existsSync(file)) {
    throw new Error(`asan: ${cc} has no ${name} (install clang and libclang-rt-14-dev, or set CC/CXX=gcc/g++)`);
  }
  return file;
}

/** Throws unless the .node calls into the ASan and UBSan runtimes. */
function checkInstrumented(file = ADDON) {
  const undefinedSymbols = execFileSync("nm", ["-D", "--undefined-only", file], { encoding: "utf8" });
  const asan = (undefinedSymbols.match(/__asan_report_\w+/g) || []).length;
  const ubsan = (undefinedSymbols.match(/__ubsan_handle_\w+/g) || []).length;
  if (asan === 0 || ubsan === 0) throw new Error(`asan: ${file} is not instrumented (__asan_report_*: ${asan}, __ubsan_handle_*: ${ubsan})`);
  return { asan, ubsan };
}

function build() {
  const { ensureDeps } = require("../../native/tools/build-deps");
  const prefix = ensureDeps(process.arch);
  const cmakeJs = require.resolve("cmake-js/bin/cmake-js", { paths: [ROOT] });
  const defines = [
    `--CDFAL_NATIVE_DEPS_PREFIX=${prefix}`,
    "--CDFAL_NATIVE_NETWORK=bundled",
    `--CDCMAKE_C_COMPILER=${CC}`,
    `--CDCMAKE_CXX_COMPILER=${CXX}`,
    `--CDCMAKE_CXX_FLAGS_RELEASE=${CXX_FLAGS}`,
    `--CDCMAKE_SHARED_LINKER_FLAGS=${SANITIZE}`,
  ];
  for (const command of ["configure", "build"]) {
    const result = spawnSync(process.execPath, [cmakeJs, command, "--out", path.relative(ROOT, OUT), ...defines], {
      cwd: ROOT,
      stdio: ["ignore", process.stderr, process.stderr],
      env: { ...process.env, CC, CXX },
    });
    if (result.status !== 0) throw new Error(`asan: cmake-js ${command} failed (exit ${result.status})`);
  }
  return ADDON;
}

module.exports = { build, checkInstrumented, asanRuntime, ADDON, CC, CXX };

if (require.main === module) {
  try {
    const started = Date.now();
    build();
    const counts = checkInstrumented();
    console.error(`asan: built in ${((Date.now() - started) / 1000).toFixed(1)} s; instrumented (${counts.asan} __asan_report_*, ${counts.ubsan} __ubsan_handle_* imports)`);
    console.log(ADDON);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
