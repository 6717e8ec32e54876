#!/usr/bin/env node
// Fills the environment cache (test/environments/prepare.sh runs this after installing the system
// packages): the bookworm minbase root filesystem and the Node executables the tests run. Each entry
// is made once and reused (see common.js cachedDir); the tests fill missing entries themselves too.
"use strict";

const { cacheDir, timed } = require("./common");
const { NODE_VERSIONS, ARM64_NODE_VERSION, nodeBinary } = require("./node-binary");
const { minbaseRootfs } = require("./rootfs");

async function main() {
  const started = Date.now();
  const results = await Promise.all([
    minbaseRootfs(),
    ...NODE_VERSIONS.map((version) => nodeBinary(version, "x64")),
    nodeBinary(ARM64_NODE_VERSION, "arm64"),
  ]);
  for (const entry of results) console.log(`prepare: cached ${entry}`);
  timed(`environment cache ready in ${cacheDir()}`, started);
}

main().catch((error) => {
  console.error(`prepare: ${error.message}`);
  process.exit(1);
});
