#!/usr/bin/env node
// The development build (`npm run build:native` -> build/Release/fal_native.node).
//
// By default it links the bundled network stack, as the shipped prebuilds do, so the tests exercise
// what ships: the deps are built once by native/tools/build-deps.js (cached; seconds afterwards),
// then cmake-js runs with -DFAL_NATIVE_NETWORK=bundled. Where they cannot be built (not Linux x64 or
// arm64, no deb-src access, no compiler) it says why and falls back to the system libcurl.
//
//   FAL_NATIVE_NETWORK=system npm run build:native     (or: npm run build:native:system)
//   FAL_NATIVE_NETWORK=bundled npm run build:native    bundled or fail, no fallback
// Extra arguments are handed to cmake-js (e.g. --debug).
"use strict";

const { spawnSync } = require("child_process");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");

function main() {
  const args = process.argv.slice(2);
  let network = process.env.FAL_NATIVE_NETWORK || "";
  const flag = args.findIndex((a) => a === "--system" || a === "--bundled");
  if (flag >= 0) network = args.splice(flag, 1)[0].slice(2);
  if (network && network !== "system" && network !== "bundled") {
    console.error(`build-native: FAL_NATIVE_NETWORK must be bundled or system, not '${network}'`);
    process.exit(1);
  }

  const defines = [];
  if (network !== "system") {
    const { ensureDeps, DepsError } = require("./build-deps");
    const arch = process.arch;
    try {
      const prefix = ensureDeps(arch);
      network = "bundled";
      defines.push(`--CDFAL_NATIVE_DEPS_PREFIX=${prefix}`);
    } catch (error) {
      if (!(error instanceof DepsError)) throw error;
      if (network === "bundled") {
        console.error(`build-native: cannot build the bundled network stack: ${error.message}`);
        process.exit(1);
      }
      console.error(`build-native: cannot build the bundled network stack (${error.message.split("\n")[0]}); ` +
        "linking the system libcurl instead");
      network = "system";
    }
  }
  defines.push(`--CDFAL_NATIVE_NETWORK=${network}`);

  // configure, then build: `cmake-js compile` skips configuring an existing build directory, which
  // would keep the network stack it was first configured with. Re-configuring costs a second or two.
  const cmakeJs = require.resolve("cmake-js/bin/cmake-js", { paths: [ROOT] });
  for (const command of ["configure", "build"]) {
    const result = spawnSync(process.execPath, [cmakeJs, command, "--out", "build", ...defines, ...args], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

main();
